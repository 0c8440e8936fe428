"""The pipeline: site.yaml and content/ in, the output folder out. Read it top to bottom.

Each stage is a query of the query layer (query.py; the queries are in queries/): the layer
makes what an edit touched and keeps the rest, so ``build`` reads as if it made everything.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from .digests import digest
from .inputs import CLOCK, INPUT_QUERIES, OPTIONS, InputProblem, Reader
from .lock import LOCK_FILE, build_lock
from .model import BuildFailed, Diagnostic, KeptFile, OutputFile
from .published import published_contract
from .parallel import default_jobs
from .queries import content, contract, outputs, pages, search, site, standalone, theme
from .queries.content import ARTICLE_FILES, ARTICLE, BODY, CARD, CONFIG, DOCUMENT, PLACEMENT, Options
from .queries.contract import PUBLISHED, ContractSite
from .outputs.redirects import REDIRECT_MAP as REDIRECT_MAP_FILE
from .queries.images import VERSION_FILE, VERSIONS
from .queries.outputs import (ARTICLE_IMAGES, ARTICLE_PROBLEMS, CHANNELS, FEED, FEED_ITEM, IMAGE_FILE, IMAGES, IS_PUBLISHED,
                              PROBLEMS, REDIRECT_MAP, ROBOTS, ROBOTS_FILE, SITEMAP, SITEMAP_FILE,
                              STATIC_FILE, feed_paths)
from .queries.pages import PAGE, PAGE_LIST
from .queries.site import LISTING, PLACE, PUBLICATION, STRUCTURE, TAXONOMIES
from .queries.theme import STATIC
from .query import Database
from .outputs.pages import split_name
from .queries.search import index_shards, search_files, search_warnings as index_warnings
from .site import HeldBack, held_back
from .store import CACHE_DIR, MemoryStore, SqliteStore
from .writer import output_marker, refuse_dangerous_output, restore_parked_output, unchanged_on_disk, write_site

QUERIES = (*INPUT_QUERIES, *content.QUERIES, *standalone.QUERIES, *site.QUERIES, *theme.QUERIES, *pages.QUERIES,
           *outputs.QUERIES, *contract.QUERIES, *search.QUERIES)
"""Every query of a build."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What the command line can change about a build."""

    drafts: bool = False
    """Publish drafts too."""
    future: bool = False
    """Publish articles dated in the future too."""
    expired: bool = False
    """Publish expired articles too."""
    base_url: str | None = None
    """Replace site.yaml's base_url."""
    output: Path | None = None
    """Replace site.yaml's output folder."""
    now: datetime | None = None
    """The moment that decides what is published (default: the current time)."""
    strict: bool = False
    """Fail on warnings too (a broken feed contract among them), writing nothing."""
    jobs: int | None = None
    """Processes to render with (default: one per core)."""
    against: str | None = None
    """The site as published, for the feed contract: a URL or a folder (see published.py)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a successful build did."""

    output_dir: Path
    """Where the site was written."""
    articles: int
    """Articles published."""
    pages: int
    """HTML pages written."""
    feeds: int
    """Feeds written."""
    files: int
    """All files written."""
    seconds: float
    """Wall time of the build."""
    held_back: tuple[HeldBack, ...]
    """What was held back (scheduled, expired, drafts)."""
    warnings: tuple[Diagnostic, ...] = field(default=())
    """Problems that were repaired."""
    made: tuple[str, ...] = field(default=())
    """The queries this build made (``kind:argument``), in order: what the edits since the
    last build touched (see query.py)."""


def open_database(site_dir: Path, options: BuildOptions, store=None) -> Database:
    """The database of this site and these options: kept in ``.skillsite-cache/`` (one
    store per output folder and options), or in ``store``."""
    if store is None:
        name = digest(repr((options.output and str(options.output), options.drafts, options.future,
                            options.expired, options.base_url)))[:16]
        store = SqliteStore.open(site_dir, f"build-{name}") if site_dir.is_dir() else MemoryStore()
    return Database(QUERIES, store, Reader(site_dir, store.files), jobs=options.jobs or default_jobs())


def begin(db: Database, options: BuildOptions, now: datetime, changed=None) -> None:
    """A session of ``db`` at ``now``: inputs read again (all, or those ``changed``)."""
    settings = Options(options.drafts, options.future, options.expired, options.base_url,
                       None if options.output is None else str(options.output))
    db.begin({CLOCK: now.isoformat(), OPTIONS: settings}, changed)


def build(site_dir: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Build the site in ``site_dir``. Raises BuildFailed and writes nothing on any error,
    another build of the site running among them."""
    started = time.perf_counter()
    now = options.now or datetime.now(timezone.utc)
    with build_lock(site_dir / CACHE_DIR, f"{CACHE_DIR}/{LOCK_FILE}"), fewer_collections():
        db = open_database(site_dir, options)
        try:
            # the inputs read again; what changed since the last build spreads to what it touches
            begin(db, options, now)
            # site.yaml, content/*.md, the bodies: every problem of every file
            config, problems = read_site(db)
            restore_parked_output(config.output_dir)  # a swap by two renames killed halfway: the last good site first
            errors = [d for d in problems.found if d.severity == "error"]
            if errors:
                raise BuildFailed(problems.found)
            refuse_dangerous_output(config.output_dir, config.site_dir, config.content_dir)
            # the feed contract: the published site's feed items keep their ids, and moved articles redirect
            warnings = (*problems.found, *problems.dead_links,
                        *published_contract(config, db.get(TAXONOMIES), ContractSite(db), options.against))
            if options.strict and warnings:
                raise BuildFailed([replace(warning, severity="error") for warning in warnings])
            # pages kept or made (in parallel), feeds, sitemap, static files; staging folder, search index, swap
            written, search_warnings = write(db, config)
            if any(key.startswith(AGGREGATES) for key in db.log):  # articles, pages or files came or went
                forget_gone(db)
            feeds = sum(len(feed_paths(channel)) for channel in db.get(CHANNELS))
            result = BuildResult(config.output_dir, len(db.get(STRUCTURE).order), len(db.get(PAGE_LIST)), feeds,
                                 len(written), 0.0, held_back(db.get(PUBLICATION)), (*warnings, *search_warnings),
                                 tuple(db.log))
        finally:
            try:
                db.end()  # what was read and made stays valid, a failed build's too (unless a computation raised)
            finally:
                db.store.close()  # now, not when collected: a connection left open holds the file's locks
    return replace(result, seconds=time.perf_counter() - started)


def read_site(db: Database, pages: bool = True):
    """The stages every command runs: (the configuration, every problem found). With
    ``pages``, what pages show of each article is made too, here, once, rather than in
    each page worker."""
    # site.yaml -> SiteConfig (errors exit 2)
    config = db.get(CONFIG)
    # content/*.md -> front matter, every file's problems collected (in parallel)
    db.prefetch(DOCUMENT, db.get(ARTICLE_FILES).articles)
    # what is published now; Markdown -> sanitised HTML (in parallel)
    published = db.get(PUBLICATION).published
    db.prefetch(BODY, published)
    if pages:
        db.prefetch(ARTICLE, published)
        db.prefetch(CARD, published)
        db.prefetch(PLACE, db.get(STRUCTURE).order)
        db.prefetch(LISTING, listings(db.get(PAGE_LIST)))
    # every problem: front matter, bodies, links, names that collide
    return config, db.get(PROBLEMS)


def load_documents(config) -> tuple[list, list[Diagnostic]]:
    """Every article of a site read, with its body (for tools and tests): the documents
    without errors, and every problem found reading them."""
    from .documents import MAX_ARTICLE_BYTES, with_body
    from .queries.site import SITE_PROBLEMS
    options = BuildOptions()
    db = open_database(config.site_dir, options, MemoryStore())
    begin(db, options, datetime.now(timezone.utc))
    files = db.get(ARTICLE_FILES)
    documents, problems = [], list(files.problems)
    for name in files.articles:
        read = db.get(DOCUMENT, name)
        problems += read.problems
        if read.document is not None:
            documents.append(with_body(read.document, db.reader.read(name, MAX_ARTICLE_BYTES)))
    return documents, problems + list(db.get(SITE_PROBLEMS))


AGGREGATES = ("article-files:", "publication:", "page-list:", "channels:", "static:", "images:")
"""The queries whose values list the articles, pages and files of the site."""


def forget_gone(db: Database) -> None:
    """Forget the memos of articles, pages and files the site no longer has."""
    articles, published = db.get(ARTICLE_FILES).articles, db.get(PUBLICATION).published
    names = db.get(PAGE_LIST)
    for query, args in ((DOCUMENT, articles), (PLACEMENT, articles), (ARTICLE_PROBLEMS, articles),
                        (IS_PUBLISHED, articles), (BODY, published), (ARTICLE, published), (CARD, published),
                        (ARTICLE_IMAGES, published), (FEED_ITEM, published), (IMAGE_FILE, db.get(IMAGES)), (VERSION_FILE, db.get(VERSIONS)),
                        (PUBLISHED, published), (PLACE, db.get(STRUCTURE).order), (PAGE, names),
                        (LISTING, listings(names)), (STATIC_FILE, db.get(STATIC).files),
                        (FEED, [path for channel in db.get(CHANNELS) for path in feed_paths(channel)])):
        db.retain(query, args)


def listings(names) -> list[str]:
    """The site paths of the listing pages among the pages named."""
    return [split_name(name)[1].removesuffix("index.html") for name in names
            if split_name(name)[0] in ("index.html", "listing.html")]


def write(db: Database, config) -> tuple[dict, tuple[Diagnostic, ...]]:
    """Write the site's files into the output folder: those the output holds already are
    kept; nothing at all is written when the output holds every one. Returns what the
    output holds and the search index's warnings."""
    store = db.store
    manifest = store.record("manifest") or {}
    output = config.output_dir
    live = output.is_dir()

    reader = Reader(output)

    def known(path: str, file_digest: str) -> bool:
        """The output holds this very file: as written (its status says so), or with the
        same bytes (an output carried to a new checkout, by a CI cache, has new times)."""
        entry = manifest.get(path) if live else None
        if entry is None or entry.get("digest") != file_digest:
            return False
        if unchanged_on_disk(f"{output}/{path}", entry):
            return True
        try:
            return digest(reader.read(path)) == file_digest
        except InputProblem:
            return False

    files = output_files(db, known)
    kept: list[KeptFile] = []
    for file in files:
        if isinstance(file, KeptFile):
            kept.append(file)
            continue
        files = _chain(kept, file, files)
        break
    else:
        paths = {file.path for file in kept}  # each found as written (see ``known``)
        if paths == set(manifest) and live and all(unchanged_on_disk(output / path, entry)
                                                   for path, entry in manifest.items() if path not in paths):
            return manifest, index_warnings(db)
        files = iter(kept)
    folders = store.record("folders") or {}
    written, new_folders = write_site(files, output, manifest, folders.get("standby"))
    store.save_record("manifest", written)
    store.save_record("folders", {"live": new_folders, "standby": folders.get("live")})  # they were swapped
    return written, index_warnings(db)


def _chain(kept, file, rest):
    yield from kept
    yield file
    yield from rest


def output_files(db: Database, known) -> Iterator[OutputFile | KeptFile]:
    """Every file of the site, in the order written: pages, feeds, sitemap and robots.txt,
    static files, the search index, the output marker. A file the output holds already
    (``known(path, digest)``) comes as a KeptFile, never made again."""
    names = db.get(PAGE_LIST)
    index_shards(db)  # first: the article pages a shard renders are then written as it made them
    yield from _files(db, PAGE, names, known, lambda name: split_name(name)[::-1])
    feeds = [path for channel in db.get(CHANNELS) for path in feed_paths(channel)]
    yield from _files(db, FEED, feeds, known, lambda path: (path, _feed_origin(path)))
    yield from _files(db, SITEMAP, [""], known, lambda _: (SITEMAP_FILE, "sitemap"))
    yield from _files(db, ROBOTS, [""], known, lambda _: (ROBOTS_FILE, "robots.txt"))
    images = db.get(IMAGES)
    yield from _files(db, IMAGE_FILE, list(images), known, lambda path: (path, f"image {images[path]}"))
    yield from _files(db, VERSION_FILE, list(db.get(VERSIONS)), known, lambda path: (path, "a smaller version of an image"))
    static = db.get(STATIC).files
    if db.get(STRUCTURE).redirects or REDIRECT_MAP_FILE in static:
        yield from _files(db, REDIRECT_MAP, [""], known, lambda _: (REDIRECT_MAP_FILE, "the redirect map of aliases"))
    yield from _files(db, STATIC_FILE, [path for path in static if path != REDIRECT_MAP_FILE], known,
                      lambda path: (path, f"static file {db.reader.path(static[path])}"))
    yield from search_files(db, known)
    marker = output_marker()
    marker_digest = digest(marker.content)
    yield KeptFile(marker.path, "", marker.origin) if known(marker.path, marker_digest) else marker


def _files(db: Database, query, args, known, where) -> Iterator[OutputFile | KeptFile]:
    paths = {arg: where(arg) for arg in args}
    for arg, value in db.stream(query, args, known=lambda arg, file_digest: known(paths[arg][0], file_digest)):
        path, origin = paths[arg]
        if value is None:
            yield KeptFile(path, db.digest(query, arg), origin)
        elif isinstance(value, Diagnostic):
            raise BuildFailed([value])
        else:
            yield OutputFile(path, value, origin)


def _feed_origin(path: str) -> str:
    from .outputs.feeds import FEED_FORMATS
    return next(kind.origin for kind in FEED_FORMATS if path.endswith(kind.name))


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The garbage collector runs rarely while a site is built: the site model is tens of
    thousands of long-lived objects, and each full collection walks them all. Cycles are
    still collected."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)

