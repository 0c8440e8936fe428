"""Shared fixtures: small sites written inline, and the bundled sample site."""

from __future__ import annotations

import re
import shutil
import textwrap
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
# A fixed "now" so that scheduling never depends on the day the tests run.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)

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


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    """A copy of the bundled sample site (site.yaml, content/, no output)."""
    target = tmp_path / "sample"
    target.mkdir()
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    shutil.copytree(REPO / "content", target / "content")
    return target


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, for byte-for-byte comparisons."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class _ActiveContentFinder(HTMLParser):
    """An HTML parser oracle: records anything in a page that could run code."""

    ACTIVE_ELEMENTS = {"script", "iframe", "frame", "object", "embed", "form", "base", "applet",
                       "svg", "math", "style", "template", "input", "button", "textarea", "select"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "poster", "data", "background",
                      "xlink:href", "srcset", "ping"}

    def __init__(self, allowed_elements: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_elements = allowed_elements
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.ACTIVE_ELEMENTS - self.allowed_elements:
            self.found.append(f"<{tag}>")
        if tag == "meta" and any(name == "http-equiv" and (value or "").lower() != "refresh" for name, value in attrs):
            self.found.append("<meta http-equiv>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name == "style" and value and re.search(r"url\s*\(|expression\s*\(", value, re.I):
                self.found.append(f"<{tag} style={value!r}>")
            if name in self.URL_ATTRIBUTES and value is not None:
                # browsers ignore whitespace and control characters inside a scheme
                scheme = re.sub(r"[\x00-\x20]", "", value).split(":", 1)
                if len(scheme) == 2 and scheme[0].lower() in ("javascript", "vbscript", "data", "livescript"):
                    self.found.append(f"<{tag} {name}={value!r}>")


def active_content(html: str, allowed_elements: set[str] = frozenset()) -> list[str]:
    """What in ``html`` could execute in a reader's browser (empty when nothing)."""
    finder = _ActiveContentFinder(set(allowed_elements))
    finder.feed(html)
    finder.close()
    return finder.found
