"""``skillsite serve``: a preview on 127.0.0.1 that rebuilds on every save and reloads the
browser.

The site is kept in memory and served from there: nothing is written, so the published
output folder is never touched. Front matter, rendered bodies and pages are kept between
rebuilds, so a save reads, renders and re-renders only what it changed. A build with
errors shows them in the browser instead of stopping; fixing them reloads the page.
"""

from __future__ import annotations

import gc
import html
import mimetypes
import os
import stat
import threading
from collections.abc import Callable, Sequence, Set
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles

from .build import BuildOptions, Rendering, fewer_collections, page_files, render_site
from .cache import BuildCache
from .config import CONFIG_NAME, load_config
from .loader import is_debris
from .model import BuildFailed, Diagnostic, KeptFile
from .outputs.pages import PageSpec
from .parallel import default_jobs
from .report import log_warnings
from .templates import builtin_themes_dir
from .writer import PathClaims

EVENTS_PATH = "/_skillsite/events"
# Reloads the page when the server reports a newer build than the one the page came from.
RELOAD_SCRIPT = (b'<script>(()=>{let seen=null;const events=new EventSource("' + EVENTS_PATH.encode() +
                 b'");events.onmessage=e=>{if(seen!==null&&e.data!==seen){location.reload()}seen=e.data}})()'
                 b"</script>")


class Preview:
    """The latest build of a site, kept in memory, and a way to wait for the next one."""

    def __init__(self, site_dir: Path, options: BuildOptions, log: Callable[[str], None] = print):
        self.site_dir = site_dir
        self.options = options
        self.log = log
        self.files: dict[str, bytes] = {}
        self.problems: tuple[Diagnostic, ...] = ()
        self.generation = 0
        self._keys: dict[str, str] = {}
        self._served: tuple[str, tuple[PageSpec, ...]] = ("", ())  # the templates and pages of ``files``
        self._other_paths: Set[str] = frozenset()  # the files of ``files`` that are not pages
        self._cache = BuildCache.in_memory()
        self._made: dict = {}  # feeds and the sitemap, by what they are made of
        self._last: Rendering | None = None  # what the next rebuild patches
        self._look_at_everything = True  # the next rebuild reads every file, whatever it is told changed
        self._changed = threading.Condition()

    def rebuild(self, changed: frozenset[str] | None = None) -> None:
        """Build again; on errors keep the last good pages and remember the problems.
        ``changed``: the only article files changed since the last build (None: any file
        may have changed)."""
        # Only the first build may fork workers: later ones run beside the server's request
        # threads. The watcher's thread is running already, but the forked workers run only
        # the build's own code and never touch its state.
        jobs = self.options.jobs if self.generation == 0 else 1
        changed = None if self._look_at_everything else changed
        if changed is None:
            gc.unfreeze()  # what earlier builds left may go now (see below)
        try:
            with fewer_collections():
                rendering = render_site(self.site_dir, replace(self.options, jobs=jobs), self._cache, self._made,
                                        previous=self._last.as_previous() if self._last else None,
                                        changed=changed, keep_pages=True)
                self._last, self._look_at_everything = rendering, False
                errors = tuple(d for d in rendering.diagnostics if d.severity == "error")
                log_warnings(rendering.diagnostics, self.log)
                files = None if errors else self._files(rendering, jobs or default_jobs())
        except BuildFailed as failed:
            errors, files = tuple(d for d in failed.diagnostics if d.severity == "error"), None
            self._look_at_everything = True  # what this build read is lost: the next one reads all again
        # A collection walks every object it tracks: at 10,000 articles, 0.2-0.3 s that would
        # fall inside a later save. A save leaves no cyclic garbage, so the objects a build
        # leaves are frozen out of collections; a rebuild that looks at every file unfreezes.
        gc.freeze()
        with self._changed:
            self.problems = errors
            if files is not None and not errors:
                self.files = files
            self.generation += 1
            self._changed.notify_all()
        for problem in errors:
            self.log(problem.format())
        self.log(f"build {self.generation}: " + (f"{len(errors)} error(s), shown in the browser" if errors
                                                 else f"{len(self.files)} files"))

    def _files(self, rendering: Rendering, jobs: int) -> dict[str, bytes]:
        """Every file of the site; pages whose key has not changed are taken from the last build."""
        others = {file.path: file.content for file in rendering.files}
        pages: Sequence[PageSpec] = rendering.pages
        served_templates, served = self._served
        same_pages = served_templates == rendering.templates and _same_paths(pages, served)
        if not (same_pages and others.keys() == self._other_paths):  # the paths served passed already
            _claim_paths(rendering)
        if same_pages:
            # the pages served, where the site was patched: a page it did not describe again is
            # as it was, so the last build's files and keys are copied whole and the rest replaced
            files, keys = dict(self.files), dict(self._keys)
            for path in self._other_paths - others.keys():  # never a page's: pages and files never share one
                del files[path]
            files.update(others)
            pages = [page for page, old in zip(pages, served) if page is not old]
        else:
            files, keys = dict(others), {}
        for page in page_files(rendering, lambda path, key: self._keys.get(path) == key, jobs, pages):
            files[page.path] = self.files[page.path] if isinstance(page, KeptFile) else page.content
            keys[page.path] = page.key
        self._keys, self._served, self._other_paths = keys, (rendering.templates, rendering.pages), frozenset(others)
        return files

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """The build generation once it differs from ``seen`` (or after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen, timeout)
            return self.generation

    def watched_paths(self) -> list[Path]:
        """What a moderator or theme author edits: site.yaml, content, themes, static files."""
        site = self.site_dir.resolve()
        candidates = [site / CONFIG_NAME, self._content_dir(), site / "themes", site / "static", builtin_themes_dir()]
        return [path for path in candidates if path.exists()]

    def _content_dir(self) -> Path:
        """The content folder site.yaml names (``content`` where it cannot be read)."""
        try:
            return load_config(self.site_dir).content_dir.resolve()
        except BuildFailed:
            return self.site_dir.resolve() / "content"

    def start(self, stop: threading.Event) -> threading.Thread:
        """The first build, then a rebuild after every change until ``stop`` is set, in the
        thread returned. The watcher starts before the first build looks at the files, so
        it reports any change that build may have missed: from the first save on, a
        rebuild reads only the files saved."""
        watching, built = threading.Event(), threading.Event()
        thread = threading.Thread(target=self._watch, args=(stop, watching, built), daemon=True)
        thread.start()
        watcher_first = watching.wait(_WATCHER_START_TIMEOUT)
        self.rebuild()
        if not watcher_first:
            self._look_at_everything = True  # what changed before the watcher started went unseen
        built.set()
        return thread

    def _watch(self, stop: threading.Event, watching: threading.Event, built: threading.Event) -> None:
        """Rebuild after every change until ``stop`` is set. ``watching`` is set once the
        watcher sees every change; rebuilds wait for ``built``, the first build."""
        for changes in watchfiles.watch(*self.watched_paths(), stop_event=stop, watch_filter=_not_debris,
                                        debounce=50, step=10, rust_timeout=_WATCHER_TICK_MS, yield_on_timeout=True):
            watching.set()  # the first yield comes once the watcher has started, changes or not
            if changes:
                built.wait()
                self.rebuild_after(changes)

    def rebuild_after(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        """Build again after the changes a file watcher saw since the last build. Where
        they are edits of articles the last build read, only those are read again (see
        loader.read_content); a path that is no longer a regular file makes it read all."""
        files = frozenset(path for _, path in changes)
        edited = len(files) <= _FEW_CHANGES and all(_regular_file(file) for file in files)
        self.rebuild(files if edited else None)


_WATCHER_TICK_MS = 200
"""How long the watcher waits before saying it saw nothing; its first word says it has started."""
_WATCHER_START_TIMEOUT = 10.0
"""Seconds the first build waits for the watcher (a huge tree takes long to watch)."""

_FEW_CHANGES = 64
"""More changes at once (a git checkout, a pull) and every file is looked at again."""


def _same_paths(pages: Sequence[PageSpec], served: Sequence[PageSpec]) -> bool:
    """True when both have the same pages, in order (a patched site keeps its pages)."""
    return len(pages) == len(served) and all(page is old or page.path == old.path for page, old in zip(pages, served))


def _claim_paths(rendering: Rendering) -> None:
    """Refuse what ``build`` refuses: two files at one path, or a file where another needs a
    folder (a static file beside a page). Raises BuildFailed."""
    claims = PathClaims()  # no search index in serve
    for page in rendering.pages:
        claims.claim(page.path, page.template)
    for file in rendering.files:
        claims.claim(file.path, file.origin)


def _not_debris(change: watchfiles.Change, path: str) -> bool:
    return not is_debris(Path(path).name)


def _regular_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def error_page(problems: tuple[Diagnostic, ...]) -> bytes:
    """The page shown while the site has errors."""
    items = "".join(f"<li><pre>{html.escape(p.format())}</pre></li>" for p in problems)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title></head>'
            f'<body><h1>The site has {len(problems)} error(s)</h1><p>Fix them and save: this page reloads '
            f"by itself.</p><ol>{items}</ol></body></html>").encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made by serve()

    def log_message(self, format: str, *args) -> None:  # the build log is enough
        pass

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS_PATH:
            self._events()
            return
        preview = self.preview
        if preview.problems:
            self._send(500, "text/html; charset=utf-8", error_page(preview.problems))
            return
        name = path.lstrip("/")
        files = preview.files
        if name == "" or name.endswith("/"):
            name += "index.html"
        elif name not in files and f"{name}/index.html" in files:
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.end_headers()
            return
        if name in files:
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            self._send(200, content_type, files[name])
        else:
            self._send(404, "text/html; charset=utf-8", files.get("404.html", b"Not found"))

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        if content_type.startswith("text/html"):
            content_type = "text/html; charset=utf-8"
            body = body.replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1) if b"</body>" in body else body + RELOAD_SCRIPT
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the build generation now, then each time it changes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while True:
                generation = self.preview.wait_for_change(seen, timeout=15)
                message = f"data: {generation}\n\n" if generation != seen else ": still here\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = generation
        except (BrokenPipeError, ConnectionResetError):
            return


def serve(site_dir: Path, port: int, options: BuildOptions, log: Callable[[str], None] = print) -> None:
    """Build, serve on 127.0.0.1:``port`` (0: any free port) and rebuild on changes, until
    interrupted."""
    handler = type("Handler", (_Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    port = server.server_address[1]
    preview = Preview(site_dir, replace(options, base_url=f"http://127.0.0.1:{port}/"), log)
    handler.preview = preview
    stop = threading.Event()
    preview.start(stop)
    log(f"Serving {site_dir} on http://127.0.0.1:{port}/ (drafts shown; Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log("Stopped.")
    finally:
        stop.set()
        server.server_close()
