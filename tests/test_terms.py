"""Tags and authors that share a URL name are never merged silently: names that differ in
letters or in symbols that are part of the name (C++, C#, C) get pages of their own, and
two spellings of one name (Bob Smith, bob smith) fail the build naming both files."""

from __future__ import annotations


import pytest
from click.testing import CliRunner

from conftest import NOW, REPO, article
from skillsite.build import BuildOptions, build
from skillsite.cli import main
from skillsite.model import BuildFailed
from skillsite.urls import term_key


def run_cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name, key", [
    ("C++", "c-plus-plus"), ("C#", "c-sharp"), ("C", "c"), ("F#", "f-sharp"), ("A+", "a-plus"),
    ("c#-coding-interviews", "c-sharp-coding-interviews"),
    # unchanged: plain names, and '#' or '+' that are not part of a word
    ("interview", "interview"), ("soft-skills", "soft-skills"), ("Soft Skills", "soft-skills"),
    ("alauddin_azad", "alauddin_azad"), ("Node.js", "node-js"), ("#hiring", "hiring"), ("R&D", "r-d"),
    ("চাকরির খোঁজ", "চাকরির-খোঁজ"),
])
def test_url_names_of_tags_and_authors(name, key):
    assert term_key(name) == key


def test_c_plus_plus_c_sharp_and_c_each_get_a_page_of_their_own(site):
    root = site({"content/jobs/cpp.md": article("Templates", tags="[C++]"),
                 "content/jobs/cs.md": article("LINQ", tags="[C#]"),
                 "content/jobs/c.md": article("Pointers", tags="[C]")})
    build(root, BuildOptions(now=NOW))
    output = root / "output"
    for folder, name, slug in (("c-plus-plus", "C++", "cpp"), ("c-sharp", "C#", "cs"), ("c", "C", "c")):
        page = (output / "tag" / folder / "index.html").read_text()
        assert f'<h1 class="listing-title"><bdi>{name}</bdi></h1>' in page
        assert page.count('<article class="card">') == 1 and f'<a href="/articles/{slug}/">' in page
    index = (output / "tag/index.html").read_text()
    for folder, name in (("c-plus-plus", "C++"), ("c-sharp", "C#"), ("c", "C")):
        assert f'<a href="/tag/{folder}/"><bdi>{name}</bdi></a>' in index


def test_the_sample_sites_tags_and_authors_keep_their_urls(sample_site):
    # the URLs the sample site was published at before names with symbols got their own
    build(sample_site, BuildOptions(now=NOW))
    output = sample_site / "output"
    published = {p.parent.relative_to(output).as_posix()
                 for taxonomy in ("tag", "author") for p in (output / taxonomy).glob("*/index.html")}
    assert published == {
        "author/alauddin_azad", "author/moderator", "author/nasrin_akter", "author/rafiq_islam",
        "author/sadia_rahman", "tag/brm", "tag/career-planning", "tag/communication", "tag/customer-research",
        "tag/fair-hiring", "tag/finance", "tag/freelancing", "tag/fresh-graduates", "tag/fundraising", "tag/hiring",
        "tag/interview", "tag/it-management", "tag/job-descriptions", "tag/job-search", "tag/leadership",
        "tag/legal", "tag/networking", "tag/online-learning", "tag/pricing", "tag/professional-associations",
        "tag/resume", "tag/small-business", "tag/soft-skills", "tag/startups"}


TWO_AUTHORS = ("content/jobs/b.md:4: error: author: 'bob smith' is written 'Bob Smith' in content/jobs/a.md: "
               "the two would share one author page, /author/bob-smith/, under one of the two spellings\n"
               "  hint: write the name the same way in every article, e.g. 'Bob Smith' (a different name needs "
               "different letters, not just other capitals, spaces or punctuation)")


def test_two_spellings_of_one_author_fail_naming_both_files_and_both_spellings(site):
    root = site({"content/jobs/a.md": article("A", author='"Bob Smith"'),
                 "content/jobs/b.md": article("B", author='"bob smith"'),
                 "content/jobs/c.md": article("C", author='"Bob Smith"')})
    with pytest.raises(BuildFailed) as failed:
        build(root, BuildOptions(now=NOW))
    assert [d.format() for d in failed.value.diagnostics] == [TWO_AUTHORS]
    assert not (root / "output").exists()
    checked = run_cli("check", str(root))
    assert checked.exit_code == 1
    assert checked.output.startswith(TWO_AUTHORS + "\nChecked 3 articles: 1 error, 0 warnings.\n")


def test_two_spellings_of_one_tag_are_named_at_every_article_that_writes_the_rarer_one(site):
    root = site({"content/jobs/a.md": article("A", tags="[soft-skills]"),
                 "content/jobs/b.md": article("B", tags="[Soft Skills, cv]"),
                 "content/jobs/c.md": article("C", tags="[interview, soft-skills]"),
                 "content/jobs/d.md": article("D", tags="[cv, CV]")})
    result = run_cli("build", str(root))
    assert result.exit_code == 1
    assert ("content/jobs/b.md:6: error: tags: 'Soft Skills' is written 'soft-skills' in content/jobs/a.md: "
            "the two would share one tag page, /tag/soft-skills/, under one of the two spellings\n") in result.output
    assert ("content/jobs/d.md:6: error: tags: 'CV' is written 'cv' in content/jobs/b.md: the two would share one "
            "tag page, /tag/cv/, under one of the two spellings\n") in result.output
    assert "Build failed: 2 errors in 2 files. Nothing was written; the previous output is unchanged." in result.output


def test_one_article_with_two_spellings_of_a_tag_is_told_so(site):
    root = site({"content/jobs/a.md": article("A", tags="[cv, CV]")})
    result = run_cli("check", str(root))
    assert result.exit_code == 1
    assert ("content/jobs/a.md:6: error: tags: 'cv' is written 'CV' in this article too: the two would share one "
            "tag page, /tag/cv/, under one of the two spellings\n") in result.output


def test_a_draft_with_another_spelling_holds_back_nothing_but_check_finds_it(site):
    root = site({"content/jobs/a.md": article("A", tags="[Interview]"),
                 "content/jobs/b.md": article("B", tags="[interview]", draft="true")})
    assert build(root, BuildOptions(now=NOW)).articles == 1  # the draft is not on the site
    checked = run_cli("check", str(root))
    assert checked.exit_code == 1
    assert "content/jobs/b.md:6: error: tags: 'interview' is written 'Interview' in content/jobs/a.md" \
        in checked.output


def test_the_golden_site_writes_each_tag_one_way():
    # the golden fixture is where a merged spelling would hide: its pages show names as written
    checked = run_cli("check", str(REPO / "tests/fixtures/site"))
    assert "would share one" not in checked.output
