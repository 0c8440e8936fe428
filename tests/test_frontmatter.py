"""Article files -> SourceDocuments: front matter, the loader, and every problem in one run.

Files made with ``article()`` have these lines: 1 '---', 2 title, 3 date, 4 author,
5 category, 6 onwards the extra fields in the order given, then '---' and the body.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL_CONFIG, NOW, article, write_tree
from skillsite.build import BuildOptions, build
from skillsite.cli import main
from skillsite.config import load_config
from skillsite.build import load_documents
from skillsite.model import BuildFailed, Diagnostic, SourceDocument

A = "content/jobs/a.md"
FIELDS_HINT = ("fields allowed in front matter: aliases, audience, author, category, date, draft, expires, "
               "id, image, lang, pinned, slug, source, summary, tags, title, updated")
DHAKA = timezone(timedelta(hours=6))


def load(site_dir: Path) -> tuple[list[SourceDocument], list[Diagnostic]]:
    return load_documents(load_config(site_dir))


def problems(site_dir: Path) -> list[str]:
    """Every diagnostic, as printed."""
    return [d.format() for d in load(site_dir)[1]]


def the_document(site_dir: Path) -> SourceDocument:
    """The one document of a site that must load without errors."""
    documents, found = load(site_dir)
    assert [d for d in found if d.severity == "error"] == []
    assert len(documents) == 1
    return documents[0]


def front(*lines: str, body: str = "Text.\n") -> str:
    """An article written line by line, for values ``article()`` would quote."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


# --- a good file -----------------------------------------------------------------------------

def test_reads_an_article_into_a_document_with_its_body_and_first_body_line(site):
    document = the_document(site({A: article("Writing a CV", body="# CV\n\nText.\n", tags="[cv, interview]",
                                             audience="[jobseekers]")}))
    assert (document.path, document.content_path, document.body, document.body_line) == \
           (A, "jobs/a.md", "# CV\n\nText.\n", 9)
    meta = document.meta
    assert (meta.title, meta.author, meta.category, meta.slug, meta.tags, meta.audience, meta.draft) == \
           ("Writing a CV", "moderator", "jobs", "a", ("cv", "interview"), ("jobseekers",), False)


def test_keeps_title_and_author_exactly_as_written_where_yaml_would_retype_them(site):
    root = site({
        "content/jobs/no.md": front("title: no", "date: 2024-03-05", "author: 012345", "category: jobs"),
        "content/jobs/version.md": front("title: 1.10", "date: 2024-03-05", "author: null-island",
                                         "category: jobs", "tags: [yes, 1.10, 012]"),
    })
    documents, found = load(root)
    assert found == []
    by_slug = {d.meta.slug: d.meta for d in documents}
    assert (by_slug["no"].title, by_slug["no"].author) == ("no", "012345")
    assert (by_slug["version"].title, by_slug["version"].tags) == ("1.10", ("yes", "1.10", "012"))


@pytest.mark.parametrize("written, expected", [
    ("2024-03-05 10:30", datetime(2024, 3, 5, 10, 30, tzinfo=DHAKA)),
    ("2024-03-05", datetime(2024, 3, 5, 0, 0, tzinfo=DHAKA)),
    ("2024-03-05T10:30:00+02:00", datetime(2024, 3, 5, 10, 30, tzinfo=timezone(timedelta(hours=2)))),
    ("2024-03-05T10:30:00Z", datetime(2024, 3, 5, 10, 30, tzinfo=timezone.utc)),
])
def test_reads_dates_without_an_offset_in_the_sites_timezone(site, written, expected):
    date = the_document(site({A: article(date=written)})).meta.date
    assert date == expected
    assert date.utcoffset() == expected.utcoffset()


# --- required fields and the schema -----------------------------------------------------------------

def test_reports_every_missing_required_field_with_a_hint(site):
    assert problems(site({A: front("summary: Only a summary.")})) == [
        f"{A}:2: error: title: is missing\n  hint: add the headline, e.g. title: Preparing for your first interview",
        f"{A}:2: error: date: is missing\n  hint: add the publication date, e.g. date: 2024-03-05 10:30",
        f"{A}:2: error: author: is missing\n  hint: add the author's name or username, e.g. author: moderator (several: author: [nasrin_akter, rafiq_islam])",
        f"{A}:2: error: category: is missing\n  hint: add one of the site's categories, e.g. category: jobs",
    ]


def test_reports_an_empty_required_field_on_its_own_line(site):
    assert problems(site({A: article(category='""')})) == [
        f"{A}:5: error: category: is empty\n  hint: add one of the site's categories, e.g. category: jobs"
    ]


def test_rejects_an_unknown_category_with_did_you_mean(site):
    assert problems(site({A: article(category="job")})) == [
        f"{A}:5: error: category: 'job' is not a category of this site (did you mean 'jobs'?)\n"
        "  hint: use one of: career, jobs, entrepreneurship (categories are declared in site.yaml)"
    ]


def test_rejects_an_unknown_audience_with_did_you_mean(site):
    assert problems(site({A: article(audience="[employers, jobseeker]")})) == [
        f"{A}:6: error: audience: 'jobseeker' is not an audience of this site (did you mean 'jobseekers'?)\n"
        "  hint: use any of: jobseekers, employers (audiences are declared in site.yaml)"
    ]


def test_rejects_an_unknown_front_matter_key_with_did_you_mean(site):
    assert problems(site({A: article(catgory="career")})) == [
        f"{A}:6: error: unknown field 'catgory' (did you mean 'category'?)\n  hint: {FIELDS_HINT}"
    ]


@pytest.mark.parametrize("value", ["yes", "on", '"true"'])
def test_refuses_a_draft_that_is_not_exactly_true_or_false(site, value):
    shown = value.strip('"')
    assert problems(site({A: article(draft=value)})) == [
        f"{A}:6: error: draft: must be true or false, not '{shown}'\n  hint: write draft: true or draft: false"
    ]


@pytest.mark.parametrize("written, reason", [
    ("2024-02-30", "day is out of range for month"),
    ("2024-13-01 10:00", "month must be in 1..12"),
])
def test_reports_an_impossible_date_with_file_and_line(site, written, reason):
    assert problems(site({A: article(date=written)})) == [
        f"{A}:3: error: date: '{written}' is not a real date ({reason})\n  hint: check the day and month"
    ]


def test_reports_a_date_that_is_not_a_date_and_how_to_write_one(site):
    assert problems(site({A: article(date="yesterday")})) == [
        f"{A}:3: error: date: 'yesterday' is not a date\n"
        "  hint: write it as YYYY-MM-DD, or YYYY-MM-DD HH:MM, or with an offset: 2024-03-05T10:30:00+06:00"
    ]


@pytest.mark.parametrize("field, value, expected", [
    ("updated", "2024-03-01", "updated: 2024-03-01T00:00:00+06:00 is before date 2024-03-05T10:30:00+06:00\n"
                              "  hint: updated must be later than the date the article was published"),
    ("expires", "2024-03-05 10:00", "expires: 2024-03-05T10:00:00+06:00 is before date 2024-03-05T10:30:00+06:00\n"
                                    "  hint: expires must be later than the date the article was published"),
])
def test_rejects_updated_or_expires_before_the_date(site, field, value, expected):
    assert problems(site({A: article(**{field: value})})) == [f"{A}:6: error: {expected}"]


@pytest.mark.parametrize("field, value, line, expected", [
    ("tags", "interview", 6, "tags: must be a list, not 'interview'\n"
                             "  hint: write it in brackets: tags: [interview]"),
    ("author", "{name: ann}", 4, "author: must be a name or a list of names, not a set of fields\n"
                                 "  hint: write author: nasrin_akter, or author: [nasrin_akter, rafiq_islam]; an "
                                 "author's display name, bio and link go in site.yaml's authors:"),
    ("source", "ftp://example.org/a", 6, "source: 'ftp://example.org/a' is not a web address\n"
                                         "  hint: use a full http:// or https:// address"),
    ("lang", "english!", 6, "lang: 'english!' is not a language tag\n"
                            "  hint: use a BCP 47 tag such as en, ar, hi, bn or zh-Hans"),
    ("id", "hello", 6, "id: 'hello' is not a URI\n  hint: the id pins the article's feed id; use the id it had "
                       "before, e.g. id: https://old.example.org/2014/04/post.html or id: tag:example.org,2014:post"),
], ids=["tags", "author", "source", "lang", "id"])
def test_rejects_fields_of_the_wrong_shape(site, field, value, line, expected):
    assert problems(site({A: article(**{field: value})})) == [f"{A}:{line}: error: {expected}"]


# --- slugs and URLs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("written, shown", [("../etc", "../etc"), ("My Slug", "My Slug"),
                                            ('"a/b"', "a/b"), ("-cv-", "-cv-")])
def test_rejects_a_slug_that_is_not_lowercase_letters_digits_and_hyphens(site, written, shown):
    assert problems(site({A: article(slug=written)})) == [
        f"{A}:6: error: slug: '{shown}' is not a plain URL name\n"
        "  hint: use lowercase letters a-z, digits and single hyphens, e.g. slug: writing-a-cv"
    ]


def test_rejects_a_file_name_that_cannot_be_a_slug_when_there_is_no_slug_field(site):
    assert problems(site({"content/jobs/My Article.md": article()})) == [
        "content/jobs/My Article.md:1: error: the file name 'My Article' cannot be used in a URL\n"
        "  hint: rename the file with lowercase letters, digits and hyphens (e.g. my-article.md), or add a slug: field"
    ]


def test_a_slug_field_lets_any_file_name_be_published(site):
    assert the_document(site({"content/jobs/My Article.md": article(slug="my-article")})).meta.slug == "my-article"


def test_rejects_two_articles_with_one_slug_naming_both_files(site):
    root = site({"content/career/cv.md": article(), "content/jobs/cv.md": article()})
    assert problems(root) == [
        "content/jobs/cv.md:1: error: slug 'cv' is already used by content/career/cv.md\n"
        "  hint: two articles cannot share a URL; give one of them a different slug: field (both want /articles/cv/)"
    ]


@pytest.mark.parametrize("alias_holder, owner", [
    ("content/career/old.md", "content/jobs/cv.md"),   # the alias is read first
    ("content/jobs/old.md", "content/career/cv.md"),   # the slug is read first
])
def test_blames_the_alias_on_its_line_when_it_takes_another_articles_slug(site, alias_holder, owner):
    root = site({owner: article(), alias_holder: article(aliases="[cv]")})
    found = [d for d in load(root)[1] if d.severity == "error"]
    assert [(d.path, d.line, d.message) for d in found] == [
        (alias_holder, 6, f"alias 'cv' is already used by {owner}")
    ]


def test_rejects_an_alias_that_is_the_articles_own_slug(site):
    assert problems(site({A: article(aliases="[a]")})) == [
        f"{A}:6: error: aliases: 'a' is the article's own slug\n  hint: aliases lists only old slugs and addresses; remove this one"
    ]


# --- encodings and the front matter block -----------------------------------------------------------

def test_reports_a_file_that_is_not_utf8_with_the_line_of_the_bad_byte(site):
    raw = article(body="Intro.\n\nCaf\xe9 culture.\n").encode("latin-1")
    assert problems(site({A: raw})) == [
        f"{A}:9: error: the file is not UTF-8 text (byte 0xe9 on this line)\n"
        "  hint: open it in your editor and save it with the UTF-8 encoding"
    ]


@pytest.mark.parametrize("encode", [
    lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
], ids=["bom", "crlf", "bom-crlf"])
def test_reads_bom_and_crlf_files_exactly_like_plain_lf(site, tmp_path, encode):
    text = article("Café", body="# Heading\n\nFirst line\nsecond line.\n", tags="[cv]")
    plain = the_document(site({A: text}))
    windows_site = write_tree(tmp_path / "windows", {"site.yaml": MINIMAL_CONFIG, A: encode(text)})
    assert the_document(windows_site) == plain


def test_reports_errors_in_a_crlf_file_on_the_right_line(site):
    raw = article(date="2024-02-30").replace("\n", "\r\n").encode("utf-8")
    assert [p.split("\n")[0] for p in problems(site({A: raw}))] == [
        f"{A}:3: error: date: '2024-02-30' is not a real date (day is out of range for month)"
    ]


@pytest.mark.parametrize("text", ["# Just a heading\n\nNo front matter.\n", "\n---\ntitle: Late\n---\n"],
                         ids=["none", "blank-line-first"])
def test_reports_a_file_without_front_matter(site, text):
    assert problems(site({A: text})) == [
        f"{A}:1: error: the file has no front matter\n  hint: start the file with a line '---', then fields "
        "such as title:, date:, author:, category:, then another line '---', then the article"
    ]


def test_reports_front_matter_that_is_never_closed(site):
    assert problems(site({A: "---\ntitle: Open\ndate: 2024-03-05\n\nThe article.\n"})) == [
        f"{A}:1: error: the front matter opened on line 1 is never closed\n"
        "  hint: add a line '---' after the last field, before the article text"
    ]


@pytest.mark.parametrize("text", ["---\n---\nBody.\n", "---\n- title\n- date\n---\nBody.\n"],
                         ids=["empty", "a-list"])
def test_reports_front_matter_that_is_not_fields(site, text):
    assert problems(site({A: text})) == [
        f"{A}:2: error: the front matter must be fields like 'title: ...', one per line\n"
        "  hint: see the moderator's guide in README.md for the fields"
    ]


def test_reports_invalid_yaml_on_its_file_line(site):
    assert problems(site({A: front("title: x", "date: 2024-03-05", "author: Jobs: a guide", "category: jobs")})) == [
        f"{A}:4: error: author: the value has a colon and a space in it (position 13), which reads as the start of "
        "another field\n"
        "  hint: put the whole value in straight quotes: author: \"Jobs: a guide\""
    ]


def test_reports_a_duplicate_key_naming_both_lines(site):
    assert problems(site({A: article(extra="x").replace("extra: x", "title: Again")})) == [
        f"{A}:6: error: 'title' is given twice (lines 2 and 6)\n  hint: keep one 'title:' line and delete the other"
    ]


def test_refuses_yaml_tags_without_executing_them(site, tmp_path):
    marker = tmp_path / "tag-was-executed"
    root = site({A: article(summary=f"!!python/object/apply:os.system ['touch {marker}']")})
    assert problems(root) == [
        f"{A}:6: error: summary: a value cannot start with ! (position 10) unless it is in quotes\n"
        f"  hint: put the value in straight quotes: summary: \"!!python/object/apply:os.system ['touch {marker}']\""
    ]
    assert not marker.exists()


def test_refuses_an_alias_bomb_without_expanding_it(site):
    bomb = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"lol{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)]
    found = problems(site({A: front("title: x", "date: 2024-03-05", "author: m", "category: jobs", *bomb)}))
    assert found[0] == (f"{A}:6: error: lol0: a value cannot start with & (position 7) unless it is in quotes\n"
                        f"  hint: put the value in straight quotes: lol0: '{bomb[0][6:]}' (a value cannot repeat "
                        "another with & and *: write each out in full)")
    assert len(found) == 17  # each line's & and * once, not each of its 9 references
    assert all("a value cannot start with & " in p or "a value cannot start with * " in p for p in found)


def test_strips_control_characters_with_a_warning_naming_each_line(site):
    root = site({A: article("Ti\x0btle", body="Hello\x07 there.\n\nA bell\x00 and escape\x1b.\n")})
    documents, found = load(root)
    assert [d.format() for d in found] == [
        f"{A}:2: warning: invisible control characters (U+000B) were removed\n"
        "  hint: they usually come from copying and pasting; retype the line if it looks wrong",
        f"{A}:7: warning: invisible control characters (U+0007) were removed\n"
        "  hint: they usually come from copying and pasting; retype the line if it looks wrong",
        f"{A}:9: warning: invisible control characters (U+0000, U+001B) were removed\n"
        "  hint: they usually come from copying and pasting; retype the line if it looks wrong",
    ]
    assert (documents[0].meta.title, documents[0].body) == ("Title", "Hello there.\n\nA bell and escape.\n")


def test_strips_control_characters_written_as_yaml_escapes_with_a_warning(site):
    root = site({A: front('title: "Ti\\x01tle"', "date: 2024-03-05", "author: m", "category: jobs",
                          'tags: ["a\\u0007b", "ok"]')})
    documents, found = load(root)
    assert [d.format() for d in found] == [
        f"{A}:2: warning: title: control characters were removed\n"
        "  hint: remove the \\x or \\u escapes that write invisible characters",
        f"{A}:6: warning: tags: control characters were removed\n"
        "  hint: remove the \\x or \\u escapes that write invisible characters",
    ]
    assert (documents[0].meta.title, documents[0].meta.tags) == ("Title", ("ab", "ok"))


def test_a_pasted_line_separator_neither_breaks_front_matter_nor_shifts_its_line_numbers(site):
    # U+2028 is a line break to YAML but not to editors: line 3 must still be called line 3.
    text = front("title: Jobs\u2028Fair", "date: 2024-02-30", "author: m", "category: jobs")
    errors = [d for d in load(site({A: text}))[1] if d.severity == "error"]
    assert [d.format() for d in errors] == [
        f"{A}:3: error: date: '2024-02-30' is not a real date (day is out of range for month)\n"
        "  hint: check the day and month"
    ]


# --- what the loader reads ----------------------------------------------------------------------------

def test_never_reads_editor_and_system_debris(site):
    junk = b"\xff\xfe not an article"
    root = site({A: article(), "content/jobs/.#a.md": junk, "content/jobs/a.md~": junk,
                 "content/jobs/.DS_Store": junk, "content/jobs/#a.md#": junk, "content/jobs/a.md.swp": junk,
                 "content/.drafts/b.md": junk, "content/jobs/notes.txt": junk})
    documents, found = load(root)
    assert found == []
    assert [d.path for d in documents] == [A]


def test_never_follows_symlinks_to_files_or_folders(site, tmp_path):
    root = site({A: article()})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("no front matter here", encoding="utf-8")
    os.symlink(outside / "secret.md", root / "content/jobs/secret.md")
    os.symlink(outside, root / "content/linked")
    os.symlink(tmp_path / "nowhere.md", root / "content/jobs/dangling.md")
    documents, found = load(root)
    assert sorted(d.path for d in found) == ["content/jobs/dangling.md", "content/jobs/secret.md", "content/linked"]
    assert {d.message for d in found} == {"this is a symbolic link, which skillsite never reads or publishes"}
    assert [d.path for d in documents] == [A]


def test_reports_a_missing_content_folder(tmp_path):
    (tmp_path / "site.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    assert problems(tmp_path) == [
        "content: error: the content folder does not exist\n"
        "  hint: create it and put the articles (.md files) in it, or set content: in site.yaml"
    ]


BROKEN = {
    "content/career/a.md": article(date="2024-02-30", draft="yes"),      # 2 errors
    "content/jobs/b.md": article(category="job", catgory="jobs"),        # 2 errors
    "content/jobs/c.md": "No front matter at all.\n",                    # 1 error
    "content/jobs/d.md": article().encode("utf-8") + b"\xff\n",           # 1 error
    "content/jobs/fine.md": article(body="Control\x07 character.\n"),   # 1 warning, no error
}


def test_reports_every_problem_of_several_broken_files_in_one_run(site):
    with pytest.raises(BuildFailed) as caught:
        build(site(BROKEN), BuildOptions(now=NOW))
    failed = caught.value
    assert failed.exit_code == 1
    assert sorted((d.path, d.line, d.severity) for d in failed.diagnostics) == [
        ("content/career/a.md", 3, "error"), ("content/career/a.md", 6, "error"),
        ("content/jobs/b.md", 5, "error"), ("content/jobs/b.md", 6, "error"),
        ("content/jobs/c.md", 1, "error"), ("content/jobs/d.md", 8, "error"),
        ("content/jobs/fine.md", 7, "warning"),
    ]


def test_cli_exits_1_listing_every_problem_without_a_traceback_and_writes_nothing(site):
    root = site(BROKEN)
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.count(": error: ") == 6
    assert result.stderr.count(": warning: ") == 1
    assert result.stderr.endswith(
        "Build failed: 6 errors in 4 files, 1 warning. Nothing was written; the previous output is unchanged.\n")
    assert not (root / "output").exists()
