"""Queries for the search index: each shard (search.py) a memo of its own, made from the
pages of its articles, so an edit re-indexes the one shard that holds the article.

Strata: 0 the Pagefind binary (an input: another version makes every shard again); 24-26
which shard each article is in; TOP for Pagefind's script and the list of shards; TOP + 1
a shard's files (asks the pages, which are TOP); TOP + 2 what those files are, by digest,
which a build reads to keep the files the output holds without reading the shard's bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..digests import digest
from ..model import BuildFailed, Diagnostic, KeptFile, OutputFile
from ..outputs.pages import page_name
from ..pagefind import INSTALL_HINT, PagefindFailed, binary_identity, index_pages
from ..pagefind_format import FormatChanged, settle
from ..query import TOP, Query
from ..search import (BUNDLE, SCRIPT, SHARD_LIST, Member, Shard, ShardIndex, indexed_page, language_of, plan,
                      shard_files, shard_list)
from ..site import feed_guid
from ..urls import article_path
from .content import CONFIG, DOCUMENT, PLACEMENT, RULES
from .pages import PAGE
from .site import STRUCTURE
from .theme import STATIC

_MISSING = "missing: "
ORIGIN = "the search index"


def _pagefind(ask, _: str) -> str:
    return binary_identity()


PAGEFIND = Query("pagefind", 0, _pagefind)
"""The Pagefind binary: its path, size and modification time, or why there is none."""


def _member(ask, name: str) -> Member | None:
    placement, read = ask.get(PLACEMENT, name), ask.get(DOCUMENT, name)
    if placement is None or read.document is None:
        return None
    return Member(feed_guid(ask.get(RULES).id_authority, placement),
                  language_of(read.document.meta.lang, ask.get(CONFIG).language),
                  page_name("article.html", article_path(placement.slug)), "/" + article_path(placement.slug))


SEARCH_MEMBER = Query("search-member", 24, _member, Member | None)
"""What decides an article's shard (its feed id and language), by file."""


def _plan(ask, _: str) -> tuple[Shard, ...]:
    structure = ask.get(STRUCTURE)
    config = ask.get(CONFIG)
    members = (ask.get(SEARCH_MEMBER, structure.places[slug].source_path) for slug in structure.order)
    return plan([member for member in members if member is not None], config.language, config.search_shards)


SEARCH_PLAN = Query("search-plan", 25, _plan, tuple[Shard, ...])
"""Every shard of the index, the one the search page loads first first."""


def _shard(ask, shard_id: str) -> Shard | None:
    return next((shard for shard in ask.get(SEARCH_PLAN) if shard.id == shard_id), None)


SHARD = Query("search-shard", 26, _shard, Shard | None)
"""One shard of the plan (a cutoff: an article added to one shard leaves the others alone)."""


def _script(ask, _: str) -> bytes:
    if ask.get(PAGEFIND).startswith(_MISSING):
        return b""
    try:
        return index_pages([])["pagefind.js"]
    except (PagefindFailed, KeyError):
        return b""


SEARCH_SCRIPT = Query("search-script", TOP, _script)
"""Pagefind's search script (``pagefind/pagefind.js``), as the binary ships it."""


def _shard_list(ask, _: str) -> bytes:
    return shard_list(ask.get(SEARCH_PLAN))


SEARCH_LIST = Query("search-list", TOP, _shard_list)
"""``pagefind/shards.json``: the shards the search page merges."""


def _index(ask, shard_id: str) -> ShardIndex:
    shard = ask.get(SHARD, shard_id)
    binary = ask.get(PAGEFIND)
    if shard is None or binary.startswith(_MISSING):
        return ShardIndex((), binary if shard else "")
    pages = []
    for name, url in shard.pages:
        page = ask.get(PAGE, name)
        if not isinstance(page, bytes):  # a template's error: the build fails with it, so no other page is rendered
            return ShardIndex(())
        pages.append((url, indexed_page(page.decode("utf-8"))))
    try:
        return ShardIndex(shard_files(shard, settle(index_pages(pages, shard.language, shard.chunk))))
    except (PagefindFailed, FormatChanged) as failure:
        return ShardIndex((), str(failure))


SEARCH_INDEX = Query("search-index", TOP + 1, _index, ShardIndex, costly=256)
"""A shard's files: its pages indexed by Pagefind (worth hundreds of pages' work, so that a
few shards are made in worker processes too), or why it could not be made."""


def _listing(ask, shard_id: str) -> tuple[tuple[tuple[str, str], ...], str]:
    index = ask.get(SEARCH_INDEX, shard_id)
    return tuple((path, digest(content)) for path, content in index.files), index.problem


SEARCH_FILES = Query("search-files", TOP + 2, _listing, tuple[tuple[tuple[str, str], ...], str])
"""A shard's files by path and digest, and its problem: what the output must hold."""

QUERIES = (PAGEFIND, SEARCH_MEMBER, SEARCH_PLAN, SHARD, SEARCH_SCRIPT, SEARCH_LIST, SEARCH_INDEX, SEARCH_FILES)


def index_shards(db) -> list[str]:
    """Make current every shard of the index (those a change reached, in worker processes
    where there are several): the shards in the order written. Asked before the pages are
    written, so that the pages a shard renders are written from its memos, not rendered
    again."""
    if not db.get(CONFIG).search or db.get(PAGEFIND).startswith(_MISSING):
        return []
    structure = db.get(STRUCTURE)
    db.retain(SEARCH_MEMBER, [structure.places[slug].source_path for slug in structure.order])
    shards = shard_ids(db)
    for query in (SHARD, SEARCH_INDEX, SEARCH_FILES):
        db.retain(query, shards)
    db.prefetch(SEARCH_INDEX, shards)
    return shards


def shard_ids(db) -> list[str]:
    """The index's shards, in the order written."""
    return [shard.id for shard in db.get(SEARCH_PLAN)]


def search_files(db, known) -> Iterator[OutputFile | KeptFile]:
    """The search index's files, in the order written: Pagefind's script, the list of
    shards, each shard's files. The shards a change reached are indexed first, together
    (in worker processes where there are several); a shard whose files the output holds
    (``known(path, digest)``) comes as KeptFiles, its bytes never read."""
    config = db.get(CONFIG)
    if not config.search:
        return
    taken = sorted(path for path in db.get(STATIC).files if path.startswith(f"{BUNDLE}/"))
    if taken:
        raise BuildFailed([Diagnostic(f"static/{BUNDLE}", 0, f"'{BUNDLE}/' is where the search index goes, and the "
                                      "site has files there", f"move the site's own files out of static/{BUNDLE}/")])
    if db.get(PAGEFIND).startswith(_MISSING):
        return
    for query, path in ((SEARCH_SCRIPT, SCRIPT), (SEARCH_LIST, SHARD_LIST)):
        file_digest = db.digest(query)
        if known(path, file_digest):
            yield KeptFile(path, file_digest, ORIGIN)
        elif content := db.get(query):
            yield OutputFile(path, content, ORIGIN)
    for shard in shard_ids(db):  # made current by index_shards, before the pages
        listing, problem = db.get(SEARCH_FILES, shard)
        if problem:
            continue  # said by search_warnings
        if all(known(path, file_digest) for path, file_digest in listing):
            yield from (KeptFile(path, file_digest, ORIGIN) for path, file_digest in listing)
        else:
            yield from (OutputFile(path, content, ORIGIN) for path, content in db.get(SEARCH_INDEX, shard).files)


def search_warnings(db) -> tuple[Diagnostic, ...]:
    """What kept the search index from being built, once per cause; asked once the files
    are written (a shard that failed is then forgotten, to be tried again)."""
    if not db.get(CONFIG).search:
        return ()
    binary = db.get(PAGEFIND)
    if binary.startswith(_MISSING):
        return (_warning(f"the search index was not built: {binary.removeprefix(_MISSING)}",
                         f"{INSTALL_HINT}; the rest of the site was built and its search page says that search is "
                         "unavailable"),)
    warnings, failed = [], []
    for shard in db.get(SEARCH_PLAN):
        listing, problem = db.get(SEARCH_FILES, shard.id)
        if problem:
            failed.append(shard.id)
            warnings.append(_warning(f"the search index of {len(shard.pages)} article(s) in shard {shard.id} was not "
                                     f"built: {problem}", f"{INSTALL_HINT}; those articles are missing from search"))
    # a failure is not kept: the next build tries again (Pagefind may have been killed, or mended)
    db.forget([key for shard in failed for key in (SEARCH_INDEX.key(shard), SEARCH_FILES.key(shard))])
    return tuple(warnings)


def _warning(message: str, hint: str) -> Diagnostic:
    return Diagnostic(BUNDLE, 0, message, hint, "warning")
