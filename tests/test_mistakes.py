"""The mistakes moderators make, as they make them: pasted from Word and phone apps, typed
on other keyboards, indented with tabs. Each row of the catalogue writes one mistaken
article into a site that was built before, and asserts the exact messages (line, words,
hint), and that the failed build left the previous output byte for byte as it was
(rows whose problems are warnings build with --strict, as CI does).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, NOW, article, tree_bytes, write_tree
from skillsite.build import BuildOptions, build
from skillsite.model import BuildFailed

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
          "slug, source, summary, tags, title, updated"),)),
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
        e(4, "author: is empty", "add the author's name or username, e.g. author: moderator"),)),
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
        w(6, "summary: 'Open invoice\u202egpj.exe' contains invisible characters (U+202E RIGHT-TO-LEFT OVERRIDE)",
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
