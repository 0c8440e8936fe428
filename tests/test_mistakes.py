"""The mistakes moderators make, as they make them: pasted from Word and phone apps, typed
on other keyboards, indented with tabs. Each row of the catalogue writes one mistaken
article into a site that was built before, and asserts the exact messages (line, words,
hint), and that the failed build left the previous output byte for byte as it was
(rows whose problems are warnings build with --strict, as CI does).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_CONFIG, NOW, article, tree_bytes, write_tree
from skillsite.build import BuildOptions, build
from skillsite.check import check_site
from skillsite.config import load_config
from skillsite.datereadings import readings
from skillsite.frontmatter import FrontMatterReader, SplitFile
from skillsite.build import load_documents
from skillsite.model import BuildFailed
from skillsite.server import Preview
from skillsite.suggest import articles_named, did_you_mean_file
from skillsite.yamlfields import read_fields

A = "content/jobs/a.md"
DATE, AUTHOR, CATEGORY = "date: 2024-03-05 10:30", "author: moderator", "category: jobs"
JARGON = ("yaml", "mapping", "scalar", "token", "stream", "anchor", "alias", "document", "flow", "block",
          "simple key", "expected", "indicator", "directive")
"""Words of the parser's that no message may use."""


def fm(*lines: str, body: str = "Some text.\n") -> str:
    """An article written line by line: line 1 is '---', the given lines from line 2 on."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


def good(*extra: str, body: str = "Some text.\n") -> str:
    """A valid article (title, date, author, category on lines 2-5), then ``extra`` lines."""
    return fm("title: A title", DATE, AUTHOR, CATEGORY, *extra, body=body)


@dataclass(frozen=True)
class Mistake:
    name: str
    text: str | bytes
    """content/jobs/a.md as the moderator wrote it."""
    expected: tuple[str, ...]
    """Every problem of the build, as printed."""


def e(line: int, message: str, hint: str) -> str:
    return f"{A}:{line}: error: {message}\n  hint: {hint}"


def w(line: int, message: str, hint: str) -> str:
    return f"{A}:{line}: warning: {message}\n  hint: {hint}"


QUOTE_IT = "put the whole value in straight quotes: "
CATALOGUE = [
    # --- the issue's own examples ---------------------------------------------------------------
    Mistake("unclosed-quote", fm('title: "Unclosed quote…', DATE, AUTHOR, CATEGORY), (
        e(2, 'title: the quote " at position 8 is not closed on this line, so the fields below it become part of title',
          'end the value with " on the same line: title: "Unclosed quote…"'),)),
    Mistake("unclosed-quote-at-the-end", fm(DATE, AUTHOR, CATEGORY, 'title: "Unclosed quote…'), (
        e(5, 'title: the quote " at position 8 is never closed',
          'end the value with " on the same line: title: "Unclosed quote…"'),)),
    Mistake("non-breaking-space-after-colon", fm("title: A title", DATE, "author:\u00a0moderator", CATEGORY), (
        e(4, "a non-breaking space (U+00A0) after 'author:', at position 8, usually pasted from Word",
          "delete it and type an ordinary space: author: moderator"),)),
    Mistake("typographic-quotes-around-a-colon", fm("title: “Working From Home: Tips”", DATE, AUTHOR, CATEGORY), (
        e(2, "title: “ ” are typographic quotes (from position 8), which do not count as quotes here",
          'type straight quotes instead: title: "Working From Home: Tips"'),)),
    Mistake("typographic-quotes", fm("title: “Working From Home”", DATE, AUTHOR, CATEGORY), (
        w(2, "title: the value is in typographic quotes “ ” (from position 8), which will show as part of it",
          'to quote it, type straight quotes instead: title: "Working From Home"; to show the quotes, put them '
          'inside straight ones: title: "“Working From Home”"'),)),
    Mistake("list-indented-with-tabs", good("tags:", "\t- cv", "\t- interview"), (
        e(7, "this line starts with a tab at position 1, and tabs cannot indent fields",
          "indent with spaces instead: delete the tab and type two spaces"),
        e(8, "this line starts with a tab at position 1, and tabs cannot indent fields",
          "indent with spaces instead: delete the tab and type two spaces"))),
    Mistake("every-problem-past-a-syntax-error", fm("title: Jobs: a guide", "date: 2024-02-30", AUTHOR,
                                                    "category: carrer", "tags: [cv"), (
        e(2, "title: the value has a colon and a space in it (position 12), which reads as the start of another field",
          QUOTE_IT + 'title: "Jobs: a guide"'),
        e(6, "tags: the list opened with [ at position 7 is never closed", "end it with ] on the same line: tags: [cv]"),
        e(3, "date: '2024-02-30' is not a real date (day is out of range for month)", "check the day and month"),
        e(5, "category: 'carrer' is not a category of this site (did you mean 'career'?)",
          "use one of: career, jobs, entrepreneurship (categories are declared in site.yaml)"))),
    Mistake("date-with-two-readings", fm("title: A title", "date: 5/3/2024", AUTHOR, CATEGORY), (
        e(3, "date: '5/3/2024' could be 5 March 2024 or 3 May 2024",
          "write it year-month-day: date: 2024-03-05 for 5 March 2024, or date: 2024-05-03 for 3 May 2024"),)),
    Mistake("date-with-dots", fm("title: A title", "date: 03.05.2024 10:30", AUTHOR, CATEGORY), (
        e(3, "date: '03.05.2024 10:30' could be 3 May 2024 or 5 March 2024",
          "write it year-month-day: date: 2024-05-03 10:30 for 3 May 2024, or date: 2024-03-05 10:30 for 5 March 2024"),)),
    Mistake("colon-in-a-value", fm("title: A title", DATE, "author: Jobs: a guide", CATEGORY), (
        e(4, "author: the value has a colon and a space in it (position 13), which reads as the start of another field",
          QUOTE_IT + 'author: "Jobs: a guide"'),)),
    # --- dates ------------------------------------------------------------------------------------
    Mistake("date-day-first", fm("title: A title", "date: 25/12/2024", AUTHOR, CATEGORY), (
        e(3, "date: '25/12/2024' must be written year-month-day", "write date: 2024-12-25"),)),
    Mistake("date-with-a-month-name", fm("title: A title", "date: March 5, 2024 3:30 pm", AUTHOR, CATEGORY), (
        e(3, "date: 'March 5, 2024 3:30 pm' must be written year-month-day", "write date: 2024-03-05 15:30"),)),
    Mistake("date-without-zeros", fm("title: A title", "date: 2024-3-5", AUTHOR, CATEGORY), (
        e(3, "date: '2024-3-5' must be written year-month-day", "write date: 2024-03-05"),)),
    Mistake("year-typo", fm("title: A title", "date: 0224-03-05", AUTHOR, CATEGORY), (
        e(3, "date: '0224-03-05' is in the year 224, but dates must be between 1900 and 2999", "check the year"),)),
    Mistake("expires-never", good("expires: 9999-12-31"), (
        e(6, "expires: '9999-12-31' is in the year 9999, but dates must be between 1900 and 2999",
          "check the year; an article that never expires needs no expires: line"),)),
    Mistake("date-at-the-calendar-start", fm("title: A title", "date: 0001-01-01T00:00:00+14:00", AUTHOR, CATEGORY), (
        e(3, "date: '0001-01-01T00:00:00+14:00' is in the year 1, but dates must be between 1900 and 2999",
          "check the year"),)),
    Mistake("date-before-standard-time", fm("title: A title", "date: 1935-05-01", AUTHOR, CATEGORY), (
        e(3, "date: '1935-05-01' is from before Asia/Dhaka kept standard time (its clocks were then +05:53:20 from "
             "UTC, which pages and feeds cannot show)", "check the year: dates in Asia/Dhaka can be from 1942 on"),)),
    Mistake("impossible-day", fm("title: A title", "date: 2024-02-30", AUTHOR, CATEGORY), (
        e(3, "date: '2024-02-30' is not a real date (day is out of range for month)", "check the day and month"),)),
    Mistake("impossible-hour", fm("title: A title", "date: 2024-03-05 25:00", AUTHOR, CATEGORY), (
        e(3, "date: '2024-03-05 25:00' is not a real date (hour must be in 0..23)", "check the day, month and time"),)),
    # --- how the file was saved -------------------------------------------------------------------
    Mistake("windows-line-endings", fm("title: A title", DATE, "author: Jobs: a guide", CATEGORY).replace("\n", "\r\n"), (
        e(4, "author: the value has a colon and a space in it (position 13), which reads as the start of another field",
          QUOTE_IT + 'author: "Jobs: a guide"'),)),
    Mistake("byte-order-mark", b"\xef\xbb\xbf" + fm("title: A title", DATE, "author:\u00a0moderator", CATEGORY)
            .replace("\n", "\r\n").encode("utf-8"), (
        e(4, "a non-breaking space (U+00A0) after 'author:', at position 8, usually pasted from Word",
          "delete it and type an ordinary space: author: moderator"),)),
    Mistake("no-front-matter", "title: A title\n" + DATE + "\n\nSome text.\n", (
        e(1, "the file has no front matter",
          "start the file with a line '---', then fields such as title:, date:, author:, category:, then another line "
          "'---', then the article"),)),
    Mistake("two-front-matters", good(body="---\ntitle: A title\ndate: 2024-03-05\n---\nSome text.\n"), (
        e(7, "a second front matter starts here, in the article's text",
          "delete lines 7 to 10, keeping the fields you need in the first one"),)),
    Mistake("front-matter-closed-too-early", fm("title: A title", body=f"{DATE}\n{AUTHOR}\n{CATEGORY}\n---\nText.\n"), (
        e(3, "the front matter ends here, but the fields below it (down to line 7) belong to it",
          "delete this '---' line, so that only the one on line 7 closes the front matter"),)),
    Mistake("a-line-of-three-dots", fm("title: A title", "...", DATE, AUTHOR, CATEGORY), (
        e(3, "the line '...' ends the fields here", "delete the line; the other fields are checked once this is fixed"),)),
    # --- field names ----------------------------------------------------------------------------
    Mistake("name-in-capitals", fm("Title: A title", DATE, AUTHOR, CATEGORY), (
        e(2, "'Title' has capital letters: field names are written in small letters", "type title: instead of Title:"),)),
    Mistake("missing-space-after-colon", fm("title: A title", "date:2024-03-05", AUTHOR, CATEGORY), (
        e(3, "date: a space is missing after the colon, at position 6",
          "type a space after 'date:', like this: date: 2024-03-05"),)),
    Mistake("full-width-colon", fm("title：A title", DATE, AUTHOR, CATEGORY), (
        e(2, "a full-width colon ： (U+FF1A) after 'title', at position 6, typed by a Chinese or Japanese keyboard",
          "type the plain colon and a space instead: title: A title"),)),
    Mistake("zero-width-space-in-a-name", fm("ti\u200btle: A title", DATE, AUTHOR, CATEGORY), (
        e(2, "the field name 'title' has an invisible zero-width space (U+200B) in it, at position 3, usually pasted "
             "from a web page or a chat app", "delete the name and type it again: title:"),)),
    Mistake("unknown-field", good("tag: [cv]"), (
        e(6, "unknown field 'tag' (did you mean 'tags'?)",
          "fields allowed in front matter: aliases, audience, author, category, date, draft, expires, id, image, lang, "
          "pinned, slug, source, summary, tags, title, updated"),)),
    Mistake("field-given-twice", good("title: Another title"), (
        e(6, "'title' is given twice (lines 2 and 6)", "keep one 'title:' line and delete the other"),)),
    Mistake("a-wrapped-title", fm("title: A long title that", "wraps onto the next line", DATE, AUTHOR, CATEGORY), (
        e(3, "this line is not a field: it has no name and colon before its text",
          "if it continues the title on line 2, join it onto that line; if it is a field of its own, write it as "
          "name: value"),)),
    Mistake("a-line-that-looks-empty", fm("title: A title", "\u00a0", DATE, AUTHOR, CATEGORY), (
        e(3, "this line looks empty but holds a non-breaking space (U+00A0), usually pasted from Word", "delete the line"),)),
    # --- values ---------------------------------------------------------------------------------
    Mistake("tags-without-brackets", good("tags: interview, cv"), (
        e(6, "tags: must be a list, not 'interview, cv'", "write it in brackets: tags: [interview, cv]"),)),
    Mistake("unclosed-list", good("tags: [cv, interview"), (
        e(6, "tags: the list opened with [ at position 7 is never closed",
          "end it with ] on the same line: tags: [cv, interview]"),)),
    Mistake("bullets-from-word", good("tags:", "  • cv", "  • interview"), (
        e(7, "this list entry starts with a bullet • (U+2022) at position 3, usually pasted from Word",
          "start each entry with a hyphen and a space instead: - cv"),
        e(8, "this list entry starts with a bullet • (U+2022) at position 3, usually pasted from Word",
          "start each entry with a hyphen and a space instead: - interview"))),
    Mistake("hyphen-without-space", good("tags:", "  -cv"), (
        e(7, "a list entry needs a space after its hyphen", "type it like this: - cv"),)),
    Mistake("list-entries-out-of-line", good("tags:", "  - cv", " - interview"), (
        e(8, "this list entry is indented differently from the one above it",
          "indent every entry of the list the same, e.g. two spaces before each '- '"),)),
    Mistake("non-breaking-spaces-as-indent", good("tags:", "\u00a0\u00a0- cv"), (
        e(7, "a non-breaking space (U+00A0) at the start of the line, at position 1, usually pasted from Word",
          "delete it; indent with ordinary spaces only"),)),
    Mistake("source-without-https", good("source: www.example.com/jobs/cv-tips"), (
        e(6, "source: 'www.example.com/jobs/cv-tips' has no https:// at the start",
          "write the whole address: source: https://www.example.com/jobs/cv-tips"),)),
    Mistake("title-over-200-characters", fm("title: " + "Why you should " * 15, DATE, AUTHOR, CATEGORY), (
        e(2, "title: is 224 characters long, over the limit of 200",
          "shorten it to a headline; the rest can go in summary: or the article"),)),
    Mistake("value-starting-with-at", fm("title: A title", DATE, "author: @moderator", CATEGORY), (
        e(4, "author: a value cannot start with @ (position 9) unless it is in quotes",
          'put the value in straight quotes: author: "@moderator"'),)),
    Mistake("value-starting-with-a-star", fm("title: *New* jobs in town", DATE, AUTHOR, CATEGORY), (
        e(2, "title: a value cannot start with * (position 8) unless it is in quotes",
          'put the value in straight quotes: title: "*New* jobs in town" (a value cannot repeat another with & and *: '
          'write each out in full)'),)),
    Mistake("title-in-brackets", fm("title: [Draft] Jobs fair", DATE, AUTHOR, CATEGORY), (
        e(2, "title: text follows the closing ] (position 16)",
          'if it is text, put it all in straight quotes: title: "[Draft] Jobs fair"; if it is a list, end the line '
          'at the ]'),)),
    Mistake("apostrophe-in-single-quotes", fm("title: 'Bob's CV'", DATE, AUTHOR, CATEGORY), (
        e(2, "title: text follows the closing quote ' (position 13)",
          'put the whole value in the other kind of quotes: title: "Bob\'s CV"'),)),
    Mistake("quotes-in-double-quotes", fm('title: "He said "hi" to me"', DATE, AUTHOR, CATEGORY), (
        e(2, 'title: text follows the closing quote " (position 18)',
          'put the whole value in the other kind of quotes: title: \'He said "hi" to me\''),)),
    Mistake("backslash-in-double-quotes", good('summary: "Save it in C:\\Users\\me"'), (
        e(6, "summary: a backslash \\ inside double quotes starts a special code (position 24)",
          "put the value in single quotes instead: summary: 'Save it in C:\\Users\\me'"),)),
    Mistake("category-typo", fm("title: A title", DATE, AUTHOR, "category: carrer"), (
        e(5, "category: 'carrer' is not a category of this site (did you mean 'career'?)",
          "use one of: career, jobs, entrepreneurship (categories are declared in site.yaml)"),)),
    Mistake("draft-yes", good("draft: yes"), (
        e(6, "draft: must be true or false, not 'yes'", "write draft: true or draft: false"),)),
    Mistake("empty-author", fm("title: A title", DATE, "author:", CATEGORY), (
        e(4, "author: is empty", "add the author's name or username, e.g. author: moderator (several: author: [nasrin_akter, rafiq_islam])"),)),
    # --- the article's text -----------------------------------------------------------------------
    Mistake("paragraphs-indented-with-tabs", good(body="\tWhen you prepare for an interview, read about the company "
                                                       "first.\n\n\tThen practise your answers out loud, with a friend.\n"), (
        w(7, "these 2 paragraphs start with tabs, so readers see them as a grey code box that scrolls sideways",
          "delete the tab at the start of their lines; if it really is code, put a line ``` above it and another "
          "below it instead"),)),
    Mistake("mojibake-in-the-text", good(body="Intro.\n\nBuilding Businessâ€™ relationships takes time.\n"), (
        w(9, "'Building Businessâ€™ relationships takes time.' looks garbled, as if its encoding was mixed up (mojibake)",
          "perhaps it should read 'Building Business' relationships takes time.'; retype it or paste it again as UTF-8"),)),
    Mistake("right-to-left-override-in-the-summary", good('summary: "Open invoice\u202egpj.exe"'), (
        w(6, "summary: 'Open invoice\\u202egpj.exe' contains invisible characters (U+202E RIGHT-TO-LEFT OVERRIDE)",
          "retype the text; these characters can hide or reorder what readers see"),)),
    Mistake("link-from-the-wrong-folder", good(body="See [the CV guide](writing-a-cv.md).\n"), (
        w(7, "the link to 'writing-a-cv.md' does not lead to a published article; the link was removed (did you mean "
             "../career/writing-a-cv.md?)", "check the file name and folder (paths are relative to this article's file)"),)),
    Mistake("image-in-another-folder", good(body="![A chart](/images/chart.png)\n"), (
        w(7, "the image '/images/chart.png' leads to no page or file of this site (did you mean /images/2024/chart.png?)",
          "fix the address; files such as images go in the site's static/ folder and are linked as /images/name.png, "
          "or beside the article and linked by their name"),)),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A site built once: two good articles and an image; each row starts from a copy."""
    root = tmp_path_factory.mktemp("built") / "site"
    write_tree(root, {"site.yaml": MINIMAL_CONFIG, "content/jobs/good.md": article("Good"),
                      "content/career/writing-a-cv.md": article("Writing a CV", category="career"),
                      "static/images/2024/chart.png": b"\x89PNG\r\n\x1a\n"})
    build(root, BuildOptions(now=NOW))
    return root


def test_the_catalogue_has_forty_mistakes_with_different_names():
    assert len(CATALOGUE) >= 40
    assert len({m.name for m in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("mistake", CATALOGUE, ids=[m.name for m in CATALOGUE])
def test_each_mistake_is_named_at_its_line_and_the_output_stays_as_it_was(mistake, built, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(built, root)
    before = tree_bytes(root / "output")
    write_tree(root, {A: mistake.text})
    only_warnings = all(": warning: " in line for line in mistake.expected)
    with pytest.raises(BuildFailed) as failed:
        build(root, BuildOptions(now=NOW, strict=only_warnings))
    found = tuple(d.format() for d in failed.value.diagnostics)
    if only_warnings:  # --strict reports them as errors; without it they are warnings and the build goes on
        assert found == tuple(line.replace(": warning: ", ": error: ", 1) for line in mistake.expected)
        assert tree_bytes(root / "output") == before
        found = tuple(d.format() for d in build(root, BuildOptions(now=NOW)).warnings)
    assert found == mistake.expected
    if not only_warnings:
        assert tree_bytes(root / "output") == before


@pytest.mark.parametrize("mistake", CATALOGUE, ids=[m.name for m in CATALOGUE])
def test_no_message_uses_the_parsers_words(mistake):
    for line in mistake.expected:
        words = line.split(": ", 2)[2].lower().replace("site.yaml", "the site's settings")
        assert not [word for word in JARGON if re.search(rf"\b{word}\b", words)], line


def _reader() -> FrontMatterReader:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "site.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
        return FrontMatterReader(load_config(Path(folder)))


READER = _reader()
READER_FIELDS = READER.field_names


# --- every parser error in plain words ---------------------------------------------------------

PIECES = ["\u00a0", "\t", "“", "”", "’", "：", "•", ": ", '"', "'", "[", "]", "{", "}", "- ", "-", "&", "*", "!",
          "|", ">", "%", "@", "`", "#", "\\", "\n", "\n...\n", "\ufeff", "\u200b", "?", ",", " ", "\n  "]
VALID = "title: A title\ndate: 2024-03-05 10:30\nauthor: moderator\ncategory: jobs\ntags: [cv, interview]\n" \
        "summary: \"Short.\"\naudience:\n  - jobseekers\n"


@settings(max_examples=400, deadline=None, database=None, derandomize=True)  # the same texts every run
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.sampled_from(PIECES)), min_size=1, max_size=3))
def test_every_mistyped_front_matter_is_named_at_one_of_its_lines_in_plain_words(insertions):
    text = VALID
    for position, piece in insertions:
        text = text[:position] + piece + text[position:]
    meta, _, problems = READER.read(SplitFile(text, "Body.\n", text.count("\n") + 3), A)
    last = text.count("\n") + 2  # the front matter's last line
    for problem in problems:
        assert 1 <= problem.line <= last, problem
        assert problem.message and problem.hint, problem
        words = (problem.message + " " + problem.hint).lower().replace("site.yaml", "")
        assert not [word for word in JARGON if re.search(rf"\b{word}\b", words)], problem
    assert (meta is None) == any(p.severity == "error" for p in problems)


UNREADABLE = {  # text -> the start of its message: one for each kind of error the parser raises
    'title: "open': "title: the quote \" at position 8 is never closed",
    "title: 'open": "title: the quote ' at position 8 is never closed",
    "title: x\nauthor:\u00a0m\ndate: 1": "a non-breaking space (U+00A0) after 'author:'",
    "title: x\n  date: 1": "'date:' is indented",
    "title: x\n\tdate: 1": "this line starts with a tab",
    "title: a\n\tb": "this line starts with a tab",
    "tags: [a, b": "tags: the list opened with [ at position 7 is never closed",
    "tags: {a: b": "tags: the set of fields opened with { at position 7 is never closed",
    'tags: [a, "b" c]': "tags: the list cannot be read at position 15",
    "tags: [a, , b]": "tags: the list has an empty entry",
    "title: @x": "title: a value cannot start with @",
    "title: `x`": "title: a value cannot start with `",
    "title: %x": "title: a value cannot start with %",
    "title: *x*": "title: a value cannot start with *",
    "title: &x": "title: a value cannot start with &",
    "title: !x": "title: a value cannot start with !",
    "title: | x": "title: a value cannot start with |",
    "title: > x": "title: a value cannot start with >",
    "title: ? x": "title: a value cannot start with ?",
    "title: - x": "title: '- ' cannot follow a value",
    "title: [a] b": "title: text follows the closing ]",
    'title: "a" b': 'title: text follows the closing quote "',
    "title: 'a' b": "title: text follows the closing quote '",
    'title: "\\q"': "title: a backslash \\ inside double quotes",
    "title: x\n- a": "this list entry is not under a field that takes a list",
    "tags:\n  - a\n - b": "this list entry is indented differently from the one above it",
    "tags:\n  - a\n  b": "this line is in a list but does not start with '- '",
    "tags:\n  -a\ntitle: x": "a list entry needs a space after its hyphen",
    "title: x\nmore text": "this line is not a field",
    ": x": "this line starts with a colon",
    "title: x\n...\ndate: 1": "the line '...' ends the fields here",
    "%YAML 1.1\ntitle: x": "a line cannot start with %",
    "title:x\ndate: 1": "title: a space is missing after the colon",
}


@pytest.mark.parametrize("text, start", UNREADABLE.items(), ids=list(range(len(UNREADABLE))))
def test_each_kind_of_parser_error_has_its_own_words(text, start):
    problems = read_fields(text, A, 2, READER_FIELDS).problems
    assert problems and problems[0].message.startswith(start), problems
    assert "cannot be read from position" not in problems[0].message  # not the words for what is not foreseen


# --- reading on -------------------------------------------------------------------------------------

def test_a_quote_left_open_is_named_where_yaml_reads_on_and_the_other_fields_are_checked(site):
    text = fm('title: "Jobs fair', DATE, AUTHOR, "category: carrer")  # YAML reads it: a title of four lines
    assert [d.format() for d in load(site({A: text}))] == [
        e(2, 'title: the quote " at position 8 is not closed on this line, so the fields below it become part of title',
          'end the value with " on the same line: title: "Jobs fair"'),
        e(5, "category: 'carrer' is not a category of this site (did you mean 'career'?)",
          "use one of: career, jobs, entrepreneurship (categories are declared in site.yaml)"),
    ]


def test_past_a_syntax_error_a_missing_field_is_still_missing_and_a_broken_one_is_not(site):
    text = fm("title: Jobs: a guide", DATE, "tags: [cv")  # no author, no category
    assert [d.format() for d in load(site({A: text}))] == [
        e(2, "title: the value has a colon and a space in it (position 12), which reads as the start of another field",
          QUOTE_IT + 'title: "Jobs: a guide"'),
        e(4, "tags: the list opened with [ at position 7 is never closed", "end it with ] on the same line: tags: [cv]"),
        e(2, "author: is missing", "add the author's name or username, e.g. author: moderator (several: author: [nasrin_akter, rafiq_islam])"),
        e(2, "category: is missing", "add one of the site's categories, e.g. category: jobs"),
    ]


# --- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, meant", [
    ("5/3/2024", ("2024-03-05", "2024-05-03")), ("03.05.2024", ("2024-05-03", "2024-03-05")),
    ("5-3-24", ("2024-03-05", "2024-05-03")), ("13/3/2024", ("2024-03-13",)), ("3/13/2024", ("2024-03-13",)),
    ("5/5/2024", ("2024-05-05",)), ("2024/3/5", ("2024-03-05",)), ("5 March 2024", ("2024-03-05",)),
    ("Mar 5th, 2024", ("2024-03-05",)), ("5/3/2024 9:30 am", ("2024-03-05 09:30", "2024-05-03 09:30")),
    ("5/3/2024 12:15 am", ("2024-03-05 00:15", "2024-05-03 00:15")), ("31/2/2024", ()), ("5/3/2024 13:00 pm", ()),
    ("yesterday", ()), ("Smarch 5, 2024", ()),
])
def test_a_date_written_another_way_has_its_readings_in_iso_form(written, meant):
    assert tuple(iso for _, iso in readings(written)) == meant


@pytest.mark.parametrize("field", ["date", "updated", "expires"])
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1899-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_errors_at_their_line(site, field, moment):
    lines = [f"date: {moment}" if field == "date" else DATE, *(() if field == "date" else (f"{field}: {moment}",))]
    text = fm("title: A title", lines[0], AUTHOR, CATEGORY, *lines[1:])
    year = int(moment[:4])
    assert [(d.line, d.message) for d in load(site({A: text}))] == [
        (3 if field == "date" else 6, f"{field}: '{moment}' is in the year {year}, but dates must be between 1900 "
                                      "and 2999")]


def test_a_date_once_the_zone_kept_standard_time_builds_with_whole_minute_offsets(site):
    root = site({A: fm("title: A title", "date: 1942-05-01 10:00", AUTHOR, CATEGORY)})
    build(root, BuildOptions(now=NOW))
    page = (root / "output/articles/a/index.html").read_text()
    assert re.findall(r'datetime="([^"]+)"', page) == ["1942-05-01T10:00:00+06:30"]
    rss, atom = feedparser.parse((root / "output/feed.xml").read_bytes()), feedparser.parse((root / "output/atom.xml").read_bytes())
    assert not rss.bozo and not atom.bozo
    assert rss.entries[0].published == "Fri, 01 May 1942 10:00:00 +0630"
    assert atom.entries[0].published == "1942-05-01T10:00:00+06:30"


# --- the body ---------------------------------------------------------------------------------------

PROSE = "When you prepare for an interview, read about the company first."
CODE_BOX = "so readers see it as a grey code box that scrolls sideways"


@pytest.mark.parametrize("body, expected", [
    (f"\t{PROSE}\n", [(7, f"this paragraph starts with a tab, {CODE_BOX}")]),
    (f"Intro.\n\n    {PROSE}\n", [(9, f"this paragraph starts with spaces, {CODE_BOX}")]),
    (f"```\n{PROSE}\n```\n", []),  # fenced: meant as code
    ("Run:\n\n    npm install --save react\n    npm run build -- --prod\n", []),  # real code
    ("    def greet(name):\n        return f\"Hello, {name}. Welcome to the team!\"\n", []),
    (f"- A point.\n\n      {PROSE}\n", []),  # inside a list item
    (f">     {PROSE}\n", []),  # inside a quote
], ids=["tab", "spaces", "fenced", "commands", "python", "in-a-list", "in-a-quote"])
def test_only_a_paragraph_indented_by_accident_is_called_a_code_box(site, body, expected):
    root = site({A: good(body=body)})
    assert [(d.line, d.message) for d in build(root, BuildOptions(now=NOW)).warnings] == expected


def test_garbled_text_is_reported_by_build_serve_and_check(site):
    root = site({A: good('summary: "A cafÃ© guide"', body="Intro.\n\nBusinessâ€™ relationships take time.\n")})
    expected = [
        w(6, "summary: 'A cafÃ© guide' looks garbled, as if its encoding was mixed up (mojibake)",
          "perhaps it should read 'A café guide'; retype it or paste it again as UTF-8"),
        w(10, "'Businessâ€™ relationships take time.' looks garbled, as if its encoding was mixed up (mojibake)",
          "perhaps it should read 'Business' relationships take time.'; retype it or paste it again as UTF-8"),
    ]
    assert [d.format() for d in build(root, BuildOptions(now=NOW)).warnings] == expected
    assert [d.format() for d in check_site(root, NOW).diagnostics] == expected
    logged: list[str] = []
    Preview(root, BuildOptions(now=NOW, drafts=True, jobs=1), log=logged.append).rebuild()
    assert logged[:-1] == expected and logged[-1].startswith("built the site in ")


# --- suggestions -------------------------------------------------------------------------------------

def test_a_broken_link_names_every_article_of_that_file_name_or_the_closest_one():
    by_file = {"career/cv.md": "articles/cv/", "jobs/cv.md": "articles/cv-2/", "jobs/interview-tips.md": "x/"}
    assert did_you_mean_file(articles_named(by_file, "cv.md"), "jobs/a.md") == " (did you mean ../career/cv.md or cv.md?)"
    assert did_you_mean_file(articles_named(by_file, "interview-tip.md"), "career/deep/a.md") == \
        " (did you mean ../../jobs/interview-tips.md?)"
    assert did_you_mean_file(articles_named(by_file, "salary.md"), "jobs/a.md") == ""


def test_a_link_to_a_misspelt_page_names_the_page(site):
    root = site({A: good(body="See [the guide](/articles/writng-a-cv/).\n"),
                 "content/career/writing-a-cv.md": article("Writing a CV", category="career")})
    assert [d.message for d in build(root, BuildOptions(now=NOW)).warnings] == [
        "the link '/articles/writng-a-cv/' leads to no page or file of this site (did you mean /articles/writing-a-cv/?)"]


def load(root: Path) -> list:
    return load_documents(load_config(root))[1]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("unit", ["tags:\n" + "\t- x\n", "\u00a0", 'title: "a\n', ': "', "t: “a: b”\n", "  • x\n",
                                  "  -x\n", "f: x\n", "b: *x\n", "a:b\n", "...\n"],
                         ids=["tabs", "nbsp", "open-quotes", "quote-runs", "curly", "bullets", "hyphens", "fields",
                              "aliases", "no-space", "dots"])
def test_twenty_thousand_mistakes_in_one_front_matter_are_read_within_seconds(unit):
    text = "title: x\n" + unit * 20_000 + "bad: [\n"
    meta, _, problems = READER.read(SplitFile(text, "Body.\n", text.count("\n") + 3), A)
    assert meta is None and problems


def test_site_yaml_names_look_alike_characters_too(site):
    root = site({"site.yaml": MINIMAL_CONFIG.replace("title: Test Board", "title:\u00a0Test Board")
                                            .replace("  - {key: jobs, title: Jobs}", "\t- {key: jobs, title: Jobs}")})
    with pytest.raises(BuildFailed) as failed:
        load_config(root)
    assert [d.format() for d in failed.value.diagnostics] == [
        "site.yaml:1: error: a non-breaking space (U+00A0) after 'title:', at position 7, usually pasted from Word\n"
        "  hint: delete it and type an ordinary space: title: Test Board",
        "site.yaml:7: error: this line starts with a tab at position 1, and tabs cannot indent fields\n"
        "  hint: indent with spaces instead: delete the tab and type two spaces",
    ]
