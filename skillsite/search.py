"""The search index, in shards: which article goes into which, and what each shard publishes.

Pagefind has no incremental mode: an index is made from all its pages at once. So the
articles are split into shards, each a Pagefind index of its own (``pagefind/<shard>/``),
and the search page merges them in the browser (Pagefind's ``mergeIndex``). An edit
re-indexes the one shard that holds the article (queries/search.py makes each shard a
memo of the query layer).

- **Stable.** An article's shard is a function of its language and of its feed id, which
  never changes (not its title, its file or its URL): it moves only when the number of
  shards of its language changes, and the number is a power of two, so that then each
  shard splits in two (or two merge) and no other article moves.
- **One language per shard.** Pagefind segments and stems words by the index's language:
  Chinese and Japanese text has no spaces, and is cut into words only in an index of that
  language. Each shard is indexed as the language of its articles (whatever the page's
  ``<html lang>``, the site's), and the search page merges it as that language, which
  also cuts the reader's query into words the same way.
- **Cheap for readers.** Each shard the search page merges costs a reader its metadata
  (a list of its pages and of the chunks of its word index) and, per query word, one
  chunk. Smaller chunks (``CHUNK_POSITIONS`` / shards) keep the bytes per word what one
  index would cost; the chunk lists then add up to about 0.45 bytes per article per
  extra shard (measured: see the README), so the number of shards is kept within
  ``READER_BUDGET_ARTICLES``: about 45 KB extra on a reader's first query, whatever the
  size of the site. Big sites get fewer, bigger shards; a small site gets one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .pagefind_format import ENTRY

BUNDLE = "pagefind"
"""The folder of the output that holds the search index and Pagefind's script (``/pagefind/``)."""
SHARD_LIST = f"{BUNDLE}/shards.json"
"""The shards the search page merges, the first one to load first."""
SCRIPT = f"{BUNDLE}/pagefind.js"
"""Pagefind's search script, shared by the shards."""
MAX_SHARDS = 16
"""Per language: more shards mean more requests per query word."""
MIN_SHARD_ARTICLES = 50
"""A shard smaller than this re-indexes faster than the reader pays for it."""
READER_BUDGET_ARTICLES = 100_000
"""Shards beyond the first cost a reader about 0.45 bytes per article each (the chunk lists
of their metadata): (shards - 1) x articles stays under this, about 45 KB."""
CHUNK_POSITIONS = 20_000
"""Pagefind's own chunk size (word positions per chunk of the word index)."""
INDEXED_CHARACTERS = 160_000
"""How much of a page's text Pagefind is given: its first and last 80,000 characters (a
page ten times the size of a long article's). Pagefind's time grows with a page's text and
its distinct words (a 4 MB article of 600,000 different words took it 16 s of CPU), and a
4 MB article is built in a few seconds (bounds.py)."""
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)


@dataclass(frozen=True, slots=True)
class Member:
    """What decides an article's shard, and what the shard indexes of it."""

    identity: str
    """Its feed id: it never changes."""
    language: str
    """Its language's primary subtag, lowercase (``zh`` for zh-Hans)."""
    page: str
    """Its page's name (``article.html articles/<slug>/index.html``)."""
    url: str
    """Its page's site path, as search results link to it (``/articles/<slug>/``)."""


@dataclass(frozen=True, slots=True)
class Shard:
    """One Pagefind index: its folder, language and pages."""

    id: str
    """Its folder under ``pagefind/``: language and number (``en-3``)."""
    language: str
    """The language Pagefind indexes it as."""
    pages: tuple[tuple[str, str], ...]
    """(page name, URL) of its articles, in the order Pagefind numbers them."""
    chunk: int
    """Word positions per chunk of its word index."""
    primary: bool
    """The shard the search page loads first: it also holds Pagefind's worker and WebAssembly."""


@dataclass(frozen=True, slots=True)
class ShardIndex:
    """A shard's files as published (path in the output, bytes), or why it has none."""

    files: tuple[tuple[str, bytes], ...]
    problem: str = ""


def language_of(lang: str | None, site_language: str) -> str:
    """The language an article is indexed as: its primary subtag (``zh-Hans`` -> ``zh``)."""
    return (lang or site_language).split("-")[0].lower()


def shard_counts(counts: Mapping[str, int], forced: int | None = None) -> dict[str, int]:
    """How many shards each language's articles are split into (a power of two), from how
    many articles each language has; ``forced``: that many for every language (1: one index)."""
    total = sum(counts.values())
    allowed = min(MAX_SHARDS, 1 + READER_BUDGET_ARTICLES // max(1, total))
    result = {}
    for language, count in counts.items():
        wanted = forced or max(1, min(allowed, count // MIN_SHARD_ARTICLES))
        result[language] = 1 << (wanted.bit_length() - 1)  # the power of two at or below
    return result


def plan(members: Iterable[Member], site_language: str, forced: int | None = None) -> tuple[Shard, ...]:
    """Every non-empty shard, the primary first (the first of the site's language): each
    article in shard ``hash(identity) mod count`` of its language, pages in hash order."""
    by_language: dict[str, list[tuple[str, Member]]] = {}
    for member in members:
        by_language.setdefault(member.language, []).append(
            (hashlib.sha256(member.identity.encode("utf-8")).hexdigest(), member))
    counts = shard_counts({language: len(found) for language, found in by_language.items()}, forced)
    shards = []
    for language in sorted(by_language):
        count = counts[language]
        buckets: dict[int, list[tuple[str, Member]]] = {}
        for hashed, member in sorted(by_language[language], key=lambda item: (item[0], item[1].identity)):
            buckets.setdefault(int(hashed[:8], 16) % count, []).append((hashed, member))
        for number in sorted(buckets):
            pages = tuple((member.page, member.url) for _, member in buckets[number])
            shards.append((language, number, pages, CHUNK_POSITIONS // count))
    own = language_of(site_language, site_language)
    first = next((i for i, (language, *_) in enumerate(shards) if language == own), 0)
    ordered = [shards[first], *shards[:first], *shards[first + 1:]] if shards else []
    return tuple(Shard(f"{language}-{number}", language, pages, chunk, i == 0)
                 for i, (language, number, pages, chunk) in enumerate(ordered))


def shard_files(shard: Shard, files: Mapping[str, bytes]) -> tuple[tuple[str, bytes], ...]:
    """What a shard publishes of Pagefind's files: its index (entry, metadata, word chunks,
    fragments, filters) under ``pagefind/<shard>/``; the primary also Pagefind's worker and
    the WebAssembly of its language, which the search page loads from the first shard."""
    entry = json.loads(files[ENTRY])
    keep = {ENTRY, *(f"pagefind.{details['hash']}.pf_meta" for details in entry["languages"].values())}
    if shard.primary:
        keep.add("pagefind-worker.js")
        keep.update(f"wasm.{details.get('wasm') or 'unknown'}.pagefind" for details in entry["languages"].values())
    chosen = [path for path in files if path in keep or path.split("/")[0] in ("index", "fragment", "filter")]
    return tuple((f"{BUNDLE}/{shard.id}/{path}", files[path]) for path in sorted(chosen))


def indexed_page(html: str) -> str:
    """What Pagefind indexes of a page: all of it, or, for a page longer than
    INDEXED_CHARACTERS, every tag (so its marks, metadata and filters) and the text of its
    first and last halves of that length: the text in between is left out."""
    if len(html) <= INDEXED_CHARACTERS:
        return html
    head_end = _outside_tag(html, INDEXED_CHARACTERS // 2)
    tail_start = _outside_tag(html, len(html) - INDEXED_CHARACTERS // 2)
    return html[:head_end] + "".join(_TAG_OR_COMMENT.findall(html, head_end, tail_start)) + html[tail_start:]


def _outside_tag(html: str, at: int) -> int:
    """``at``, or the start of the tag ``at`` falls in."""
    start = html.rfind("<", 0, at)
    return start if start > html.rfind(">", 0, at) else at


def shard_list(shards: Iterable[Shard]) -> bytes:
    """``pagefind/shards.json``: each shard's folder (relative to ``pagefind/``) and language."""
    listed = [{"path": f"{shard.id}/", "language": shard.language} for shard in shards]
    return json.dumps({"shards": listed}, separators=(",", ":")).encode("utf-8") + b"\n"
