"""Images beside their article (as Hugo's page bundles): ``photo.png`` next to
``my-article.md``, shown as ``![…](photo.png)``, is published with the article, and the
page, the feeds and the search index point at it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import NOW, article, tree_bytes
from skillsite.build import BuildOptions, build

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f0"
                    "1f0005fe02fea73b5e1f0000000049454e44ae426082")  # a 1x1 PNG


def skillsite(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skillsite", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_an_image_beside_its_article_is_published_with_it_and_loads(site):
    root = site({"content/jobs/my-article.md": article("Mine", "Look:\n\n![A chart](photo.png)\n\n"
                                                                "![Its detail](pictures/detail.png)\n"),
                 "content/jobs/photo.png": PNG, "content/jobs/pictures/detail.png": PNG[:-1] + b"\x83",
                 "content/jobs/other.png": PNG})  # beside it, but not shown: not published
    built = skillsite("build", cwd=root)
    assert built.returncode == 0 and "warning" not in built.stderr, built.stderr
    output = root / "output"
    page = (output / "articles/my-article/index.html").read_text()
    assert 'src="photo.png"' in page and 'src="pictures/detail.png"' in page
    assert (output / "articles/my-article/photo.png").read_bytes() == PNG  # the bytes at the src are the file's
    assert (output / "articles/my-article/pictures/detail.png").read_bytes() == PNG[:-1] + b"\x83"
    assert not any(path.endswith("other.png") for path in tree_bytes(output))
    feed = json.loads((output / "feed.json").read_text())
    assert 'src="https://example.org/articles/my-article/photo.png"' in feed["items"][0]["content_html"]


def test_a_missing_image_names_the_folders_looked_in_at_its_line(site):
    root = site({"content/jobs/my-article.md": article("Mine", "Look:\n\n![A chart](missing.png)\n")})
    checked = skillsite("check", cwd=root)
    assert checked.returncode == 1
    assert ("content/jobs/my-article.md:9: error: the image 'missing.png' leads to no page or file of this site\n"
            "  hint: there is no content/jobs/missing.png beside the article: put the image there, in the article's "
            "folder, or in the site's static/ folder and link it as /images/missing.png") in checked.stderr


def test_an_image_climbing_out_of_the_articles_folder_or_not_shown_as_an_image_is_not_published(site):
    root = site({"content/jobs/a.md": article("A", "![up](../shared.png) and [a link](photo.svg)\n"),
                 "content/shared.png": PNG, "content/jobs/photo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'>"
                 b"<script>alert(1)</script></svg>"})
    built = build(root, BuildOptions(now=NOW))
    files = tree_bytes(root / "output")
    assert not any(path.endswith(("shared.png", "photo.svg")) for path in files)  # an SVG opened alone runs script
    assert {w.message.split(" leads")[0] for w in built.warnings} == {"the image '../shared.png'", "the image 'photo.svg'"}
    assert [w.hint for w in built.warnings if "shared" in w.message] == [
        "an image shown from beside an article must be in its folder (content/jobs/) or below it: move "
        "content/shared.png there, or put it in the site's static/ folder and link it as /images/shared.png"]


def test_an_edited_image_is_published_again_and_a_removed_one_is_gone(site):
    root = site({"content/jobs/a.md": article("A", "![x](photo.png)\n"), "content/jobs/photo.png": PNG})
    build(root, BuildOptions(now=NOW))
    (root / "content/jobs/photo.png").write_bytes(PNG + b"\0")
    result = build(root, BuildOptions(now=NOW))
    assert (root / "output/articles/a/photo.png").read_bytes() == PNG + b"\0"
    assert "page:article.html articles/a/index.html" not in result.made  # the page is the same
    (root / "content/jobs/a.md").write_text(article("A", "No picture now.\n"))
    build(root, BuildOptions(now=NOW))
    assert not (root / "output/articles/a/photo.png").exists()
