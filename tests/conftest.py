"""Shared fixtures: small sites written inline, and the bundled sample site."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from watchfiles import Change

from clients import ARTIFACTS, CHROMIUM_FLAGS, chromium_path, missing

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
# A fixed "now" so that scheduling never depends on the day the tests run.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: a worker more than the cores. A fifth of the suite's time is spent waiting
    on other processes (a browser, pip, a server, Pagefind), which a third worker on two
    cores fills (measured: 830 s with 3 workers, 924-1,030 s with 2)."""
    return len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) + 1


def pytest_configure(config) -> None:
    """Byte-compile skillsite once, as an installed package is: where the environment says
    not to write byte code (PYTHONDONTWRITEBYTECODE), each of the hundreds of commands the
    tests run would otherwise compile it again (0.3 s each)."""
    import compileall

    import skillsite
    compileall.compile_dir(Path(skillsite.__file__).parent, quiet=1)

MINIMAL_CONFIG = """\
title: Test Board
tagline: Be Skilled, Get Hired
base_url: https://example.org/
timezone: Asia/Dhaka
categories:
  - {key: career, title: Career}
  - {key: jobs, title: Jobs}
  - {key: entrepreneurship, title: Entrepreneurship}
audiences:
  - {key: jobseekers, title: Jobseekers}
  - {key: employers, title: Employers}
feeds:
  id_authority: example.org,2024
"""


def article(title: str = "A title", body: str = "Some text.\n", **fields) -> str:
    """An article file's text: front matter from ``fields`` (already YAML-formatted values)."""
    front = {"title": f'"{title}"', "date": "2024-03-05 10:30", "author": "moderator", "category": "jobs"}
    front.update(fields)
    lines = [f"{key}: {value}" for key, value in front.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root``; text is dedented."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path):
    """A factory: ``site({"content/jobs/a.md": article(...)})`` -> a site folder with
    the minimal site.yaml unless one is given."""
    def make(files: dict[str, str | bytes]) -> Path:
        files = {"site.yaml": MINIMAL_CONFIG, **files}
        return write_tree(tmp_path / "site", files)
    return make


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's, driven by Playwright), one per test module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (pip install -e '.[dev]')")
    executable = chromium_path()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    """A copy of the bundled sample site (site.yaml, content/, no output)."""
    target = tmp_path / "sample"
    target.mkdir()
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    shutil.copytree(REPO / "content", target / "content")
    return target


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory) -> Path:
    """The sample site's site.yaml with every article of the real-world corpus beside the
    checkout (one content folder per collection); skips when the corpus is not there."""
    if not CORPUS.is_dir():
        pytest.skip(f"the real-world corpus is not beside the checkout ({CORPUS})")
    root = tmp_path_factory.mktemp("corpus")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content" / "pages", root / "content" / "pages")  # the menu links them
    # originals/ holds the same collections as Jekyll and Docusaurus read them: the importer's input
    for collection in sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name != "originals"):
        for article in sorted(collection.rglob("*.md")):
            target = root / "content" / collection.name / article.relative_to(collection)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(article, target)
    return root


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, for byte-for-byte comparisons."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}



class _Elements(HTMLParser):
    """Every start tag with its attributes, entity references decoded as a browser would."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """(tag, attributes) of every element of ``html``, in order."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


ACTIVE_ELEMENTS = {"script", "iframe", "form", "style", "base", "object", "embed", "svg", "math", "frame",
                   "frameset", "noscript", "template", "input", "button", "textarea", "select", "applet"}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "xlink:href", "srcset", "poster", "data",
                  "background", "ping"}
DANGEROUS_SCHEMES = {"javascript", "vbscript", "data", "livescript"}
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f-\x9f]")


def active_content(html: str, fragment: bool = False) -> list[str]:
    """The HTML-parser oracle: what in ``html`` could run script or redirect a reader
    (active elements, on* handlers, script/data URLs, CSS urls). For an article
    ``fragment``, any <meta> or <link> counts too; a whole page has its own."""
    found = []
    active = ACTIVE_ELEMENTS | ({"meta", "link"} if fragment else set())
    for tag, attributes in elements(html):
        if tag in active:
            found.append(f"<{tag}>")
        if tag == "meta" and not fragment and "http-equiv" in attributes and attributes["http-equiv"] != "refresh":
            found.append("<meta http-equiv>")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", _IGNORED_BY_BROWSERS.sub("", value).lower())
                if scheme and scheme.group(1) in DANGEROUS_SCHEMES:
                    found.append(f"{tag}[{name}={value!r}]")
            if name == "style" and value and re.search(r"url\(|expression|javascript", value, re.I):
                found.append(f"{tag}[style={value!r}]")
    return found


def git(root: Path, *args: str, date: str | None = None) -> None:
    """Run git in ``root`` as a fixed author, at ``date`` when given."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "m", "GIT_AUTHOR_EMAIL": "m@example.org", "GIT_COMMITTER_NAME": "m",
           "GIT_COMMITTER_EMAIL": "m@example.org"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def committed(root: Path, date: str) -> Path:
    """``root`` made a git repository whose first commit, at ``date``, adds everything."""
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "add", date=date)
    return root


def watched_state(root: Path) -> dict[str, tuple]:
    """What a file watcher on a site folder can tell apart: every file and folder (by
    absolute path), its kind and bytes. The output and the cache are left out."""
    state: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root.resolve()):
        dirs[:] = [d for d in dirs if d not in ("output", ".skillsite-cache")]
        for name in dirs:
            state[os.path.join(folder, name)] = ("folder",)
        for name in files:
            path = os.path.join(folder, name)
            state[path] = ("link", os.readlink(path)) if os.path.islink(path) else ("file", Path(path).read_bytes())
    return state


def watcher_changes(before: dict[str, tuple], after: dict[str, tuple]) -> set:
    """The changes a file watcher reports between two states (see ``watched_state``)."""
    return ({(Change.deleted, path) for path in before.keys() - after.keys()}
            | {(Change.added, path) for path in after.keys() - before.keys()}
            | {(Change.modified, path) for path in before.keys() & after.keys() if before[path] != after[path]})
