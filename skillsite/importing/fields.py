"""Another generator's front matter -> skillsite's fields, with a note for everything guessed
or left behind.

Jekyll, Hugo and Docusaurus name the same things differently (``description``,
``keywords``, ``categories``, ``permalink``, ``redirect_from``, ``aliases``, ``lastmod``, a
date in the file name, a leaf bundle's folder...). Old addresses (``permalink``, ``url``,
``redirect_from``, ``aliases``) become ``aliases``, so each keeps answering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from ..config import SiteConfig
from ..schema import LANGUAGE_TAG
from ..urls import alias_path, alias_problem, article_path, ascii_slug, is_valid_slug, term_key
from .source import DOCUSAURUS, HUGO, JEKYLL, ImportProblem, Source, site_settings

DATED_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-(.+)")
_LANGUAGE_SUFFIX = re.compile(r"(.+)\.([a-z]{2}(?:-[a-z]{2,4})?)$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_USED = {
    "title", "date", "author", "authors", "category", "categories", "tags", "keywords", "summary", "description",
    "excerpt", "slug", "permalink", "url", "aliases", "redirect_from", "draft", "published", "lang", "language",
    "source", "canonical_url", "canonical", "original_url", "image", "cover", "featured_image", "thumbnail",
    "lastmod", "last_modified_at", "updated", "modified", "last_update", "expirydate", "expiryDate", "expires",
    "publishDate", "pubDate", "images", "id",
}


@dataclass(frozen=True, slots=True)
class Mapped:
    """A source's front matter as skillsite's."""

    fields: dict
    """The article's fields, in the order they are written."""
    category: str
    """Its category."""
    slug: str
    """Its slug."""
    coauthors: tuple[str, ...]
    """The authors after the first (skillsite's ``author`` is one name)."""
    image: str | None
    """A picture for sharing named by a path of the original site, to bring along."""
    notes: tuple[str, ...]
    """What was guessed or left behind."""


def map_fields(source: Source, title: str | None, config: SiteConfig, category: str | None, author: str | None,
               slug: str | None, publish: bool, now: datetime, extra: dict) -> Mapped:
    """The skillsite fields of ``source``; ``title``: the one its body gave, if its front
    matter has none; ``extra``: fields the body gave (Docusaurus's <head>). Raises ImportProblem."""
    fields, notes = {**extra, **source.fields}, list(source.notes)
    name = _file_name(source.path)
    out: dict = {}
    out["title"] = _text(fields.get("title")) or title or _title_from(name)
    if not (_text(fields.get("title")) or title):
        notes.append(f"no title: '{out['title']}' was made from the file name")
    dated = DATED_NAME.match(name)
    day = next((_moment(fields[n], n, notes) for n in ("date", "publishDate", "pubDate") if fields.get(n)), None)
    if day is None and dated:
        day = dated.group(1)
    if day is None:
        day = now.astimezone(config.zone).replace(microsecond=0).isoformat()
        notes.append("no date: today's was used; set the original publication date")
    out["date"] = day
    names = _authors(fields)
    if not names:
        names = [author or "moderator"]
        if author is None:
            notes.append("no author: 'moderator' was used; import with --author NAME or edit it")
    out["author"] = names[0]
    out["category"] = _category(source, fields, config, category, notes)
    language = _text(fields.get("lang")) or _text(fields.get("language"))
    translated = _LANGUAGE_SUFFIX.match(name) if source.dialect == HUGO else None  # Hugo's post.fr.md
    if translated:
        name, language = translated.group(1), language or translated.group(2)
    if source.dialect == DOCUSAURUS and _text(fields.get("id")) and not fields.get("slug"):
        name = _text(fields.get("id"))  # a doc's address is its id's
    chosen = _slug(slug, fields, name, dated, translated.group(2) if translated else None)
    if not is_valid_slug(chosen):
        raise ImportProblem(f"no URL name can be made from '{name}'", "give one with --slug NAME")
    if tags := _tags(fields, notes):
        out["tags"] = tags
    if summary := (_text(fields.get("summary")) or _text(fields.get("description")) or _text(fields.get("excerpt"))):
        out["summary"] = summary
    jekyll_address = _jekyll_address(source, fields, dated, out["category"]) if source.dialect == JEKYLL else None
    if aliases := _aliases(source, fields, chosen, notes, jekyll_address):
        out["aliases"] = aliases
    if not publish or _text(fields.get("draft")) == "true" or _text(fields.get("published")) == "false":
        out["draft"] = True
    if language:
        if LANGUAGE_TAG.fullmatch(language):
            out["lang"] = language
        else:
            notes.append(f"lang '{language}' is not a language tag and was left out")
    updated = next((_moment(v, n, notes) for n, v in _updated(fields) if v), None)
    if updated and updated[:10] >= str(out["date"])[:10]:
        out["updated"] = updated
    elif updated:
        notes.append(f"its last update ({updated}) is before its date and was left out")
    if expires := next((_moment(fields[n], n, notes) for n in ("expiryDate", "expirydate", "expires") if fields.get(n)),
                       None):
        out["expires"] = expires
    image = _image(fields)
    for target, value in (("source", _first(fields, "source", "canonical_url", "canonical", "original_url")),
                          ("image", image)):
        if value and value.startswith(("http://", "https://")):
            out[target] = value
        elif value and target == "source":
            notes.append(f"source '{value}' is not a full web address and was left out")
    if unused := sorted(k for k in source.fields if k not in _USED):
        notes.append(f"not carried over: {', '.join(unused)}")
    local_image = image if image and not image.startswith(("http://", "https://")) else None
    return Mapped(out, out["category"], chosen, tuple(names[1:]), local_image, tuple(notes))


def _file_name(path: Path) -> str:
    """The name an article's file gives it: a leaf bundle (``index.md``) takes its folder's."""
    stem = path.stem
    base, dot, language = stem.partition(".")
    if base in ("index", "README", "readme") and path.parent.name:
        return path.parent.name + dot + language
    return stem


def _title_from(name: str) -> str:
    words = " ".join(DATED_NAME.sub(r"\2", name).replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else "Untitled"


def _text(value) -> str | None:
    """One line of text from a field's value (the first of a list, a mapping's name)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("title") or value.get("label")
    if isinstance(value, bool):
        value = str(value).lower()
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _first(fields: dict, *names: str) -> str | None:
    return next((_text(fields[n]) for n in names if _text(fields.get(n))), None)


def _items(value, split_words: bool = False) -> list[str]:
    """A field's values as a list of texts: a list, or a string of comma-separated values
    (or, as Jekyll reads ``categories: jobs advice``, words)."""
    if isinstance(value, str):
        value = value.split(",") if "," in value or not split_words else value.split()
    if isinstance(value, dict):
        value = [value]
    found = []
    for item in value or []:
        text = _text(item)
        if text and text not in found:
            found.append(text)
    return found


def _authors(fields: dict) -> list[str]:
    names = _items(fields.get("author")) + _items(fields.get("authors"))
    return list(dict.fromkeys(names))


def _category(source: Source, fields: dict, config: SiteConfig, fallback: str | None, notes: list[str]) -> str:
    """The first of the file's categories that is one of the site's (by key or title, in
    any case); else ``--category``. Jekyll also takes categories from the folders above ``_posts``."""
    given = _items(fields.get("category")) + _items(fields.get("categories"), split_words=source.dialect == JEKYLL)
    if source.dialect == JEKYLL and "_posts" in source.path.parts and source.site_root is not None:
        folders = source.path.parts[:source.path.parts.index("_posts")]  # between the site's root and _posts
        given += list(folders[len(source.site_root.parts):])
    by_name = {}
    for category in config.categories:
        for spelling in (category.key, category.title):
            by_name[spelling.casefold()] = category.key
            by_name[term_key(spelling)] = category.key
    for name in given:
        key = by_name.get(name.casefold()) or by_name.get(term_key(name))
        if key:
            return key
    if fallback:
        if given:
            notes.append(f"its categories ({', '.join(given)}) are not categories of this site: "
                         f"--category {fallback} was used")
        return fallback
    keys = ", ".join(c.key for c in config.categories)
    line = source.lines.get("categories") or source.lines.get("category") or 0
    if given:
        raise ImportProblem(f"none of its categories ({', '.join(given)}) is a category of this site",
                            f"import it with --category KEY, one of: {keys}", line)
    raise ImportProblem("it names no category", f"import it with --category KEY, one of: {keys}", line)


def _slug(given: str | None, fields: dict, name: str, dated: re.Match | None, language: str | None) -> str:
    if given:
        return given
    written = _text(fields.get("slug"))
    permalink = _text(fields.get("permalink"))
    if written and written.strip("/"):
        base = PurePosixPath(written.strip("/")).name
    elif permalink and ":" not in permalink and permalink.strip("/"):
        base = PurePosixPath(permalink.strip("/")).name.removesuffix(".html")
    else:
        base = dated.group(2) if dated else name
    slug = ascii_slug(base)
    return f"{slug}-{language.lower()}" if language and slug else slug


def _tags(fields: dict, notes: list[str]) -> list[str]:
    tags, dropped = [], []
    for tag in _items(fields.get("tags"), split_words=True) + _items(fields.get("keywords")):
        (tags if term_key(tag) else dropped).append(tag)
    if dropped:
        notes.append(f"tags without letters or digits were left out: {', '.join(dropped)}")
    return list(dict.fromkeys(tags))


def _aliases(source: Source, fields: dict, slug: str, notes: list[str], address: str | None) -> list[str]:
    """Every old address of the article, as aliases: Jekyll's redirect_from and permalink (or
    the address its site's permalink pattern gave it), Hugo's aliases (relative ones resolved
    against the page's folder) and url."""
    written = (_items(fields.get("redirect_from")) + _items(fields.get("aliases"))
               + (_items(fields.get("permalink")) or ([address] if address else [])) + _items(fields.get("url")))
    found: dict[str, str] = {}
    for old in written:
        path = urlsplit(old).path if "://" in old else old.split("?")[0].split("#")[0]
        if ":" in path:  # a permalink pattern (/:year/:title/), not an address
            continue
        if not path.startswith("/"):
            path = _section(source) + path if source.dialect == HUGO else "/" + path
        path = _resolved(path)
        problem = alias_problem(path) if path is not None else ("it climbs above the site's root", "")
        if problem is not None:
            why = problem[0].removeprefix(f"aliases: '{path}' ")
            notes.append(f"the old address '{old}' was left out: {why}")
            continue
        if alias_path(path) != article_path(slug):
            found.setdefault(alias_path(path), "/" + alias_path(path))  # as Hugo writes it: /posts/x -> /posts/x/
    return list(found.values())


_JEKYLL_STYLES = {"date": "/:categories/:year/:month/:day/:title:output_ext",
                  "pretty": "/:categories/:year/:month/:day/:title/", "ordinal": "/:categories/:year/:y_day/:title:output_ext",
                  "none": "/:categories/:title:output_ext"}


def _jekyll_address(source: Source, fields: dict, dated: re.Match | None, category: str) -> str | None:
    """The address a Jekyll post had, from its site's permalink pattern (``_config.yml``),
    when the post is in ``_posts`` and its site is known; None otherwise."""
    settings = site_settings(source.site_root)
    if not settings or "_posts" not in source.path.parts or not dated:
        return None
    collections = settings.get("collections") if isinstance(settings.get("collections"), dict) else {}
    posts = collections.get("posts") if isinstance(collections.get("posts"), dict) else {}
    pattern = _text(posts.get("permalink")) or _text(settings.get("permalink")) or "date"
    pattern = _JEKYLL_STYLES.get(pattern, pattern)
    year, month, day = dated.group(1).split("-")
    categories = [c for c in _items(fields.get("categories"), split_words=True) + _items(fields.get("category"))]
    parts = {"year": year, "month": month, "day": day, "i_month": str(int(month)), "i_day": str(int(day)),
             "short_year": year[2:], "title": ascii_slug(_text(fields.get("slug")) or dated.group(2)) or dated.group(2),
             "slug": ascii_slug(_text(fields.get("slug")) or dated.group(2)), "output_ext": ".html",
             "categories": "/".join(ascii_slug(c) for c in categories if ascii_slug(c)),
             "y_day": str(date(int(year), int(month), int(day)).timetuple().tm_yday).zfill(3)}
    if re.search(r":(?!(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")\b)\w", pattern):
        return None  # a placeholder this import does not know
    address = re.sub(":(" + "|".join(sorted(parts, key=len, reverse=True)) + ")", lambda m: parts[m.group(1)], pattern)
    return re.sub("/+", "/", address)


def _section(source: Source) -> str:
    """The folder of a Hugo page under content/, as a path ('/posts/'), for page-relative aliases."""
    folder = source.path.parent.parent if source.path.stem == "index" else source.path.parent
    parts = folder.parts
    if "content" not in parts:
        return "/"
    inside = parts[len(parts) - parts[::-1].index("content"):]
    return "/" + "".join(f"{part}/" for part in inside)


def _resolved(path: str) -> str | None:
    """``path`` with '.' and '..' folders resolved; None when it climbs above the root."""
    parts: list[str] = []
    for part in path.split("/")[1:]:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/" + "/".join(parts)


def _updated(fields: dict):
    for name in ("updated", "lastmod", "last_modified_at", "modified"):
        yield name, fields.get(name)
    update = fields.get("last_update")
    yield "last_update", update.get("date") if isinstance(update, dict) else None


def _image(fields: dict) -> str | None:
    cover = fields.get("cover")
    if isinstance(cover, dict):
        cover = cover.get("image")
    images = fields.get("images")
    return (_text(fields.get("image")) or _text(cover) or _text(fields.get("featured_image"))
            or _text(fields.get("thumbnail")) or (_text(images) if isinstance(images, list) else None)
            or _text(fields.get("og:image")))


def _moment(value, name: str, notes: list[str]) -> str | None:
    """A date as ISO 8601 text, from the forms generators write (TOML dates, Jekyll's
    '2016-12-01 14:55:03 -0700')."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat() if len(text) == 10 else datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).isoformat()
        except ValueError:
            continue
    notes.append(f"{name} '{text}' is not a date skillsite understands and was left out")
    return None
