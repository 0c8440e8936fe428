"""Rebuild sequences, written as an adversarial review of incremental rebuilds: after every
edit, sequence of edits, option change or failed build, an incremental ``build`` (and a
running ``serve``) must hold exactly what a clean build (a fresh ``serve``) of the same
content holds, and must not crash. They run in the query layer's verify mode (every memo
it reuses is made again and compared).

Written against the machinery the query layer replaced; two causes failed then (both mended):
- the HTML of a rendering taken from the snapshot is read from the cache by its body key,
  which does not cover the links to other articles (``lookups``): a failed build, or a
  build into another output folder (--drafts/--future preview), saves another rendering
  under the same key, and the next build publishes that HTML (broken links, or links to
  drafts) while keeping the snapshot's html_digest;
- writer._post_write runs Pagefind on a reused standby before _remove_extras: pages the
  standby still holds from two builds ago (deleted, unpublished, renamed) are indexed."""

from __future__ import annotations

import difflib
import itertools
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, NOW, REPO, article, committed, git, tree_bytes, watched_state, watcher_changes

from skillsite import parallel
from skillsite.build import BuildOptions, build
from skillsite.store import CACHE_DIR
from skillsite.model import BuildFailed
from skillsite.query import VERIFY_VARIABLE
from skillsite.server import Preview


@pytest.fixture(autouse=True)
def small_work_goes_to_processes_too(monkeypatch):
    # the sites here are small: let even a few pages go to the process pool
    monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", 1)
    monkeypatch.setattr("skillsite.query._PARALLEL_FROM", 2)


@pytest.fixture(autouse=True)
def every_reused_memo_is_made_again_and_compared(monkeypatch):
    # the query layer's verify mode: a memo reused although what it was made from changed
    # (a dependency it did not record) fails the build with MemoMismatch
    monkeypatch.setenv(VERIFY_VARIABLE, "1")


# --- helpers ------------------------------------------------------------------------------------------

Edit = Callable[[Path], None]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit(relative: str, old: str, new: str) -> Edit:
    return lambda root: replace_in(root / relative, old, new)


def write(relative: str, text: str) -> Edit:
    def do(root: Path) -> None:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return do


def write_bytes(relative: str, data: bytes) -> Edit:
    def do(root: Path) -> None:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    return do


def picture(width: int, height: int, colour: str) -> bytes:
    """A PNG large enough to get smaller versions (images.py)."""
    from PIL import Image
    import io
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def delete(relative: str) -> Edit:
    return lambda root: (root / relative).unlink()


def move(old: str, new: str) -> Edit:
    def do(root: Path) -> None:
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        (root / old).rename(root / new)
    return do


def swap(first: str, second: str) -> Edit:
    def do(root: Path) -> None:
        a, b = (root / first).read_bytes(), (root / second).read_bytes()
        (root / first).write_bytes(b)
        (root / second).write_bytes(a)
    return do


def both(*edits: Edit) -> Edit:
    def do(root: Path) -> None:
        for one in edits:
            one(root)
    return do


class Saved:
    """Remembers files' bytes to restore them later (a revert)."""

    def __init__(self):
        self.files: dict[str, bytes | None] = {}

    def save(self, *relatives: str) -> Edit:
        def do(root: Path) -> None:
            for relative in relatives:
                path = root / relative
                self.files[relative] = path.read_bytes() if path.exists() else None
        return do

    def restore(self, *relatives: str) -> Edit:
        def do(root: Path) -> None:
            for relative in relatives:
                content = self.files[relative]
                path = root / relative
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(content)
        return do


def differences(incremental: dict[str, bytes], clean: dict[str, bytes], limit: int = 40) -> str:
    """A readable account of how two output trees differ ('' when they do not)."""
    only_incremental = sorted(incremental.keys() - clean.keys())
    only_clean = sorted(clean.keys() - incremental.keys())
    changed = sorted(p for p in incremental.keys() & clean.keys() if incremental[p] != clean[p])
    if not (only_incremental or only_clean or changed):
        return ""
    lines = [f"only in the incremental output: {only_incremental}", f"only in the clean output: {only_clean}",
             f"different: {changed}"]
    for path in changed[:3]:
        a = incremental[path].decode("utf-8", "replace").splitlines()
        b = clean[path].decode("utf-8", "replace").splitlines()
        diff = list(difflib.unified_diff(b, a, "clean/" + path, "incremental/" + path, n=0, lineterm=""))
        lines += [line[:300] for line in diff[:limit]]
    return "\n".join(lines)


CONTRACT = ("feed id changed", "its URL changed", "it moved from")
"""Feed-contract warnings compare with the output replaced: a clean build has none."""


def own_warnings(warnings) -> list[str]:
    return sorted(w.format() for w in warnings if not any(words in w.message for words in CONTRACT))


_counter = itertools.count()


def errors(failed: BuildFailed, root: Path) -> list[str]:
    return sorted(d.format().replace(str(root), "<site>") for d in failed.diagnostics)


def clean_outcome(root: Path, tmp_path: Path, options: BuildOptions):
    """(output tree, warnings) of a build of a copy of ``root`` without cache or output,
    in one process; (None, errors) when it fails."""
    copy = tmp_path / f"clean-{next(_counter)}" / "site"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "output", ".output.*"), symlinks=True)
    try:
        result = build(copy, replace(options, jobs=1))
    except BuildFailed as failed:
        return None, errors(failed, copy)
    outcome = tree_bytes(copy / "output"), own_warnings(result.warnings)
    shutil.rmtree(copy.parent)
    return outcome


def incremental_outcome(root: Path, options: BuildOptions):
    try:
        result = build(root, options)
    except BuildFailed as failed:
        return None, errors(failed, root)
    return tree_bytes(root / "output"), own_warnings(result.warnings)


def split_index(tree: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(the site but its search index, the search index)."""
    return ({p: b for p, b in tree.items() if not p.startswith("pagefind/")},
            {p: b for p, b in tree.items() if p.startswith("pagefind/")})


@dataclass(frozen=True)
class Step:
    """An edit (or none), then a build with ``options`` (default: the sequence's)."""

    change: Edit | None = None
    options: BuildOptions | None = None
    name: str = ""


DEFAULT = BuildOptions(now=NOW, jobs=2)


def run_builds(root: Path, tmp_path: Path, steps: Sequence[Step | Edit], options: BuildOptions = DEFAULT) -> None:
    """Build ``root``, then after each step build again and compare with a clean build.
    The pages, feeds and other files are compared at once; the search index (Pagefind's
    files) after the last step, so that a stale index does not hide anything else."""
    build(root, options)
    stale_index = []
    for number, step in enumerate(steps, 1):
        step = step if isinstance(step, Step) else Step(step)
        if step.change:
            step.change(root)
        used = step.options or options
        tree, warnings = incremental_outcome(root, used)
        clean_tree, clean_warnings = clean_outcome(root, tmp_path, used)
        where = f"after step {number} {step.name}".strip()
        if tree is None or clean_tree is None:
            assert (tree, warnings) == (clean_tree, clean_warnings), f"{where}: one build failed, or not the same way"
            continue
        (site, index), (clean_site, clean_index) = split_index(tree), split_index(clean_tree)
        report = differences(site, clean_site)
        assert not report, f"{where}: the incremental output differs from a clean build\n{report}"
        assert warnings == clean_warnings, f"{where}: warnings differ"
        if index != clean_index:
            stale_index.append(f"{where}: {differences(index, clean_index)}")
    assert not stale_index, "the search index differs from a clean build's:\n" + "\n".join(stale_index)


SERVE = BuildOptions(now=NOW, drafts=True, base_url="http://127.0.0.1:8000/", jobs=1)


def run_serve(root: Path, steps: Sequence[Edit], options: BuildOptions = SERVE) -> None:
    """A running preview rebuilt after each edit holds what a fresh one holds."""
    running = Preview(root, options, log=lambda _: None)
    running.rebuild()
    for number, change in enumerate(steps, 1):
        before = watched_state(root)
        change(root)
        running.rebuild_after(watcher_changes(before, watched_state(root)))  # as the file watcher does
        fresh = Preview(root, options, log=lambda _: None)
        fresh.rebuild()
        assert running.problems == fresh.problems, f"after step {number}: problems differ"
        if fresh.problems:
            continue
        report = differences(running.files, fresh.files)
        assert not report, f"after step {number}: the running preview differs from a fresh one\n{report}"


# --- the sample site: one edit, then a build --------------------------------------------------------

CV = "content/jobs/writing-a-cv-that-gets-read.md"
CV_OR_RESUME = "content/jobs/cv-or-resume-what-the-words-mean.md"
LEARNING = "content/career/learning-new-skills-online.md"
DRAFT = "content/jobs/salary-negotiation-scripts.md"
SCHEDULED = "content/career/career-fair-guide-coming-soon.md"
GRADUATES = "content/jobs/job-search-plan-for-fresh-graduates.md"
LONG_TEXT = "\n" + " ".join(["word"] * 900) + "\n"

SINGLE = {
    # fields outside _placement: the site is patched
    "neighbour's title": edit(LEARNING, 'title: "Learning New Skills Online Without Losing Your Way"',
                              'title: "Learning Online"'),
    "related article's summary": edit(GRADUATES, 'summary: "A week-by-week', 'summary: "A day-by-day'),
    "summary removed": edit(CV, 'summary: "A section-by-section guide to a clear, honest CV that a busy recruiter '
                                'can understand in under a minute."\n', ""),
    "reading time": edit(CV, "\n## ", LONG_TEXT + "\n## "),
    "lang": edit(CV, "lang: en", "lang: bn"),
    "lang right to left": edit(CV, "lang: en", "lang: ar"),
    "image site path": edit(CV, "lang: en", "lang: en\nimage: /images/cv.png"),
    "updated removed": edit(CV, "updated: 2024-03-05T16:45:00+06:00\n", ""),
    "id pinned": edit(CV, "lang: en", "lang: en\nid: tag:example.org,2024:cv"),
    "source added": edit(CV, "lang: en", "lang: en\nsource: https://example.org/cv-guide"),
    "expires later": edit(CV, "lang: en", "lang: en\nexpires: 2030-01-01"),
    "expires already": edit(CV, "lang: en", "lang: en\nexpires: 2025-01-01"),
    "heading added": edit(CV, "\n## ", "\n## A new section\n\nWords.\n\n## "),
    "bad url repaired": edit(CV, "\n## ", "\n[click](javascript:alert(1)) and ![x](data:image/png;base64,AA)\n\n## "),
    "link to a draft": edit(CV, "\n## ", "\nSee [the scripts](salary-negotiation-scripts.md).\n\n## "),
    "link to a scheduled article": edit(CV, "\n## ", "\nSee [the fair](../career/career-fair-guide-coming-soon.md)."
                                                    "\n\n## "),
    "draft: true": edit(CV, "lang: en", "lang: en\ndraft: true"),
    "draft published": edit(DRAFT, "draft: true\n", ""),
    "body of a draft": edit(DRAFT, "\n## ", "\nMore words.\n\n## "),
    "title of the scheduled article": edit(SCHEDULED, 'title: "Coming Soon', 'title: "Soon'),
    # fields of _placement: the site is made again
    "author spelling": edit(CV, "author: nasrin_akter", "author: Nasrin_Akter"),
    "tag spelling (ties pick the first)": edit(CV, "tags: [resume,", "tags: [Resume,"),
    "tag spelling in both": both(edit(CV, "tags: [resume,", "tags: [Resume,"),
                                 edit(CV_OR_RESUME, "tags: [resume,", "tags: [Resume,")),
    "audience": edit(CV, "audience: [jobseekers, students, learners]", "audience: [jobseekers]"),
    "tags reordered": edit(CV, "tags: [resume, job-search, fresh-graduates]",
                           "tags: [fresh-graduates, resume, job-search]"),
    "same instant, other offset": edit(CV, "date: 2019-07-10T10:30:00+06:00", "date: 2019-07-10T04:30:00+00:00"),
    "swap two files": swap(CV, CV_OR_RESUME),
    "move to another category folder": move(CV, "content/career/writing-a-cv-that-gets-read.md"),
    "rename the file": move(CV, "content/jobs/cv.md"),
    "new article": write("content/jobs/new.md", article("A new one", date="2019-07-10 10:30", author="nasrin_akter",
                                                        tags="[resume]")),
    "crlf line endings": lambda root: (root / CV).write_bytes((root / CV).read_bytes().replace(b"\n", b"\r\n")),
    "bom": lambda root: (root / CV).write_bytes(b"\xef\xbb\xbf" + (root / CV).read_bytes()),
    "site.yaml per_tag and per_author feeds": edit("site.yaml", "  length: 20", "  length: 20\n  per_tag: true\n"
                                                                                 "  per_author: true"),
    "site.yaml per_page": edit("site.yaml", "per_page: 10", "per_page: 4"),
    "static stylesheet": write("themes/default/static/style.css", "body { color: red }\n"),
    "an image beside the article": both(write("content/jobs/cv-photo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"),
                                        edit(CV, "\n## ", "\n![A CV](cv-photo.svg)\n\n## ")),
    "an image beside the article, in a folder": both(
        write("content/jobs/cv/one.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"),
        edit(CV, "\n## ", "\n![A CV](cv/one.svg)\n\n## ")),
    "a large photo beside the article": both(write_bytes("content/jobs/cv-photo.png", picture(1300, 800, "teal")),
                                             edit(CV, "\n## ", "\n![A CV](cv-photo.png)\n\n## ")),
    "a large photo in static/": both(write_bytes("static/images/cv.png", picture(1300, 800, "navy")),
                                     edit(CV, "\n## ", "\n![A CV](/images/cv.png)\n\n## ")),
}


@pytest.mark.parametrize("change", SINGLE, ids=list(SINGLE))
def test_one_edit_then_an_incremental_build(sample_site, tmp_path, change):
    run_builds(sample_site, tmp_path, [SINGLE[change]])


@pytest.mark.parametrize("change", ["an image beside the article", "neighbour's title", "related article's summary",
                                    "reading time", "lang",
                                    "draft: true", "draft published", "body of a draft", "tag spelling in both",
                                    "swap two files", "move to another category folder", "bad url repaired",
                                    "link to a draft", "site.yaml per_tag and per_author feeds"])
def test_one_edit_then_a_serve_rebuild(sample_site, change):
    run_serve(sample_site, [SINGLE[change]])


# --- the sample site: sequences -----------------------------------------------------------------------

def sequences() -> dict[str, list]:
    saved = Saved()
    title = edit(CV, 'title: "Writing a CV That Gets Read"', 'title: "Writing a CV People Read"')
    body_learning = edit(LEARNING, "\n## ", "\nA paragraph.\n\n## ")
    return {
        "A, B, revert A, revert B": [
            Step(both(saved.save(CV, LEARNING), title)), Step(body_learning),
            Step(saved.restore(CV)), Step(saved.restore(LEARNING))],
        "an image beside an article: shown, changed, deleted, shown again": [
            Step(SINGLE["an image beside the article"]),
            Step(write("content/jobs/cv-photo.svg", "<svg xmlns='http://www.w3.org/2000/svg' width='2'/>")),
            Step(delete("content/jobs/cv-photo.svg")),
            Step(write("content/jobs/cv-photo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"))],
        "a large photo: shown, made larger, made small, deleted, shown from static/ by two articles": [
            Step(SINGLE["a large photo beside the article"]),
            Step(write_bytes("content/jobs/cv-photo.png", picture(2000, 1000, "teal"))),
            Step(write_bytes("content/jobs/cv-photo.png", picture(300, 200, "teal"))),
            Step(delete("content/jobs/cv-photo.png")),
            Step(both(SINGLE["a large photo in static/"], edit(LEARNING, "\n## ", "\n![Same](/images/cv.png)\n\n## "))),
            Step(write_bytes("static/images/cv.png", picture(1000, 1000, "navy")))],
        "an edit and its revert, twice": [
            Step(both(saved.save(CV), title)), Step(saved.restore(CV)), Step(title), Step(saved.restore(CV))],
        "a warning, another edit, the fix": [
            Step(both(saved.save(CV), SINGLE["bad url repaired"])), Step(body_learning), Step(saved.restore(CV)),
            Step()],
        "a warning kept over two builds with nothing else changed": [
            Step(SINGLE["bad url repaired"]), Step(body_learning), Step(edit(LEARNING, "A paragraph.", "B paragraph."))],
        "an error, then its fix": [
            Step(both(saved.save(CV), edit(CV, "category: jobs", "category: nowhere"))),
            Step(saved.restore(CV))],
        "an error and an edit elsewhere, then the fix": [
            Step(both(saved.save(CV), edit(CV, "category: jobs", "category: nowhere"), body_learning)),
            Step(saved.restore(CV))],
        "an error that keeps the article (a taken feed id), then the fix": [
            Step(both(saved.save(CV), edit(CV, "lang: en", "lang: en\nid: tag:skill.jobs,2014:2021-02-14:"
                                                          "learning-new-skills-online"), body_learning)),
            Step(saved.restore(CV))],
        "a slug collision, then the fix": [
            Step(both(saved.save(CV), edit(CV, "lang: en", "lang: en\nslug: learning-new-skills-online"))),
            Step(saved.restore(CV))],
        "a template error, then an edit, then the fix": [
            Step(write("themes/default/templates/listing.html",
                       "{% extends 'base.html' %}{% block content %}{{ no_such.x }}{% endblock %}")),
            Step(title), Step(lambda root: shutil.rmtree(root / "themes"))],
        "two swaps": [Step(swap(CV, CV_OR_RESUME)), Step(body_learning), Step(swap(CV, CV_OR_RESUME))],
        "moved and moved back": [
            Step(move(CV, "content/career/writing-a-cv-that-gets-read.md")),
            Step(edit("content/career/writing-a-cv-that-gets-read.md", 'title: "Writing a CV That Gets Read"',
                      'title: "Writing a CV People Read"')),
            Step(move("content/career/writing-a-cv-that-gets-read.md", CV))],
        "deleted and restored": [
            Step(both(saved.save(CV), delete(CV))), Step(body_learning), Step(saved.restore(CV))],
        "the cache deleted, the output kept": [
            Step(title), Step(lambda root: shutil.rmtree(root / CACHE_DIR)), Step(body_learning)],
        "the output deleted, the cache kept": [
            Step(title), Step(lambda root: shutil.rmtree(root / "output")), Step(body_learning)],
        "the cache deleted before an edit": [
            Step(both(lambda root: shutil.rmtree(root / CACHE_DIR), title)), Step(body_learning)],
        "drafts on and off": [
            Step(options=BuildOptions(now=NOW, jobs=2, drafts=True)),
            Step(SINGLE["body of a draft"], BuildOptions(now=NOW, jobs=2, drafts=True)),
            Step(edit(DRAFT, 'title: "Salary', 'title: "Pay'), BuildOptions(now=NOW, jobs=2, drafts=True)),
            Step(title), Step(options=BuildOptions(now=NOW, jobs=2, drafts=True))],
        "future on and off": [
            Step(options=BuildOptions(now=NOW, jobs=2, future=True)),
            Step(SINGLE["title of the scheduled article"], BuildOptions(now=NOW, jobs=2, future=True)),
            Step(body_learning), Step(title, BuildOptions(now=NOW, jobs=2, future=True))],
        "drafts, future and expired together": [
            Step(SINGLE["expires already"], BuildOptions(now=NOW, jobs=2, drafts=True, future=True, expired=True)),
            Step(title, BuildOptions(now=NOW, jobs=2, drafts=True, future=True, expired=True)),
            Step(body_learning)],
        "the scheduled article comes due": [
            Step(options=BuildOptions(now=NOW.replace(year=2027, month=6, day=2), jobs=2)),
            Step(title, BuildOptions(now=NOW.replace(year=2027, month=6, day=2), jobs=2)), Step(body_learning)],
        "an article expires": [
            Step(edit(CV, "lang: en", "lang: en\nexpires: 2026-12-01")),
            Step(options=BuildOptions(now=NOW + timedelta(days=10), jobs=2)),
            Step(body_learning, BuildOptions(now=NOW + timedelta(days=10), jobs=2))],
        "base URL changed by the command line": [
            Step(options=BuildOptions(now=NOW, jobs=2, base_url="https://example.org/sub/")),
            Step(title, BuildOptions(now=NOW, jobs=2, base_url="https://example.org/sub/")),
            Step(body_learning)],
        "per-tag feeds, then edits": [
            Step(SINGLE["site.yaml per_tag and per_author feeds"]), Step(title), Step(body_learning),
            Step(SINGLE["tag spelling in both"]), Step(SINGLE["author spelling"])],
        "a template edit, then a content edit": [
            Step(write("themes/default/templates/_card.html",
                       (REPO / "themes/default/templates/_card.html").read_text().replace("min read", "minutes"))),
            Step(title), Step(body_learning)],
        "a neighbour's title, then the article's body": [
            Step(SINGLE["neighbour's title"]), Step(edit(CV, "\n## ", "\nMore.\n\n## ")), Step(title)],
        "aliases, then a title edit (the redirect shows the title)": [
            Step(EDITS_RENAME), Step(title), Step(body_learning)],
        "a link to another article by its source, then the source changes": [
            Step(edit(CV, "\n## ", "\nSee [Wikipedia](https://en.wikipedia.org/wiki/Curriculum_vitae).\n\n## ")),
            Step(edit(CV_OR_RESUME, 'source: "https://en.wikipedia.org/wiki/Curriculum_vitae"',
                      'source: "https://en.wikipedia.org/wiki/Resume"')),
            Step(edit(CV_OR_RESUME, 'source: "https://en.wikipedia.org/wiki/Resume"',
                      'source: "https://en.wikipedia.org/wiki/Curriculum_vitae"'))],
        "a link to a draft, then drafts shown": [
            Step(SINGLE["link to a draft"]), Step(options=BuildOptions(now=NOW, jobs=2, drafts=True)),
            Step(body_learning)],
        "nothing changed, twice": [Step(), Step()],
    }


EDITS_RENAME = edit(CV, "category: jobs", "category: jobs\nslug: cv-that-gets-read\naliases: [writing-a-cv-that-gets-read]")
SEQUENCES = sequences()


@pytest.mark.parametrize("sequence", SEQUENCES, ids=list(SEQUENCES))
def test_a_sequence_of_edits_and_builds(sample_site, tmp_path, sequence):
    run_builds(sample_site, tmp_path, sequences()[sequence])


SERVE_SEQUENCES = ["an image beside an article: shown, changed, deleted, shown again",
                   "a large photo: shown, made larger, made small, deleted, shown from static/ by two articles", "A, B, revert A, revert B", "an edit and its revert, twice", "a warning, another edit, the fix",
                   "an error, then its fix", "an error and an edit elsewhere, then the fix",
                   "an error that keeps the article (a taken feed id), then the fix", "a slug collision, then the fix",
                   "a template error, then an edit, then the fix", "two swaps", "moved and moved back",
                   "deleted and restored", "per-tag feeds, then edits", "a neighbour's title, then the article's body",
                   "aliases, then a title edit (the redirect shows the title)",
                   "a link to another article by its source, then the source changes"]


@pytest.mark.parametrize("sequence", SERVE_SEQUENCES, ids=SERVE_SEQUENCES)
def test_a_sequence_of_edits_in_serve(sample_site, sequence):
    steps = [step.change or (lambda root: None) for step in sequences()[sequence]]
    run_serve(sample_site, steps)


# --- the HTML left in the cache: one body key, several renderings ---------------------------------

def linked_site(site) -> Path:
    return site({
        "content/jobs/a.md": article("A", "See [B](b.md) and [the draft](d.md).\n", date="2024-03-05 10:30"),
        "content/jobs/b.md": article("B", "B's text.\n", date="2024-03-04 10:30"),
        "content/jobs/c.md": article("C", "C's text.\n", date="2024-03-03 10:30"),
        "content/jobs/d.md": article("D", "A draft.\n", date="2024-03-02 10:30", draft="true"),
    })


@pytest.mark.parametrize("also", ["nothing else", "the template"])
def test_a_failed_build_then_its_fix_with_another_edit(site, tmp_path, also):
    """The failed build renders A again (its link to B leads nowhere while B is broken) and
    saves that rendering under A's body key; the next build takes A's rendering from the
    snapshot (its link to B is fine) and its HTML from the cache by that key."""
    root = linked_site(site)
    saved = Saved()
    extra = (write("themes/default/templates/article.html",
                   (REPO / "themes/default/templates/article.html").read_text() + "\n<!-- edited -->\n")
             if also == "the template" else (lambda root: None))
    run_builds(root, tmp_path, [
        both(saved.save("content/jobs/b.md"), edit("content/jobs/b.md", "category: jobs", "category: nowhere")),
        both(saved.restore("content/jobs/b.md"), edit("content/jobs/c.md", "C's text.", "C's new text."), extra),
        edit("content/jobs/c.md", "C's new text.", "C's newer text.")])  # and it stays so


def test_a_strict_build_failed_by_a_warning_then_the_file_restored(site, tmp_path):
    """The same through --strict: B deleted, A's link to it broken (a warning, so the
    strict build fails), B restored along with another edit."""
    root = linked_site(site)
    replace_in(root / "content/jobs/a.md", " and [the draft](d.md)", "")  # no warning before
    saved = Saved()
    strict = BuildOptions(now=NOW, jobs=2, strict=True)
    run_builds(root, tmp_path, [
        Step(both(saved.save("content/jobs/b.md"), delete("content/jobs/b.md")), strict),
        Step(both(saved.restore("content/jobs/b.md"), edit("content/jobs/c.md", "C's text.", "C's new text.")),
             strict)], options=BuildOptions(now=NOW, jobs=2, strict=True))


@pytest.mark.parametrize("options", ["drafts", "future"])
def test_a_build_into_another_output_folder_does_not_leak_into_this_ones(site, tmp_path, options):
    """A preview build (drafts or future articles shown) into another folder renders A's
    link to the draft live and saves it under A's body key; the next build into the
    published output must not publish it."""
    root = linked_site(site)
    if options == "future":
        replace_in(root / "content/jobs/d.md", "draft: true", "")
        replace_in(root / "content/jobs/d.md", "date: 2024-03-02 10:30", "date: 2030-01-01 10:00")
    build(root, BuildOptions(now=NOW))
    build(root, BuildOptions(now=NOW, drafts=True, future=True, output=tmp_path / "preview"))
    replace_in(root / "content/jobs/c.md", "C's text.", "C's new text.")
    build(root, BuildOptions(now=NOW))
    clean, _ = clean_outcome(root, tmp_path, BuildOptions(now=NOW))
    report = differences(split_index(tree_bytes(root / "output"))[0], split_index(clean)[0])
    assert not report, report


def test_the_sample_site_previewed_into_another_folder_then_built(sample_site, tmp_path):
    """The same with the sample site, whose articles link to each other."""
    replace_in(sample_site / CV, "\n## ", "\nSee [the scripts](salary-negotiation-scripts.md).\n\n## ")
    build(sample_site, BuildOptions(now=NOW))
    build(sample_site, BuildOptions(now=NOW, drafts=True, output=tmp_path / "preview"))
    replace_in(sample_site / LEARNING, "\n## ", "\nA paragraph.\n\n## ")
    build(sample_site, BuildOptions(now=NOW))
    clean, _ = clean_outcome(sample_site, tmp_path, BuildOptions(now=NOW))
    report = differences(split_index(tree_bytes(sample_site / "output"))[0], split_index(clean)[0])
    assert not report, report


# --- the search index of a reused standby ---------------------------------------------------------

UNPUBLISH = {
    "deleted": delete("content/jobs/b.md"),
    "made a draft": edit("content/jobs/b.md", "category: jobs", "category: jobs\ndraft: true"),
    "expired": edit("content/jobs/b.md", "category: jobs", "category: jobs\nexpires: 2025-01-01"),
    "slug changed": edit("content/jobs/b.md", "category: jobs", "category: jobs\nslug: b-renamed"),
}


@pytest.mark.parametrize("how", UNPUBLISH, ids=list(UNPUBLISH))
def test_the_search_index_after_a_page_is_gone_and_another_build(site, tmp_path, how):
    """Build, remove a page, build, edit anything, build: the third build stages into the
    standby (the output of the first, which still has the page)."""
    root = linked_site(site)
    run_builds(root, tmp_path, [UNPUBLISH[how], edit("content/jobs/c.md", "C's text.", "C's new text.")])


# --- small sites: pagination, terms, redirects, swaps, warnings, odd text -------------------------

PAGED = MINIMAL_CONFIG + "per_page: 2\n"


def paged_site(site) -> Path:
    return site({"site.yaml": PAGED, **{
        f"content/jobs/p{n}.md": article(f"Paged {n}", f"Text {n}.\n", date=f"2024-03-0{n} 10:30", tags="[cv, Jobs]")
        for n in range(1, 6)}})


PAGED_STEPS = {
    "title on a boundary": [edit("content/jobs/p3.md", '"Paged 3"', '"Third"')],
    "a new first article": [write("content/jobs/p9.md", article("Nine", date="2024-03-09 10:30", tags="[cv]"))],
    "an article deleted": [delete("content/jobs/p3.md"), edit("content/jobs/p1.md", "Text 1.", "Text one.")],
    "an article made older": [edit("content/jobs/p5.md", "2024-03-05", "2024-03-01"),
                              edit("content/jobs/p5.md", '"Paged 5"', '"Five"')],
    "summary then title then summary": [
        edit("content/jobs/p2.md", "category: jobs", "category: jobs\nsummary: A summary"),
        edit("content/jobs/p4.md", '"Paged 4"', '"Four"'),
        edit("content/jobs/p2.md", "summary: A summary", "summary: Another")],
    "most used spelling": [edit("content/jobs/p1.md", "[cv, Jobs]", "[CV, Jobs]"),
                           edit("content/jobs/p2.md", "[cv, Jobs]", "[CV, Jobs]"),
                           edit("content/jobs/p3.md", "[cv, Jobs]", "[CV, Jobs]"),
                           edit("content/jobs/p3.md", "[CV, Jobs]", "[cv, Jobs]")],
    "two spellings in one article": [edit("content/jobs/p1.md", "[cv, Jobs]", "[cv, CV, Jobs]"),
                                     edit("content/jobs/p1.md", "Text 1.", "Text one.")],
    "author spelling": [edit("content/jobs/p1.md", "author: moderator", "author: Moderator"),
                        edit("content/jobs/p2.md", "author: moderator", "author: Moderator"),
                        edit("content/jobs/p4.md", "Text 4.", "Text four.")],
    "reading time": [edit("content/jobs/p3.md", "Text 3.", LONG_TEXT)],
    "language": [edit("content/jobs/p3.md", "category: jobs", "category: jobs\nlang: fa"),
                 edit("content/jobs/p3.md", "lang: fa", "lang: en")],
}


def run_both(root: Path, tmp_path: Path, steps: Sequence[Edit], how: str) -> None:
    """The steps through ``build`` (against clean builds) or ``serve`` (against fresh ones)."""
    if how == "serve":
        run_serve(root, steps)
    else:
        run_builds(root, tmp_path, steps)


@pytest.mark.parametrize("how", ["build", "serve"])
@pytest.mark.parametrize("steps", PAGED_STEPS, ids=list(PAGED_STEPS))
def test_a_paged_site(site, tmp_path, steps, how):
    run_both(paged_site(site), tmp_path, PAGED_STEPS[steps], how)


def small_site(site) -> Path:
    return site({
        "site.yaml": MINIMAL_CONFIG.replace("  id_authority: example.org,2024\n",
                                            "  id_authority: example.org,2024\n  per_tag: true\n  per_author: true\n"),
        "content/jobs/a.md": article("A", "See [B](b.md).\n\nMore text.\n", date="2024-03-05 10:30", tags="[x, y]",
                                     aliases="[old-a]"),
        "content/jobs/b.md": article("B", "B's text.\n", date="2024-03-05 10:30", tags="[x, y]"),
        "content/career/c.md": article("C", "C's text with [A](../jobs/a.md).\n", date="2024-03-04 10:30",
                                       category="career", tags="[y]"),
    })


SMALL_STEPS = {
    "swap a and b (same date, same tags: the site is patched)": [swap("content/jobs/a.md", "content/jobs/b.md")],
    "swap b and c": [swap("content/jobs/b.md", "content/career/c.md"), swap("content/jobs/b.md", "content/career/c.md")],
    "the aliased article's title": [edit("content/jobs/a.md", '"A"', '"A renamed"')],
    "the aliased article's slug": [edit("content/jobs/a.md", "aliases: [old-a]", "aliases: [old-a, a]\nslug: a-new")],
    "move into a subfolder (relative links)": [move("content/jobs/a.md", "content/jobs/deeper/a.md"),
                                               move("content/jobs/deeper/a.md", "content/jobs/a.md")],
    "a control character (a warning), then other edits": [
        edit("content/jobs/b.md", "B's text.", "B's\x07 text."), edit("content/career/c.md", "C's text", "C's words"),
        edit("content/jobs/b.md", "B's\x07 text.", "B's text.")],
    "a bad URL (a warning), then other edits": [
        edit("content/jobs/b.md", "B's text.", "B's [x](javascript:alert(1)) text."),
        edit("content/career/c.md", "C's text", "C's words"), edit("content/career/c.md", "C's words", "C's text")],
    "an invalid YAML escape in a title (an error), then other edits": [
        edit("content/jobs/b.md", 'title: "B"', 'title: "B \\ud800"'), edit("content/career/c.md", "C's text", "C's words"),
        edit("content/jobs/b.md", 'title: "B \\ud800"', 'title: "B"'), edit("content/career/c.md", "C's words", "C's text")],
    "an invalid YAML escape in a tag (an error)": [
        edit("content/jobs/b.md", "tags: [x, y]", 'tags: [x, y, "z\\ud800"]'),
        edit("content/career/c.md", "C's text", "C's words")],
    "an error, an edit, the fix": [
        edit("content/jobs/b.md", "category: jobs", "category: nowhere"),
        edit("content/career/c.md", "C's text", "C's words"),
        both(edit("content/jobs/b.md", "category: nowhere", "category: jobs"),
             edit("content/jobs/a.md", "More text.", "Other text."))],
    "the linked article deleted, restored with an edit elsewhere": [
        delete("content/jobs/b.md"),
        both(write("content/jobs/b.md", article("B", "B's text.\n", date="2024-03-05 10:30", tags="[x, y]")),
             edit("content/career/c.md", "C's text", "C's words"))],
    "source of one, link to it from another": [
        edit("content/jobs/b.md", "category: jobs", "category: jobs\nsource: https://example.com/b"),
        edit("content/career/c.md", "C's text", "C's text, see [the original](https://example.com/b)"),
        edit("content/jobs/b.md", "source: https://example.com/b", "source: https://example.com/b2"),
        edit("content/jobs/b.md", "source: https://example.com/b2", "source: https://example.com/b")],
    "the updated date, twice": [edit("content/jobs/b.md", "category: jobs", "category: jobs\nupdated: 2025-01-01"),
                                edit("content/jobs/b.md", "updated: 2025-01-01", "updated: 2025-02-01")],
    "id pinned, then the slug changed": [
        edit("content/jobs/b.md", "category: jobs", "category: jobs\nid: urn:b"),
        edit("content/jobs/b.md", "id: urn:b", "id: urn:b\nslug: b2")],
}


@pytest.mark.parametrize("how", ["build", "serve"])
@pytest.mark.parametrize("steps", SMALL_STEPS, ids=list(SMALL_STEPS))
def test_a_small_site(site, tmp_path, steps, how):
    run_both(small_site(site), tmp_path, SMALL_STEPS[steps], how)


# --- git dates ------------------------------------------------------------------------------------

def commit(message: str, date: str) -> Edit:
    return lambda root: git(root, "commit", "-qam", message, date=date)


@pytest.mark.parametrize("serve", [False, True], ids=["build", "serve"])
def test_git_dated_articles_through_commits_edits_and_resets(site, tmp_path, serve):
    root = small_site(site)
    (root / ".gitignore").write_text(f"{CACHE_DIR}/\noutput/\n.output.*\n")
    committed(root, "2024-04-01T00:00:00+00:00")
    steps = [
        edit("content/jobs/b.md", "B's text.", "B's text, edited."),  # not committed yet
        commit("edit b", "2024-05-06T07:08:09+00:00"),  # the same bytes, dated by the commit
        both(edit("content/jobs/a.md", "More text.", "Other text."), commit("edit a", "2024-06-01T00:00:00+00:00")),
        lambda root: git(root, "reset", "-q", "--hard", "HEAD~2"),  # both commits undone
        both(edit("content/jobs/b.md", "category: jobs", "category: jobs\nupdated: 2024-07-01"),
             commit("explicit updated", "2024-08-01T00:00:00+00:00")),
        edit("content/career/c.md", "C's text", "C's words"),
    ]
    if serve:
        run_serve(root, steps)
    else:
        run_builds(root, tmp_path, steps)
