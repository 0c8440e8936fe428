"""``skillsite import`` as a moderator runs it: Jekyll, Hugo and Docusaurus files and saved
forum posts become valid drafts, template syntax is converted or reported at its line, old
addresses keep answering, images come along, and one summary says it all.

Real content (the corpus's originals, real Hugo sites) is imported and built in
test_import_real.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillsite.build import BuildOptions, build
from skillsite.cli import main
from conftest import NOW, write_tree

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "000_1de14dde55b543d9.txt"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")  # a PNG's first bytes


def run_import(root: Path, *args: str):
    result = CliRunner().invoke(main, ["import", *args, "--site", str(root)], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def sources(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    return write_tree(tmp_path / "old", files)


def imported(root: Path, relative: str) -> str:
    return (root / "content" / relative).read_text(encoding="utf-8")


def line_of(root: Path, relative: str, needle: str) -> int:
    """The line of the imported file ``content/relative`` on which ``needle`` is (the report must name it)."""
    text = imported(root, relative)
    assert needle in text, needle
    return text.count("\n", 0, text.index(needle)) + 1


# --- defaults: drafts, titles, categories, authors --------------------------------------------------

JEKYLL_POST = """---
layout: post
title: "Negotiating your first offer"
categories: jobs advice
tags: salary negotiation
date: 2019-03-04 10:20:00 +0100
permalink: /blog/negotiating-your-first-offer.html
redirect_from: [/2019/03/negotiation/, /2019/03/negotiation/index.html, negotiation-old]
author: [Rafiq, Nasrin Akter, Ana]
---
Always ask.
"""


def test_an_import_arrives_as_a_draft_with_every_field_mapped(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"_posts/2019-03-04-negotiation.md": JEKYLL_POST})
    result = run_import(root, str(old / "_posts/2019-03-04-negotiation.md"))
    assert result.exit_code == 0, result.output
    assert imported(root, "jobs/negotiating-your-first-offer.md") == (
        '---\n'
        'title: "Negotiating your first offer"\n'
        'date: "2019-03-04T10:20:00+01:00"\n'
        'author: "Rafiq"\n'
        '# authors: ["Rafiq", "Nasrin Akter", "Ana"]\n'
        'category: "jobs"\n'
        'tags: ["salary", "negotiation"]\n'
        'aliases: ["/2019/03/negotiation/", "/negotiation-old/", "/blog/negotiating-your-first-offer.html"]\n'
        'draft: true\n'
        '---\n'
        '\n'
        'Always ask.\n'
        '\n'
        '*Co-authors: Nasrin Akter, Ana.*\n')
    assert result.output.splitlines()[:2] == [
        "Imported 1 of 1 file (1 Jekyll); 1 as drafts (publish one by deleting its line 'draft: true', or import "
        "again with --publish --overwrite):",
        f"  {old}/_posts/2019-03-04-negotiation.md -> content/jobs/negotiating-your-first-offer.md"]
    assert ("  content/jobs/negotiating-your-first-offer.md: co-authors Nasrin Akter, Ana: named in a closing line "
            "of the article and in a comment under author: (an article shows one author today)") in result.output
    assert "  content/jobs/negotiating-your-first-offer.md: not carried over: layout" in result.output
    built = build(root, BuildOptions(now=NOW, drafts=True))
    assert built.articles == 1 and [w for w in built.warnings if w.severity == "error"] == []
    assert (root / "output/blog/negotiating-your-first-offer.html").is_file()
    assert (root / "output/2019/03/negotiation/index.html").is_file()


def test_publish_imports_published_but_a_source_draft_stays_one(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"a.md": "---\ntitle: A\ncategory: jobs\n---\nText.\n",
                             "b.md": "---\ntitle: B\ncategory: jobs\ndraft: true\n---\nText.\n"})
    assert run_import(root, str(old / "a.md"), str(old / "b.md"), "--publish").exit_code == 0
    assert "draft" not in imported(root, "jobs/a.md")
    assert "\ndraft: true\n" in imported(root, "jobs/b.md")


def test_a_title_missing_from_front_matter_comes_from_the_first_heading_or_the_file_name(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"docs/with-heading.md": "---\nsidebar_label: x\n---\n\n# Coding interview prep\n\nText.\n",
                             "docs/coding-interview-basics.md": "---\nsidebar_position: 2\n---\nText.\n",
                             "notes/plain.md": "# A note without front matter\n\nText.\n"})
    result = run_import(root, str(old), "--category", "jobs")
    assert result.exit_code == 0, result.output
    assert imported(root, "jobs/with-heading.md").split("---\n", 2)[1].startswith('title: "Coding interview prep"')
    assert "# Coding interview prep" not in imported(root, "jobs/with-heading.md")
    assert 'title: "Coding interview basics"' in imported(root, "jobs/coding-interview-basics.md")
    assert ("  content/jobs/coding-interview-basics.md: no title: 'Coding interview basics' was made from the file "
            "name") in result.output
    assert 'title: "A note without front matter"' in imported(root, "jobs/plain.md")


@pytest.mark.parametrize("written", ["categories: jobs advice", "categories: [advice, Jobs]", "category: Jobs",
                                     "categories:\n  - advice\n  - jobs", "category: JOBS"])
def test_jekyll_categories_in_every_form_name_the_category(site, tmp_path, written):
    root = site({})
    old = sources(tmp_path, {"_posts/2020-01-02-post.md": f"---\ntitle: Post\n{written}\n---\nText.\n"})
    assert run_import(root, str(old / "_posts/2020-01-02-post.md"), "--category", "career").exit_code == 0
    assert (root / "content/jobs/post.md").is_file()


def test_jekyll_takes_categories_from_the_folders_above_posts(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"_config.yml": "title: Old\n", "jobs/_posts/2020-01-02-post.md": "---\ntitle: Post\n---\nText.\n"})
    assert run_import(root, str(old / "jobs/_posts/2020-01-02-post.md")).exit_code == 0
    assert 'date: "2020-01-02"' in imported(root, "jobs/post.md")


def test_the_category_option_is_a_fallback_and_the_files_own_category_wins(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"own.md": "---\ntitle: Own\ncategory: career\n---\nText.\n",
                             "other.md": "---\ntitle: Other\ncategories: [misc, Stories]\n---\nText.\n"})
    result = run_import(root, str(old / "own.md"), str(old / "other.md"), "--category", "jobs")
    assert result.exit_code == 0, result.output
    assert (root / "content/career/own.md").is_file() and (root / "content/jobs/other.md").is_file()
    assert ("  content/jobs/other.md: its categories (misc, Stories) are not categories of this site: --category jobs "
            "was used") in result.output


def test_a_file_without_a_category_of_the_site_is_refused_naming_its_line_and_the_fix(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"post.md": "---\ntitle: X\ncategories: [misc]\n---\nText.\n",
                             "bare.md": "---\ntitle: Y\n---\nText.\n"})
    result = run_import(root, str(old / "post.md"), str(old / "bare.md"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{old}/post.md:3: error: none of its categories (misc) is a category of this site\n"
        "  hint: import it with --category KEY, one of: career, jobs, entrepreneurship\n"
        f"{old}/bare.md: error: it names no category\n"
        "  hint: import it with --category KEY, one of: career, jobs, entrepreneurship\n"
        "2 of 2 files not imported.\n")
    assert result.stdout == "Imported 0 of 2 files.\n"
    assert not (root / "content").exists()


# --- where articles go: slugs, bundles, collisions ---------------------------------------------------

def test_leaf_bundles_take_their_folders_name_and_bring_their_images(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {
        "content/posts/My Trip/index.md": "---\ntitle: Trip\ndate: 2021-01-01\nimage: cover.png\n---\n"
                                          "![The sea](sea.png)\n\n<img src=\"sea.png\" alt=\"again\">\n",
        "content/posts/My Trip/sea.png": PNG, "content/posts/My Trip/cover.png": PNG + b"cover",
        "content/posts/other/index.md": "---\ntitle: Other\ndate: 2021-01-02\n---\nText.\n",
    })
    result = run_import(root, str(old / "content/posts"), "--category", "career")
    assert result.exit_code == 0, result.output
    trip = imported(root, "career/my-trip/index.md")
    assert 'slug: "my-trip"' in trip and 'image: "/articles/my-trip/cover.png"' in trip
    assert "![The sea](sea.png)" in trip and '<img src="sea.png" alt="again">' in trip
    assert (root / "content/career/my-trip/sea.png").read_bytes() == PNG
    assert (root / "content/career/my-trip/cover.png").read_bytes() == PNG + b"cover"
    assert (root / "content/career/other.md").is_file()
    assert f"  {old}/content/posts/My Trip/index.md -> content/career/my-trip/index.md, with 2 files beside it" \
        in result.output


def test_root_relative_images_are_found_in_the_original_sites_folders_and_renamed_plainly(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"_config.yml": "title: Old\n",
                             "_posts/2020-01-02-post.md": "---\ntitle: Post\ncategory: jobs\n---\n"
                                                          "![a]({{ site.baseurl }}/assets/My Photo.png)\n"
                                                          "![b](/img/b.png)\n![c](/nowhere/c.png)\n",
                             "assets/My Photo.png": PNG, "elsewhere/static/img/b.png": PNG + b"b"})
    result = run_import(root, str(old / "_posts/2020-01-02-post.md"), "--assets", str(old / "elsewhere"))
    assert result.exit_code == 0, result.output
    post = imported(root, "jobs/post/index.md")
    assert "![a](my-photo.png)\n![b](b.png)\n![c](/nowhere/c.png)\n" in post
    assert (root / "content/jobs/post/my-photo.png").read_bytes() == PNG
    assert (root / "content/jobs/post/b.png").read_bytes() == PNG + b"b"
    line = line_of(root, "jobs/post/index.md", "/nowhere/c.png")
    assert (f"  content/jobs/post/index.md:{line}: /nowhere/c.png: an image: nothing on this site or among the imported "
            "files is there") in result.output


def test_files_outside_the_original_site_or_behind_a_symlink_never_come_along(site, tmp_path):
    root = site({})
    secret = write_tree(tmp_path / "secret", {"key.png": PNG})
    old = sources(tmp_path, {"_config.yml": "title: Old\n",
                             "_posts/2020-01-02-post.md": "---\ntitle: Post\ncategory: jobs\n---\n"
                                                          "![a](../../secret/key.png)\n![b](/linked.png)\n"})
    os.symlink(secret / "key.png", old / "linked.png")
    assert run_import(root, str(old / "_posts/2020-01-02-post.md")).exit_code == 0
    assert sorted(p.name for p in (root / "content/jobs").iterdir()) == ["post.md"]


def test_an_article_already_there_is_refused_with_the_way_out_and_replaced_with_overwrite(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"docs/resume.md": "---\ntitle: Resume\n---\nFirst.\n"})
    assert run_import(root, str(old / "docs/resume.md"), "--category", "jobs").exit_code == 0
    (old / "docs/resume.md").write_text("---\ntitle: Resume\n---\nSecond.\n")
    again = run_import(root, str(old / "docs/resume.md"), "--category", "jobs")
    assert again.exit_code == 1
    assert again.stderr == (
        f"{old}/docs/resume.md: error: content/jobs/resume.md already exists\n"
        "  hint: import it again with --overwrite to replace it, or with --slug NAME to import it under another name\n"
        "1 of 1 file not imported.\n")
    assert "First." in imported(root, "jobs/resume.md")
    replaced = run_import(root, str(old / "docs/resume.md"), "--category", "jobs", "--overwrite")
    assert replaced.exit_code == 0 and "-> content/jobs/resume.md (replacing it)" in replaced.output
    assert "Second." in imported(root, "jobs/resume.md")
    renamed = run_import(root, str(old / "docs/resume.md"), "--category", "career", "--slug", "resume-2")
    assert renamed.exit_code == 0 and "Second." in imported(root, "career/resume-2.md")


def test_a_url_another_article_has_is_refused_naming_it(site, tmp_path):
    root = site({"content/career/resume.md": "---\ntitle: R\ndate: 2024-01-01\nauthor: m\ncategory: career\n---\nR.\n"})
    old = sources(tmp_path, {"resume.md": "---\ntitle: Resume\n---\nText.\n"})
    result = run_import(root, str(old / "resume.md"), "--category", "jobs", "--overwrite")
    assert result.stderr.splitlines()[:2] == [
        f"{old}/resume.md: error: its URL /articles/resume/ is already taken by content/career/resume.md",
        "  hint: import it with --slug NAME to give it another URL name"]


def test_two_files_of_one_import_with_one_url_name(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"a/post.md": "---\ntitle: A\n---\nA.\n", "b/post.md": "---\ntitle: B\n---\nB.\n"})
    result = run_import(root, str(old), "--category", "jobs")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{old}/b/post.md: error: its URL /articles/post/ is taken by {old}/a/post.md, imported before it",
        "  hint: import it on its own with --slug NAME to give it another URL name"]


def test_slug_names_one_article_only(site, tmp_path):
    old = sources(tmp_path, {"a.md": "---\ntitle: A\n---\nA.\n", "b.md": "---\ntitle: B\n---\nB.\n"})
    result = run_import(site({}), str(old), "--category", "jobs", "--slug", "x")
    assert result.exit_code == 2
    assert result.stderr.startswith("--slug: error: --slug names one article, and more than one file was given\n"
                                    "  hint: import one file with --slug, as lowercase letters, digits and hyphens")


def test_a_dry_run_says_what_it_would_write_and_writes_nothing(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"a.md": "---\ntitle: A\n---\n{{< youtube abc >}}\n"})
    result = run_import(root, str(old / "a.md"), "--category", "jobs", "--dry-run")
    assert result.exit_code == 0
    assert result.output.startswith("Would import 1 of 1 file (1 Hugo)")
    assert result.output.endswith("Dry run: nothing was written.\n")
    assert not (root / "content").exists()


def test_a_forum_post_becomes_an_article_that_builds(site):
    if not SEED.is_file():
        pytest.skip(f"the seed article is not beside the checkout ({SEED})")
    root = site({})
    result = run_import(root, str(SEED), "--category", "career")
    assert result.exit_code == 0, result.output
    assert "-> content/career/mind-the-gap-business-relationship-with-it.md" in result.output
    assert "'?' stands where quotes or apostrophes were probably lost" in result.output
    text = imported(root, "career/mind-the-gap-business-relationship-with-it.md")
    assert 'author: "alauddin_azad"' in text and 'date: "2014-04-07T17:27:47"' in text
    assert "\n- Identify and document the stakeholders and customers of the services\n" in text
    built = build(root, BuildOptions(now=NOW, drafts=True))
    assert built.articles == 1 and [w for w in built.warnings if w.severity == "error"] == []


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name, piece", [
    ("a.md", "{% raw %}"), ("b.md", "{% highlight x %}"), ("c.md", "{{ page.x "), ("d.md", "{{< x "),
    ("e.md", "{{< a >}}"), ("f.md", "{{</* "), ("g.mdx", "<Comp "), ("h.mdx", ":::note\n"), ("i.mdx", "{/* "),
    ("j.mdx", "<head>\n"), ("k.md", "[a]("), ("l.md", "`"), ("m.md", "> [!NOTE]\n"), ("n.mdx", "<a b={{"),
])
def test_text_full_of_openers_without_closers_is_imported_in_seconds(site, tmp_path, name, piece):
    import time
    old = sources(tmp_path, {name: "---\ntitle: X\ncategory: jobs\ndate: 2024-01-01\n---\n" + piece * 20_000})
    started = time.perf_counter()
    result = run_import(site({}), str(old / name), "--dry-run")
    assert result.exit_code == 0, result.output[-500:]
    assert time.perf_counter() - started < 20


def test_an_article_that_cannot_be_written_is_named_with_the_fix(site, tmp_path):
    root = site({"content/jobs": "a file where the category's folder should be\n"})
    old = sources(tmp_path, {"a.md": "---\ntitle: A\ncategory: jobs\n---\nText.\n"})
    result = run_import(root, str(old / "a.md"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{root / 'content/jobs'}: error: cannot be written: File exists\n"
        "  hint: check that the folder is writable and the file not there already, then import again (with "
        "--overwrite to replace what was written)\nImport failed: 1 error in 1 file.")


def test_a_source_tree_reached_through_a_symlinked_folder_still_brings_its_images(site, tmp_path):
    root = site({})
    sources(tmp_path, {"content/posts/trip/index.md": "---\ntitle: Trip\n---\n![The sea](sea.png)\n",
                       "content/posts/trip/sea.png": PNG})
    os.symlink(tmp_path / "old", tmp_path / "linked")  # e.g. ~/sites -> /data/sites
    assert run_import(root, str(tmp_path / "linked/content/posts"), "--category", "career").exit_code == 0
    assert (root / "content/career/trip/sea.png").read_bytes() == PNG


JEKYLL_GUIDE = """---
lang: en
title: The Legal Side of Open Source
description: Everything you've ever wondered about the legal side of open source.
class: legal
order: 10
image: /assets/images/cards/legal.png
related:
  - contribute
  - leadership
---

## Understanding the legal implications

Read our [disclaimer](/notices/).
"""


def test_check_finds_each_link_the_import_said_leads_nowhere_at_the_same_line(site, tmp_path):
    root = site({})
    old = sources(tmp_path, {"_articles/legal.md": JEKYLL_GUIDE})
    result = run_import(root, str(old / "_articles/legal.md"), "--category", "entrepreneurship", "--publish",
                        "--author", "GitHub")
    line = line_of(root, "entrepreneurship/legal.md", "/notices/")
    assert (f"  content/entrepreneurship/legal.md:{line}: /notices/: a link: nothing on this site or among the "
            "imported files is there") in result.output.splitlines()
    assert ("  content/entrepreneurship/legal.md: image '/assets/images/cards/legal.png' was not found among the "
            "original site's files and was left out") in result.output.splitlines()
    checked = CliRunner().invoke(main, ["check", str(root)])
    assert checked.output.startswith(f"content/entrepreneurship/legal.md:{line}: error: the link '/notices/' leads "
                                     "to no page")
    assert "Checked 1 article: 1 error, 0 warnings." in checked.output
