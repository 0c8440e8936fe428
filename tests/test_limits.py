"""Nothing silently lost, nothing that takes forever: nesting, pathological Markdown, size
limits, byte order marks and unclosed front matter.

The article under test is content/jobs/a.md, whose body starts on line 7.
"""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from conftest import NOW, article
from skillsite.bounds import MAX_MARKS
from skillsite.build import BuildOptions, build
from skillsite.cli import main
from skillsite.config import load_config
from skillsite.build import load_documents
from skillsite.documents import MAX_ARTICLE_BYTES
from skillsite.markdown import make_markdown, render_markdown
from skillsite.site import link_targets, placement

A = "content/jobs/a.md"
TOO_DEEP = ("error: lists and block quotes are nested too deeply here (over 100 levels, a list counting two): "
            "the rest of the article would be lost\n"
            "  hint: nest lists and quotes a few levels deep at most; put the rest in paragraphs")


def render(site, body: str):
    root = site({A: article(body=body)})
    config = load_config(root)
    documents, problems = load_documents(config)
    assert problems == []
    return render_markdown(make_markdown(), documents[0], link_targets(config.base_path, map(placement, documents)))


def nested_list(depth: int) -> str:
    return "".join("  " * level + f"- item {level}\n" for level in range(depth)) + "\nThe end.\n"


def run_build(root):
    result = CliRunner().invoke(main, ["build", str(root)], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


# --- nesting ----------------------------------------------------------------------------------

def test_a_list_nested_49_deep_renders_completely(site):
    rendered = render(site, nested_list(49))
    assert rendered.warnings == ()
    assert rendered.html.count("<li>") == 49 and "item 48" in rendered.html and "The end." in rendered.html


def test_a_list_nested_50_deep_fails_at_the_line_where_the_parser_would_drop_the_rest(site):
    rendered = render(site, nested_list(50))
    assert [w.format() for w in rendered.warnings] == [f"{A}:56: {TOO_DEEP}"]  # line 7 + 49: item 49


def test_a_build_with_a_too_deeply_nested_list_fails_naming_file_and_line_and_writes_nothing(site):
    root = site({A: article(body=nested_list(60)), "content/jobs/b.md": article()})
    result = run_build(root)
    assert result.exit_code == 1
    assert f"{A}:56: {TOO_DEEP}" in result.output
    assert not (root / "output").exists()


def test_block_quotes_99_deep_render_completely_and_100_deep_fail_at_their_line(site):
    kept = render(site, "Intro.\n\n" + ">" * 99 + " deepest\n\nThe end.\n")
    assert kept.warnings == () and "deepest" in kept.html and "The end." in kept.html
    assert [w.format() for w in render(site, "Intro.\n\n" + ">" * 100 + " deepest\n").warnings] == [f"{A}:9: {TOO_DEEP}"]


def test_footnotes_inside_a_deep_list_are_checked_too(site):
    body = "A claim.[^1]\n\n[^1]: " + "".join("  " * level + "- x\n" for level in range(60)).lstrip() + "\nEnd.\n"
    assert [w.line for w in render(site, body).warnings] == [59]


@pytest.mark.timeout(30)
def test_a_list_2000_deep_is_refused_within_seconds(site):
    started = time.perf_counter()
    rendered = render(site, nested_list(2000))
    assert [w.line for w in rendered.warnings] == [56]
    assert time.perf_counter() - started < 10


@pytest.mark.timeout(30)
def test_block_quotes_2000_deep_are_refused_within_seconds(site):
    assert [w.line for w in render(site, ">" * 2000 + " x\n").warnings] == [7]


# --- pathological Markdown ------------------------------------------------------------------------

PATHOLOGICAL = {
    "100k-open-brackets": "[" * 100_000,
    "100k-open-brackets-and-one-close": "[" * 100_000 + "]",
    "50k-open-50k-close": "[" * 50_000 + "]" * 50_000,
    "50k-image-openers": "![" * 50_000,
    "50k-footnote-openers": "[^" * 50_000 + " ^[" * 20_000,
    "50k-links-unclosed": "[a](" * 50_000,
    "50k-stars": "*" * 50_000,
    "50k-emphasis-openers": "*a " * 50_000,
    "50k-underscores": "_a " * 50_000,
    "50k-backticks": "`" * 50_000 + "\n\ntext\n",
    "lines-of-angle-brackets": ("<" * 20_000 + "\n") * 10,
    "lines-of-unclosed-tags": ("<a " * 10_000 + "\n") * 10,
    "5000-nested-divs": "<div>" * 5_000 + "x" + "</div>" * 5_000,
    "a-50000-row-table": "| a | b |\n|---|---|\n" + "| x | y |\n" * 50_000,
    "100k-entity-lookalikes": "&#" * 100_000,
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("body", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_renders_within_seconds_keeping_its_text(site, body):
    started = time.perf_counter()
    rendered = render(site, body)
    seconds = time.perf_counter() - started
    assert seconds < 15, f"{seconds:.1f} s"
    errors = [w for w in rendered.warnings if w.severity == "error"]
    # refused only by a cost limit (skillsite/bounds.py), at its line, before the parser ran
    assert all("too long to" in error.message and error.line >= 7 for error in errors), errors
    if not errors and body.startswith(("[", "!")):  # every bracket is still there, as text
        assert rendered.html.count("[") == body.count("[")


# --- sizes ----------------------------------------------------------------------------------------

def test_a_10_mb_article_is_refused_by_the_size_limit_naming_the_file(site):
    root = site({A: article(body="word " * (2 * 1024 * 1024)), "content/jobs/b.md": article()})
    result = run_build(root)
    assert result.exit_code == 1
    assert f"{A}: error: the file is 10240 KB, over the limit of 4096 KB\n  hint: split it into several articles" \
        in result.output
    assert not (root / "output").exists()


@pytest.mark.timeout(120)
def test_an_article_just_under_the_size_limit_is_refused_at_the_markup_limit_within_seconds(site):
    paragraph = "A long article about careers, jobs and *interviews* with [a link](https://example.org/). " * 10 + "\n\n"
    body = "## Part\n\n" + paragraph * ((MAX_ARTICLE_BYTES - 4096) // (len(paragraph) + 1))
    root = site({A: article(body=body)})
    assert MAX_ARTICLE_BYTES - 16384 < (root / A).stat().st_size <= MAX_ARTICLE_BYTES
    started = time.perf_counter()
    result = run_build(root)
    assert time.perf_counter() - started < 30
    assert result.exit_code == 1
    marks_per_paragraph = 40  # each sentence: two '*', '[' and ']'
    line = 7 + 2 + 2 * (MAX_MARKS // marks_per_paragraph)  # the paragraph holding the first mark over the limit
    assert (f"{A}:{line}: error: the article has more than {MAX_MARKS:,} markup characters (* _ ~ [ ] ! < ` & \\) "
            "by this line; pages with this much markup take too long to build\n"
            "  hint: split it into several articles (each may link to the next)") in result.output


@pytest.mark.timeout(120)
def test_a_long_article_within_the_markup_limit_builds_within_seconds(site):
    paragraph = "A long article about careers, jobs and *interviews* with [a link](https://example.org/). " * 10 + "\n\n"
    body = "## Part\n\n" + paragraph * (MAX_MARKS // 40 - 1)
    root = site({A: article(body=body)})
    started = time.perf_counter()
    build(root, BuildOptions(now=NOW))
    assert time.perf_counter() - started < 60
    assert (root / "output/articles/a/index.html").read_text().count("<em>interviews</em>") == body.count("*interviews*")


# --- front matter never becomes body text ----------------------------------------------------------

def load_problems(site, files) -> list[str]:
    return [p.format() for p in load_documents(load_config(site(files)))[1]]


def test_a_byte_order_mark_before_the_front_matter_is_dropped(site):
    root = site({A: b"\xef\xbb\xbf" + article("Marked").encode()})
    [document] = load_documents(load_config(root))[0]
    assert (document.meta.title, document.body, document.body_line) == ("Marked", "Some text.\n", 7)


@pytest.mark.parametrize("raw", [
    b"\xef\xbb\xbf\xef\xbb\xbf" + article().encode(),   # saved twice with a BOM
    "\ufeff".encode() + b" " + article().encode(),      # a BOM, then a space
], ids=["two-boms", "bom-and-space"])
def test_front_matter_after_stray_marks_is_an_error_never_body_text(site, raw):
    assert load_problems(site, {A: raw}) == [
        f"{A}:1: error: the file has no front matter\n  hint: start the file with a line '---', then fields "
        "such as title:, date:, author:, category:, then another line '---', then the article"]


def test_a_utf16_file_is_refused_rather_than_read_as_text(site):
    assert load_problems(site, {A: article().encode("utf-16")}) == [
        f"{A}:1: error: the file is not UTF-8 text (byte 0xff on this line)\n"
        "  hint: open it in your editor and save it with the UTF-8 encoding"]


@pytest.mark.parametrize("text", [
    "---\ntitle: Open\ndate: 2024-03-05\n\nThe article.\n",
    "\ufeff---\ntitle: Open\n",
    "---\ntitle: Open\n--- \t\n".replace("--- \t\n", "-- -\n"),
    "---",
], ids=["no-closing-line", "bom", "almost-a-closing-line", "only-the-opening"])
def test_front_matter_that_is_never_closed_is_an_error(site, text):
    assert load_problems(site, {A: text}) == [
        f"{A}:1: error: the front matter opened on line 1 is never closed\n"
        "  hint: add a line '---' after the last field, before the article text"]
