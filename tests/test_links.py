"""Links and images that lead nowhere: ``check`` and ``build`` find them with one function,
name them at their lines, and never report a link that works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import article, tree_bytes


def skillsite(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command as a moderator types it, in its own process."""
    return subprocess.run([sys.executable, "-m", "skillsite", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_check_passes_the_untouched_sample_site_in_both_formats(sample_site):
    for args in (["check"], ["check", "--format", "github"]):
        done = skillsite(*args, cwd=sample_site)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "error" not in (done.stdout + done.stderr).replace("0 errors", "")
        assert "Checked 17 articles: 0 errors, 0 warnings." in done.stdout


BROKEN = ("Intro.\n\nRead [the CV guide](../jobs/b.md) and [its page](/articles/b/),\n"
          "[nothing](/articles/no-such-slug/) and [the feed](/feed.xml).\n\n![chart](/images/missing.png)\n")


def test_a_dead_link_and_a_missing_image_are_named_by_check_and_build_and_fail_strict(site):
    root = site({"content/jobs/a.md": article("A", BROKEN), "content/jobs/b.md": article("B")})
    dead_link = "content/jobs/a.md:10: {}: the link '/articles/no-such-slug/' leads to no page or file of this site"
    missing_image = "content/jobs/a.md:12: {}: the image '/images/missing.png' leads to no page or file of this site"

    checked = skillsite("check", cwd=root)
    assert checked.returncode == 1
    assert dead_link.format("error") in checked.stderr
    assert missing_image.format("error") in checked.stderr
    assert "Checked 2 articles: 2 errors, 0 warnings." in checked.stderr
    assert "b.md" not in checked.stderr and "/feed.xml" not in checked.stderr  # links that work are never named

    built = skillsite("build", cwd=root)
    assert built.returncode == 0, built.stderr
    assert dead_link.format("warning") in built.stderr
    assert missing_image.format("warning") in built.stderr
    assert "b.md" not in built.stderr
    before = tree_bytes(root / "output")

    strict = skillsite("build", "--strict", cwd=root)
    assert strict.returncode == 1
    assert dead_link.format("error") in strict.stderr and missing_image.format("error") in strict.stderr
    assert "Nothing was written; the previous output is unchanged." in strict.stderr
    assert tree_bytes(root / "output") == before


def test_a_link_whose_address_was_removed_stays_readable_text(site):
    root = site({"content/jobs/a.md": article("A", "See [the old guide](../jobs/gone.md) and "
                                                   "<a href=\"javascript:alert(1)\">a script</a> here.\n")})
    assert skillsite("build", cwd=root).returncode == 0
    page = (root / "output/articles/a/index.html").read_text()
    assert "See the old guide and a script here." in page
    assert "<a>" not in page
