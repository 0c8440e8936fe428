"""The whole import, worked out before anything is written: for each file, the article it
becomes (where, its text, the files copied beside it, what was converted, kept or left
out), or why it is refused.

Two steps. Each file alone: read, its template syntax converted, its fields mapped. Then
all together: where each goes (a category folder; a folder of its own when files come
with it), which URL names and old addresses are free, and links between the imported
articles pointed at their new files.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..config import SiteConfig
from ..frontmatter import FrontMatterReader, split
from ..inputs import Reader, is_debris
from ..markdown import make_markdown
from ..urls import alias_path, article_path, term_key
from .assets import AssetNames, find_asset
from .body import Body, Edit, Finding, tidied
from .callouts import convert_admonitions, convert_alerts
from .fields import Mapped, map_fields
from .forum import forum_source
from .links import ARTICLE_SUFFIXES, Addresses, assets_of, relink
from .liquid import convert_liquid
from .mdx import convert_mdx
from .shortcodes import convert_shortcodes
from .source import (DOCUSAURUS, FORUM, HUGO, JEKYLL, MARKDOWN, ImportProblem, Source, dialect_of, read_text,
                     site_of, split_front_matter)

_WALKED_FOLDERS = ("_posts", "_drafts")
"""Folders whose name starts with '_' that hold articles (others hold partials)."""
_NOT_ARTICLES = {"license", "licence", "copying", "readme", "changelog", "contributing", "code_of_conduct",
                 "security", "authors", "notice"}
"""A repository's own files, skipped in the folders named (a file named on its own is imported)."""
_FOLDERS_UP = 3
_FIELD_ORDER = ("title", "date", "author", "category", "slug", "tags", "summary", "aliases", "draft", "updated",
                "expires", "lang", "source", "image")
"""The order an imported article's fields are written in (the moderator's guide's)."""
_HEADING_FIRST = re.compile(r"\s*# \S")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the command line says about an import."""

    category: str | None = None
    """The category of files that name none of the site's."""
    author: str | None = None
    """The author of files that name none."""
    slug: str | None = None
    """The URL name of the one file imported."""
    publish: bool = False
    """Publish at once (else each arrives as a draft)."""
    overwrite: bool = False
    """Replace the article file this import writes, when it is there already."""
    assets: tuple[Path, ...] = ()
    """Folders of the original site where root-relative files are looked for."""


@dataclass(frozen=True, slots=True)
class Planned:
    """One file, imported."""

    shown: str
    """The source file, as named on the command line."""
    dialect: str
    """The generator it was written for."""
    target: Path
    """The article file it becomes."""
    text: str
    """That file's text."""
    copies: tuple[tuple[Path, Path], ...] = ()
    """Files brought along: (from, to)."""
    replaces: tuple[Path, ...] = ()
    """Article files replaced (--overwrite)."""
    findings: tuple[tuple[int, Finding], ...] = ()
    """What was converted, kept, left out or leads nowhere, with its line in ``target``."""
    notes: tuple[str, ...] = ()
    """What was guessed or left behind in the fields."""


@dataclass(frozen=True, slots=True)
class Refused:
    """One file that cannot be imported."""

    shown: str
    """The source file, as named on the command line."""
    line: int
    """The line of the source file to look at (0: the file as a whole)."""
    message: str
    """Why, in a moderator's words."""
    hint: str
    """What to do about it."""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Everything an import would do."""

    articles: tuple[Planned, ...]
    refused: tuple[Refused, ...]
    files: int
    """How many files were asked for."""
    skipped: tuple[str, ...] = ()
    """Files of the folders named that are no articles, left out."""


@dataclass(frozen=True, slots=True)
class _Draft:
    """One file after the first step: read, converted, its fields mapped."""

    index: int
    """Its place among the files asked for (what is said of it keeps that order)."""
    source: Source
    body: Body
    """The converted body, its findings with it."""
    mapped: Mapped
    assets: dict[str, Path] = field(default_factory=dict)
    """Address in the body -> the file of the original site it names, to copy beside the article."""


def source_files(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    """The files named, with the articles in the folders named, in order; and the files of
    those folders left out as no articles (partials such as ``_components/`` or Hugo's
    ``_index.md``, LICENSE and README files). Symlinks and editor debris are never read."""
    found, skipped = [], []
    for path in paths:
        if not path.is_dir():
            found.append((path, str(path)))
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not is_debris(d) and not os.path.islink(os.path.join(folder, d)))
            if any(part.startswith("_") and part not in _WALKED_FOLDERS for part in Path(folder).relative_to(path).parts):
                skipped += [str(Path(folder, n)) for n in sorted(files) if n.endswith(ARTICLE_SUFFIXES)]
                continue
            for name in sorted(files):
                file = Path(folder, name)
                if not name.endswith(ARTICLE_SUFFIXES) or is_debris(name) or file.is_symlink():
                    continue
                if name.startswith("_") or file.stem.split(".")[0].lower() in _NOT_ARTICLES:
                    skipped.append(str(file))
                else:
                    found.append((file, str(file)))
    return found, skipped


def plan_import(paths: Iterable[Path], config: SiteConfig, options: ImportOptions, now: datetime) -> ImportPlan:
    """What importing ``paths`` into the site would write (nothing is written)."""
    files, skipped = source_files(paths)
    refused: list[tuple[int, Refused]] = []

    def attempt(index: int, shown: str, make):
        """``make()``, or None with the file refused (by its place among the files) and why."""
        try:
            return make()
        except ImportProblem as problem:
            refused.append((index, Refused(shown, problem.line, problem.message, problem.hint)))
            return None

    read = [(i, s) for i, (path, shown) in enumerate(files) if (s := attempt(i, shown, lambda: _read(path, shown, config)))]
    drafts = [d for i, s in _with_folder_dialects(read)
              if (d := attempt(i, s.shown, lambda: _draft(i, s, config, options, now)))]
    existing, claims = _Existing.of(config), {}
    placed = [p for d in drafts if (p := attempt(d.index, d.source.shown, lambda: _place(d, config, options, existing,
                                                                                          claims)))]
    addresses = Addresses({d.source.path.resolve(): target for d, target, _ in placed},
                          frozenset(existing.claims) | frozenset(claims),
                          {path: target for d, target, _ in placed for path in _alias_paths(d.mapped)}, existing.static)
    articles = [a for d, target, replaces in placed
                if (a := attempt(d.index, d.source.shown, lambda: _render(d, target, replaces, config, addresses)))]
    return ImportPlan(tuple(articles), tuple(r for _, r in sorted(refused, key=lambda x: x[0])), len(files),
                      tuple(skipped))  # articles keep the order of their files


def _with_folder_dialects(sources: list[tuple[int, Source]]) -> list[tuple[int, Source]]:
    """A file that shows no sign of its generator is taken to be written for the one most
    files of its folder were (a Docusaurus doc without MDX is still a Docusaurus doc)."""
    by_folder: dict[Path, Counter] = {}
    for _, source in sources:
        if source.dialect not in (MARKDOWN, FORUM):
            for folder in list(source.path.parents)[:_FOLDERS_UP]:  # a leaf bundle's siblings are one up
                by_folder.setdefault(folder, Counter())[source.dialect] += 1
    inferred = []
    for index, source in sources:
        counts = next((by_folder[f] for f in list(source.path.parents)[:_FOLDERS_UP] if f in by_folder), None)
        if source.dialect == MARKDOWN and counts:
            source = replace(source, dialect=min(counts.items(), key=lambda item: (-item[1], item[0]))[0])
        inferred.append((index, source))
    return inferred


def _draft(index: int, source: Source, config: SiteConfig, options: ImportOptions, now: datetime) -> _Draft:
    """One file alone: converted, its fields mapped."""
    body, extra = _converted(source)
    title, body = (None, body) if source.fields.get("title") else _title_heading(body)
    mapped = map_fields(source, title, config, options.category, options.author, options.slug, options.publish, now,
                        extra)
    assets = assets_of(body.text, source, options.assets)
    if mapped.image and (image := find_asset(mapped.image, source, options.assets)) is not None:
        assets = {**assets, mapped.image: image}
    return _Draft(index, source, body, mapped, assets)


def _read(path: Path, shown: str, config: SiteConfig) -> Source:
    if path.name.startswith("_index."):
        raise ImportProblem("it is the list page of a Hugo section (_index.md), not an article",
                            "import the section's articles: skillsite makes the category pages itself")
    text = read_text(path, shown)
    parts = split_front_matter(text, shown)
    if parts is None:
        forum = forum_source(text, path, shown, config.timezone)
        if forum is not None:
            return forum
        if not _HEADING_FIRST.match(text):
            raise ImportProblem("it has no front matter, no '# Title' line to begin with, and is not a saved forum "
                                "post", "import Markdown files with front matter ('---' lines) or a first line "
                                "'# Title', or a forum topic saved as text (with its 'Started by NAME, DATE' line)", 1)
        parts = ({}, {}, text, 1, "")
    fields, lines, body, body_line, fence = parts
    site, root = site_of(path)
    return Source(path, shown, dialect_of(path, fields, body, fence, site), fields, lines, body, body_line, root)


def _converted(source: Source) -> tuple[Body, dict]:
    """The body with its generator's template syntax converted, and fields it gave."""
    body, extra = Body(source.body), {}
    if source.dialect == JEKYLL:
        body = convert_liquid(body, source)
    elif source.dialect == HUGO:
        body = convert_shortcodes(body, source)
    elif source.dialect == DOCUSAURUS:
        body, head = convert_mdx(body, source)
        body = convert_admonitions(body)
        extra = {k: v for k, v in (("og:image", head.image), ("description", head.description)) if v}
    return convert_alerts(body), extra


def _title_heading(body: Body) -> tuple[str | None, Body]:
    """The title a body's leading '# Heading' gives (Docusaurus and Jekyll take it), and the body without it."""
    tokens = make_markdown().parse(body.text)
    first = next((t for t in tokens if t.type not in ("html_block",)), None)
    if first is None or first.type != "heading_open" or first.tag != "h1" or not first.map:
        return None, body
    inline = tokens[tokens.index(first) + 1]
    title = " ".join("".join(c.content for c in inline.children or () if c.type in ("text", "code_inline")).split())
    starts = [0] + [i + 1 for i, c in enumerate(body.text) if c == "\n"]
    start, end = starts[first.map[0]], starts[first.map[1]] if first.map[1] < len(starts) else len(body.text)
    return (title or None), body.edited([Edit(start, end, "")])


@dataclass(frozen=True, slots=True)
class _Existing:
    """The site's articles before the import: who claims each address, and its static files."""

    claims: dict[str, Path]
    files: frozenset[Path]
    static: frozenset[str]
    spellings: dict[tuple[str, str], str]
    """How the site (and the articles imported before) write each tag and author, by URL
    name: a build refuses two spellings of one name, so an import writes the one there is."""

    @staticmethod
    def of(config: SiteConfig) -> _Existing:
        from ..build import load_documents  # here: importing never needs the build otherwise
        documents, _ = load_documents(config)
        claims: dict[str, Path] = {}
        spellings: dict[tuple[str, str], str] = {}
        for document in documents:
            file = config.site_dir / document.path
            for path in (article_path(document.meta.slug), *map(alias_path, document.meta.aliases)):
                claims.setdefault(path, file)
            for kind, names in (("tag", document.meta.tags), ("author", (document.meta.author,))):
                for name in names:
                    spellings.setdefault((kind, term_key(name)), name)
        static_dir = config.site_dir / "static"
        static = frozenset(p.relative_to(static_dir).as_posix() for p in static_dir.rglob("*") if p.is_file()) \
            if static_dir.is_dir() else frozenset()
        reader = Reader(config.site_dir)
        content = reader.name(config.content_dir)
        articles = (reader.path(f"{content}/{name}") for name in reader.listing(content).files if name.endswith(".md"))
        return _Existing(claims, frozenset(Path(path) for path in articles), static, spellings)


def _place(draft: _Draft, config: SiteConfig, options: ImportOptions, existing: _Existing,
           claims: dict[str, str]) -> tuple[_Draft, Path, tuple[Path, ...]]:
    """Where ``draft`` goes, what it replaces; its old addresses that another article already
    has are left out. Raises ImportProblem when its URL is taken."""
    mapped = draft.mapped
    folder = config.content_dir / mapped.category
    flat, bundled = folder / f"{mapped.slug}.md", folder / mapped.slug / "index.md"
    target = bundled if draft.assets else flat
    there = tuple(f for f in (flat, bundled) if f in existing.files)
    if there and not options.overwrite:
        raise ImportProblem(f"{_shown(there[0], config)} already exists",
                            "import it again with --overwrite to replace it, or with --slug NAME to import it "
                            "under another name")
    page = article_path(mapped.slug)
    owner = existing.claims.get(page)
    if owner is not None and owner not in there:
        raise ImportProblem(f"its URL /{page} is already taken by {_shown(owner, config)}",
                            "import it with --slug NAME to give it another URL name")
    if page in claims:
        raise ImportProblem(f"its URL /{page} is taken by {claims[page]}, imported before it",
                            "import it on its own with --slug NAME to give it another URL name")
    claims[page] = draft.source.shown
    kept, notes = [], list(mapped.notes)
    for alias in mapped.fields.get("aliases", ()):
        path = alias_path(alias)
        holder = existing.claims.get(path)
        other = claims.get(path) or (_shown(holder, config) if holder is not None and holder not in there else None)
        if other:
            notes.append(f"the old address '{alias}' was left out: {other} already answers there")
            continue
        claims[path] = draft.source.shown
        kept.append(alias)
    fields = {k: v for k, v in mapped.fields.items() if k != "aliases"}
    if kept:
        fields["aliases"] = kept
    for kind, name_field in (("tag", "tags"), ("author", "author")):
        written = fields.get(name_field)
        if written:
            names = [written] if isinstance(written, str) else list(written)
            same = [existing.spellings.setdefault((kind, term_key(name)), name) for name in names]
            for name, spelling in zip(names, same):
                if name != spelling:
                    notes.append(f"the {kind} '{name}' is written '{spelling}', as the site writes it")
            fields[name_field] = same[0] if isinstance(written, str) else list(dict.fromkeys(same))
    draft = replace(draft, mapped=replace(mapped, fields=fields, notes=tuple(notes)))
    return draft, target, there


def _alias_paths(mapped: Mapped) -> list[str]:
    return [alias_path(alias) for alias in mapped.fields.get("aliases", ())]


def _render(draft: _Draft, target: Path, replaces: tuple[Path, ...], config: SiteConfig,
            addresses: Addresses) -> Planned:
    """The article file's text, the files copied beside it, and every finding at its line."""
    mapped, source = draft.mapped, draft.source
    names = AssetNames()
    body = tidied(relink(draft.body, source, target, mapped.slug, addresses, draft.assets, names))
    fields, notes = dict(mapped.fields), list(mapped.notes)
    if mapped.image and mapped.image in draft.assets:
        fields["image"] = f"/{article_path(mapped.slug)}{names.name_for(draft.assets[mapped.image])}"
    elif mapped.image:
        notes.append(f"image '{mapped.image}' was not found among the original site's files and was left out")
    if target.name == "index.md":
        fields["slug"] = mapped.slug  # index.md cannot name it
    if mapped.coauthors:
        gap = "\n" if body.text.endswith("\n") else "\n\n"
        body = body.edited([Edit(len(body.text), len(body.text), f"{gap}*Co-authors: {', '.join(mapped.coauthors)}.*\n")])
        notes.append(f"co-authors {', '.join(mapped.coauthors)}: named in a closing line of the article and in a "
                     "comment under author: (an article shows one author today)")
    head = _front_matter(fields, mapped.coauthors)
    text = body.text.lstrip("\n")
    skipped = len(body.text) - len(text)
    full = f"{head}\n{text}"
    as_written = _shown(target, config)
    meta, _, problems = FrontMatterReader(config).read(split(full, as_written), as_written)
    if meta is None:
        raise ImportProblem("the article would not be valid: " + "; ".join(
            p.message for p in problems if p.severity == "error"), "report this: the import should not make it")
    first = head.count("\n") + 2
    breaks = [index for index, char in enumerate(text) if char == "\n"]
    findings = tuple((first + bisect.bisect_left(breaks, max(0, f.at - skipped)), f) for f in body.findings)
    copies = tuple((found, target.parent / name) for found, name in names.names.items())
    return Planned(source.shown, source.dialect, target, full, copies, replaces, findings, tuple(notes))


def _front_matter(fields: dict, coauthors: tuple[str, ...]) -> str:
    """Front matter with every text quoted as a JSON string (valid YAML, read back as written)."""
    lines = ["---"]
    for key, value in sorted(fields.items(), key=lambda item: _FIELD_ORDER.index(item[0])):
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(json.dumps(v, ensure_ascii=False) for v in value)}]")
        elif isinstance(value, bool):
            lines.append(f"{key}: {str(value).lower()}")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        if key == "author" and coauthors:
            names = ", ".join(json.dumps(n, ensure_ascii=False) for n in (value, *coauthors))
            lines.append(f"# authors: [{names}]")
    return "\n".join(lines) + "\n---\n"


def _shown(path: Path, config: SiteConfig) -> str:
    try:
        return path.relative_to(config.site_dir).as_posix()
    except ValueError:
        return path.as_posix()
