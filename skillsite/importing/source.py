"""One file to import: its front matter (YAML or TOML), body, and the generator it was written for.

The generator is told by what the file carries (TOML front matter, Docusaurus or Jekyll
keys, Liquid tags, Hugo shortcodes, MDX imports and admonitions) and, failing that, by the
folder it sits in (a ``_config.yml``, ``hugo.toml`` or ``docusaurus.config.js`` above it).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..frontmatter import FileProblem, decode
from ..yamlread import Mapping, Node, Scalar, Sequence, YamlError, read_yaml
from .body import prose

JEKYLL, HUGO, DOCUSAURUS, MARKDOWN, FORUM = "Jekyll", "Hugo", "Docusaurus", "Markdown", "forum post"
MAX_SOURCE_BYTES = 4 * 1024 * 1024

_DOCUSAURUS_KEYS = {"sidebar_label", "sidebar_position", "sidebar_class_name", "sidebar_custom_props",
                    "hide_title", "hide_table_of_contents", "pagination_label", "pagination_next", "pagination_prev",
                    "custom_edit_url", "parse_number_prefixes", "toc_min_heading_level", "toc_max_heading_level",
                    "displayed_sidebar", "last_update", "unlisted"}
_JEKYLL_KEYS = {"permalink", "redirect_from", "published", "excerpt_separator", "render_with_liquid", "layout"}
_HUGO_KEYS = {"aliases", "lastmod", "linkTitle", "publishDate", "expiryDate", "series", "weight", "url"}
_SITE_MARKERS = (
    (JEKYLL, ("_config.yml", "_config.yaml")),
    (DOCUSAURUS, ("docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs")),
    (HUGO, ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml")),
)
_LIQUID = re.compile(r"\{%-?\s*[a-z_]+|\{\{-?\s*(?:site|page|include|post|paginator)\.")
_SHORTCODE = re.compile(r"\{\{[<%]\s*/?\s*[\w.-]+")
_MDX = re.compile(r"^(?:import\s.+\sfrom\s+['\"]|export\s+(?:const|default|function)\b|:::[a-z]+)", re.MULTILINE)
_KRAMDOWN = re.compile(r"""\smarkdown=["']?1|^\{:[^}\n]*\}\s*$""", re.MULTILINE)
_MAX_LEVELS_UP = 6


class ImportProblem(Exception):
    """A file that cannot be imported: why (message), what to do (hint), where (line, 0: the file)."""

    def __init__(self, message: str, hint: str = "", line: int = 0):
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


@dataclass(frozen=True, slots=True)
class Source:
    """A file to import, read."""

    path: Path
    """The file."""
    shown: str
    """How messages name it (as given on the command line)."""
    dialect: str
    """The generator it was written for (JEKYLL, HUGO, DOCUSAURUS, MARKDOWN or FORUM)."""
    fields: dict
    """Its front matter as plain values (text stays text)."""
    lines: dict[str, int]
    """The line of each front matter key."""
    body: str
    """The text after the front matter."""
    body_line: int
    """The file line the body starts on."""
    site_root: Path | None = None
    """The folder of the original site (where its configuration is), when one was found."""
    notes: tuple[str, ...] = ()
    """What was guessed in reading it, for the moderator to check."""


def read_text(path: Path, shown: str) -> str:
    """The file's text (UTF-8, LF line endings). Raises ImportProblem."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise ImportProblem(f"the file is over the limit of {MAX_SOURCE_BYTES // 1024} KB",
                                "split it into several articles")
        return decode(path.read_bytes(), shown)
    except FileProblem as problem:
        raise ImportProblem(problem.diagnostic.message, problem.diagnostic.hint, problem.diagnostic.line) from None
    except OSError as exc:
        raise ImportProblem(f"the file cannot be read: {exc.strerror}", "check that it exists and is readable") from None


def split_front_matter(text: str, shown: str) -> tuple[dict, dict[str, int], str, int, str] | None:
    """(fields, their lines, body, body line, fence) of a file with YAML ('---') or TOML
    ('+++') front matter; None when it has none. Raises ImportProblem."""
    fence = text[:3]
    if fence not in ("---", "+++") or text[3:4] not in ("\n", " ", "\t"):
        return None
    closing = re.compile(rf"^{re.escape(fence)}[ \t]*$", re.MULTILINE).search(text, text.find("\n") + 1)
    if closing is None:
        raise ImportProblem(f"the front matter opened with '{fence}' on line 1 is never closed",
                            f"add a line '{fence}' after its last field", 1)
    raw = text[text.find("\n") + 1:closing.start()]
    body = text[closing.end() + 1:]
    body_line = text.count("\n", 0, closing.end()) + 2
    if fence == "+++":
        try:
            fields = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise ImportProblem(f"the TOML front matter cannot be read: {exc}",
                                "fix the line it names, or convert the front matter to YAML", 1) from None
        lines = _toml_key_lines(raw)
    else:
        try:
            root = read_yaml(raw, shown, first_line=2)
        except YamlError as exc:
            problem = exc.diagnostics[0]
            raise ImportProblem(problem.message, problem.hint, problem.line) from None
        fields = plain(root) or {}
        lines = {key.text: key.line for key, _ in root.items} if isinstance(root, Mapping) else {}
    if not isinstance(fields, dict):
        raise ImportProblem("the front matter is not a set of fields", "write it as 'name: value' lines", 2)
    return fields, lines, body, body_line, fence


def dialect_of(path: Path, fields: dict, body: str, fence: str, site: str | None) -> str:
    """The generator a file was written for."""
    keys = set(fields)
    prose_text = "".join(body[start:end] for start, end in prose(body))
    if fence == "+++" or _SHORTCODE.search(prose_text):
        return HUGO
    if path.suffix == ".mdx" or keys & _DOCUSAURUS_KEYS or _MDX.search(prose_text):
        return DOCUSAURUS
    if _LIQUID.search(prose_text):
        return JEKYLL
    if site is not None:
        return site
    if keys & _JEKYLL_KEYS or "_posts" in path.parts:
        return JEKYLL
    if keys & _HUGO_KEYS or "content" in path.parts[:-1]:
        return HUGO
    if _KRAMDOWN.search(prose_text):  # kramdown is Jekyll's Markdown
        return JEKYLL
    return MARKDOWN


def site_of(path: Path) -> tuple[str | None, Path | None]:
    """The generator and root folder of the site a file belongs to, when a folder above it
    holds the site's configuration."""
    folder = path.parent
    for _ in range(_MAX_LEVELS_UP):
        for dialect, names in _SITE_MARKERS:
            if any((folder / name).is_file() for name in names):
                return dialect, folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return None, None


@functools.cache
def site_settings(root: Path | None) -> dict:
    """A Jekyll site's settings (``_config.yml`` in ``root``) as plain values; {} when none."""
    for name in _SITE_MARKERS[0][1]:
        file = root / name if root is not None else None
        if file is not None and file.is_file():
            try:
                settings = plain(read_yaml(file.read_text(encoding="utf-8", errors="replace"), str(file)))
            except YamlError:
                return {}
            return settings if isinstance(settings, dict) else {}
    return {}


def plain(node: Node | None):
    """YAML nodes as plain Python values (text stays text)."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return None if node.is_null else node.text
    if isinstance(node, Sequence):
        return [plain(item) for item in node.items]
    if isinstance(node, Mapping):
        return {key.text: plain(value) for key, value in node.items}
    return None


def _toml_key_lines(raw: str) -> dict[str, int]:
    """The line of each top-level TOML key (the file line: the front matter starts on 2)."""
    lines = {}
    for number, line in enumerate(raw.split("\n"), start=2):
        if line.startswith("["):
            break
        match = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines
