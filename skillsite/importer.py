"""``skillsite import``: articles from other generators and saved forum posts, as valid
skillsite articles, with a note for everything that could not be carried over.

Understands YAML front matter as Jekyll, Hugo, Docusaurus and Pelican-on-YAML write it
(``description``, ``keywords``, ``categories``, ``permalink``, ``redirect_from``, a date in
the file name...), Hugo's TOML front matter, and the text of a forum post saved from the
browser (title, "Started by NAME, DATE" line, body, "Source: URL").
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from .config import SiteConfig
from .frontmatter import FileProblem, FrontMatterReader, decode, split
from .urls import ascii_slug, is_valid_slug
from .yamlread import Mapping, Node, Scalar, Sequence, YamlError, read_yaml

_DATED_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-(.+)")
_MDX_LINE = re.compile(r"^(import\s.+\sfrom\s+['\"].+['\"];?|export\s.+)$")
_STARTED_BY = re.compile(r"^Started by (.+?), (\w+ \d{1,2}, \d{4}, \d{1,2}:\d{2}(?::\d{2})? [AP]M)\s*$")
_LOST_QUOTE = re.compile(r"\w\?\w|\?\w|\w\?(?=[\s,.;:])")
_ROOTED_LINK = re.compile(r"""(?:\]\(|\b(?:href|src)=["'])(/[^/)"'\s][^)"'\s]*)""")
_HEADING_END = re.compile(r"[.,;:]$")
_FIELDS_USED = {
    "title", "date", "author", "authors", "category", "categories", "tags", "keywords", "summary",
    "description", "excerpt", "slug", "permalink", "url", "aliases", "redirect_from", "draft", "published",
    "lang", "language", "source", "canonical_url", "original_url", "image", "cover", "lastmod",
    "last_modified_at", "updated",
}


@dataclass(frozen=True, slots=True)
class Imported:
    """One source file turned into an article's text."""

    source: Path
    """The file imported."""
    category: str
    """The article's category (its folder)."""
    slug: str
    """The article's slug (its file name)."""
    text: str
    """The article file's text."""
    notes: tuple[str, ...]
    """What could not be carried over or was guessed, for the moderator to check."""


class ImportProblem(Exception):
    """A file that cannot be imported, and why."""


def import_file(path: Path, config: SiteConfig, category: str | None, author: str | None,
                now: datetime) -> Imported:
    """Read ``path`` and make a skillsite article of it. Raises ImportProblem."""
    try:
        text = decode(path.read_bytes(), str(path))
    except FileProblem as problem:
        raise ImportProblem(problem.diagnostic.message) from None
    if text.startswith("---\n") or text.startswith("+++\n"):
        fields, body, notes = _front_matter(text, path)
    elif _forum_header(text) is not None:
        fields, body, notes = _forum_post(text, config)
    else:
        raise ImportProblem("no front matter and no forum post header ('Started by NAME, DATE') found")
    return _article(path, fields, body, notes, config, category, author, now)


def _front_matter(text: str, path: Path) -> tuple[dict, str, list[str]]:
    fence = text[:3]
    end = text.find(f"\n{fence}", 3)
    if end < 0:
        raise ImportProblem(f"the front matter opened with '{fence}' is never closed")
    raw, body = text[4:end + 1], text[end + 4:].lstrip("\n")
    if fence == "+++":
        try:
            fields = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise ImportProblem(f"the TOML front matter cannot be read: {exc}") from None
    else:
        try:
            fields = _plain(read_yaml(raw, str(path), first_line=2)) or {}
        except YamlError as exc:
            raise ImportProblem(exc.diagnostics[0].format()) from None
    if not isinstance(fields, dict):
        raise ImportProblem("the front matter is not a set of fields")
    notes = []
    body_lines = body.split("\n")
    mdx = [line for line in body_lines if _MDX_LINE.match(line)]
    if mdx:
        notes.append(f"removed {len(mdx)} MDX import/export line(s): {mdx[0]}")
        body = "\n".join(line for line in body_lines if not _MDX_LINE.match(line)).lstrip("\n")
    return fields, body, notes


def _plain(node: Node | None):
    """YAML nodes as plain Python values (text stays text)."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return None if node.is_null else node.text
    if isinstance(node, Sequence):
        return [_plain(item) for item in node.items]
    if isinstance(node, Mapping):
        return {key.text: _plain(value) for key, value in node.items}
    return None


def _forum_header(text: str) -> int | None:
    """The index of the "Started by" line of a saved forum post, if it is one."""
    for index, line in enumerate(text.split("\n")):
        if _STARTED_BY.match(line.strip()):
            return index
    return None


def _forum_post(text: str, config: SiteConfig) -> tuple[dict, str, list[str]]:
    lines = text.split("\n")
    start = _forum_header(text)
    match = _STARTED_BY.match(lines[start].strip())
    author, when = match.group(1), match.group(2)
    title = next((line.strip() for line in reversed(lines[:start]) if line.strip()), "")
    stamp = datetime.strptime(when, "%B %d, %Y, %I:%M:%S %p" if when.count(":") == 2 else "%B %d, %Y, %I:%M %p")
    notes = [f"the forum's time ({when}) was taken to be in the site's time zone, {config.timezone}"]
    body = lines[start + 1:]
    while body and (not body[0].strip() or body[0].strip() in ("Previous topic - Next topic", author)):
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    fields: dict = {"title": title, "date": stamp.isoformat(" "), "author": author, "slug": ascii_slug(title)}
    if body and body[-1].strip().startswith("Source:"):
        fields["source"] = body.pop().strip()[len("Source:"):].strip()
        notes.append("the 'Source:' line became the source: field (shown as the attribution)")
    lost = [line_number for line_number, line in enumerate([title, *body], start=1) if _LOST_QUOTE.search(line)]
    if lost:
        notes.append(f"'?' stands where quotes or apostrophes were probably lost, in the title and "
                     f"{len(lost)} line(s): replace them with ‘ ’ “ ” where they belong")
    return fields, _forum_markdown(body), notes


def _forum_markdown(lines: list[str]) -> str:
    """A forum post's plain text as Markdown: indented lines become list items, short
    lines without a full stop that end a block become headings, the rest paragraphs."""
    out: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if len(line) - len(line.lstrip()) >= 2:  # indented, often with no-break spaces
            if out and not out[-1].startswith("- "):
                out.append("")
            out.append(f"- {stripped}")
            continue
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        is_heading = (len(stripped) < 80 and len(stripped.split()) <= 10 and not _HEADING_END.search(stripped)
                      and not following and index > 0)
        if out:
            out.append("")
        out.append(f"## {stripped}" if is_heading else stripped)
    return "\n".join(out) + "\n"


def _text(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("title")
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _list(*values) -> list[str]:
    items: list[str] = []
    for value in values:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        for item in value or []:
            text = _text(item)
            if text and text not in items:
                items.append(text)
    return items


def _last_segment(url: str) -> str:
    return ascii_slug(PurePosixPath(url.strip("/")).name.removesuffix(".html"))


def _article(path: Path, fields: dict, body: str, notes: list[str], config: SiteConfig, category: str | None,
             author: str | None, now: datetime) -> Imported:
    name_match = _DATED_NAME.match(path.stem)
    keys = {c.key for c in config.categories}
    given = _list(fields.get("category"), fields.get("categories"))
    chosen = category or next((c.lower() for c in given if c.lower() in keys), None)
    if chosen is None:
        raise ImportProblem(f"no category of this site among {given or 'its fields'}: "
                            f"give one with --category ({', '.join(sorted(keys))})")
    title = _text(fields.get("title"))
    if not title:
        raise ImportProblem("it has no title")
    date = _moment(fields.get("date"), "date", notes) or (name_match.group(1) if name_match else None)
    if date is None:
        date = now.astimezone(config.zone).replace(microsecond=0).isoformat()
        notes.append("no date: today's date was used; set the original publication date")
    slug_source = (_text(fields.get("slug")) or (_last_segment(fields["permalink"]) if fields.get("permalink") else None)
                   or (name_match.group(2) if name_match else path.stem))
    slug = ascii_slug(slug_source) or ascii_slug(title)
    if not is_valid_slug(slug):
        raise ImportProblem(f"cannot make a URL name from '{slug_source}' or the title")
    article_author = _text(fields.get("author")) or _text(fields.get("authors")) or author
    if article_author is None:
        article_author = "moderator"
        notes.append("no author: 'moderator' was used; pass --author or edit it")
    out = {"title": title, "date": date, "author": article_author, "category": chosen}
    tags = _list(fields.get("tags"), fields.get("keywords"))
    out["tags"] = tags
    if summary := _text(fields.get("summary")) or _text(fields.get("description")) or _text(fields.get("excerpt")):
        out["summary"] = summary
    aliases = [_last_segment(a) for a in _list(fields.get("aliases"), fields.get("redirect_from"))]
    if aliases := [a for a in dict.fromkeys(aliases) if a and a != slug]:
        out["aliases"] = aliases
    if str(fields.get("draft", "")).lower() == "true" or str(fields.get("published", "")).lower() == "false":
        out["draft"] = "true"
    if lang := _text(fields.get("lang")) or _text(fields.get("language")):
        out["lang"] = lang
    if updated := next((_moment(fields[n], n, notes) for n in ("updated", "lastmod", "last_modified_at")
                        if fields.get(n)), None):
        out["updated"] = updated
    for target, names in (("source", ("source", "canonical_url", "original_url")), ("image", ("image", "cover"))):
        value = next((_text(fields[n]) for n in names if _text(fields.get(n))), None)
        if value and value.startswith(("http://", "https://")):
            out[target] = value
        elif value:
            notes.append(f"{target} '{value}' is not a full web address and was left out")
    if "source" not in out and (rooted := _ROOTED_LINK.findall(body)):
        notes.append(f"{len(rooted)} link(s) or image(s) start with '/' (e.g. '{rooted[0]}'): they pointed into the "
                     "original site; add source: with the original's address, or fix them")
    unmapped = sorted(k for k in fields if k not in _FIELDS_USED)
    if unmapped:
        notes.append(f"not carried over: {', '.join(unmapped)}")
    text = _render_front_matter(out) + "\n" + body
    as_written = f"{chosen}/{slug}.md"  # the file name the slug comes from
    meta, _, problems = FrontMatterReader(config).read(split(text, as_written), as_written)
    if meta is None:
        raise ImportProblem("the article would not be valid: " + "; ".join(
            p.message for p in problems if p.severity == "error"))
    return Imported(path, chosen, slug, text, tuple(notes))


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _moment(value, name: str, notes: list[str]) -> str | None:
    """A date as ISO 8601 text, from the forms generators write (Jekyll: '2016-12-01 14:55:03 -0700')."""
    text = _text(value)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).isoformat()
        except ValueError:
            continue
    notes.append(f"{name} '{text}' is not a date skillsite understands and was left out")
    return None


def _render_front_matter(fields: dict) -> str:
    """Front matter with every text value quoted as a JSON string (valid YAML)."""
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(json.dumps(v, ensure_ascii=False) for v in value)}]")
        elif key == "draft":
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n---\n"


def write_imported(article: Imported, config: SiteConfig) -> Path:
    """Write the article under content/<category>/<slug>.md; never overwrites."""
    target = config.content_dir / article.category / f"{article.slug}.md"
    if target.exists():
        raise ImportProblem(f"{config.shown_path(target)} already exists; nothing was written for this file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as file:
        file.write(article.text)
    return target
