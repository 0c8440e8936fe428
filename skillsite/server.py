"""``skillsite serve``: a preview on 127.0.0.1 that rebuilds on every save and reloads the
browser.

The site is kept in memory and served from there: nothing is written, so the published
output folder is never touched. Front matter, rendered bodies and pages are kept between
rebuilds, so a save reads, renders and re-renders only what it changed. A build with
errors shows them in the browser instead of stopping; fixing them reloads the page.
"""

from __future__ import annotations

import html
import mimetypes
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles

from .build import (AGGREGATES, BuildOptions, begin, fewer_collections, forget_gone, open_database, output_files,
                    read_site)
from .config import CONFIG_NAME, load_config
from .digests import digest
from .inputs import FILE, GIT_HEAD, TREE, is_debris
from .model import BuildFailed, Diagnostic, KeptFile
from .parallel import default_jobs
from .printable import printable
from .queries.search import search_warnings
from .report import log_warnings
from .store import MemoryStore
from .templates import builtin_themes_dir
from .urls import served_path
from .claims import PathClaims
from .writer import OUTPUT_MARKER

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
        self.warnings: tuple[Diagnostic, ...] = ()
        self._index_warnings: tuple[Diagnostic, ...] = ()
        self.generation = 0
        self._digests: dict[str, str] = {}  # the digest of each file of ``files``, as the layer knows it
        self._db = open_database(site_dir, options, MemoryStore())
        self._pending: set[str] | None = None  # paths changed since the last good build (None: any)
        self.made: tuple[str, ...] = ()
        """The queries the last build made (see query.py)."""
        self._changed = threading.Condition()

    def rebuild(self, changed: frozenset[str] | None = None) -> None:
        """Build again; on errors keep the last good pages and remember the problems.
        ``changed``: the only files changed since the last build (None: any may have)."""
        # Only the first build may fork workers: later ones run beside the server's request
        # threads. The watcher's thread is running already, but the forked workers run only
        # the build's own code and never touch its state.
        self._db.jobs = (self.options.jobs or default_jobs()) if self.generation == 0 else 1
        started = time.perf_counter()
        if changed is None or self._pending is None:
            self._pending = None
        else:
            self._pending |= changed
        db = self._db
        try:
            with fewer_collections():
                begin(db, self.options, self.options.now or datetime.now(timezone.utc),
                      None if self._pending is None else input_keys(db, self._pending))
                _, problems = read_site(db)
                errors = tuple(d for d in problems.found if d.severity == "error")
                said = (*problems.found, *problems.dead_links, *self._index_warnings)
                if said != self.warnings:  # said again only when they change
                    log_warnings((*problems.found, *problems.dead_links), self.log)
                files = None if errors else self._files()
                index = search_warnings(db) if files is not None else ()  # what kept search from being built
                if files is not None and index != self._index_warnings:
                    log_warnings(index, self.log)
                    self._index_warnings = index
                if files is not None and any(key.startswith(AGGREGATES) for key in db.log):
                    forget_gone(db)
                self.made = tuple(db.log)
                db.end()
            self._pending = set()  # every change so far is built
        except BuildFailed as failed:
            db.end()
            errors, files, problems = tuple(d for d in failed.diagnostics if d.severity == "error"), None, None
        if files is not None and not errors:
            warnings = (*problems.found, *problems.dead_links, *index)
        else:
            warnings = self.warnings
        changed_paths = [] if files is None else sorted(p for p in files if self.files.get(p) != files[p])
        with self._changed:
            self.problems = errors
            if files is not None and not errors:
                self.files, self.warnings = files, warnings
            self.generation += 1
            self._changed.notify_all()
        for problem in errors:
            self.log(problem.format())
        saved = sorted(name for name in (db.reader.name(Path(path)) for path in changed or ())
                       if not name.startswith(("/", ".git/")))
        self.log(_summary(self.generation, errors, saved, changed_paths, time.perf_counter() - started))

    def _files(self) -> dict[str, bytes]:
        """Every file of the site; those the last build made, as they were, unmade."""
        digests = {}

        def known(path: str, file_digest: str) -> bool:
            return self._digests.get(path) == file_digest and path in self.files

        files: dict[str, bytes] = {}
        claims = PathClaims()  # refuse what build refuses
        for file in output_files(self._db, known):
            if file.path == OUTPUT_MARKER:
                continue  # it marks an output folder; nothing is written here
            claims.claim(file.path, file.origin)
            if isinstance(file, KeptFile):
                files[file.path], digests[file.path] = self.files[file.path], file.key
            else:
                files[file.path], digests[file.path] = file.content, digest(file.content)
        self._digests = digests
        return files

    def memo_count(self) -> int:
        """How many memos the preview keeps (its memory grows with the site, not with the saves)."""
        return self._db.memo_count()

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
        it reports any change that build may have missed."""
        watching, built = threading.Event(), threading.Event()
        thread = threading.Thread(target=self._watch, args=(stop, watching, built), daemon=True)
        thread.start()
        watcher_first = watching.wait(_WATCHER_START_TIMEOUT)
        self.rebuild()
        if not watcher_first:
            self._pending = None  # what changed before the watcher started went unseen
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
        """Build again after the changes a file watcher saw since the last build: only the
        files and folders they name are read again."""
        paths = frozenset(path for _, path in changes)
        self.rebuild(paths if len(paths) <= _FEW_CHANGES else None)


def input_keys(db, paths) -> list[str]:
    """The inputs that files changed on disk may have changed: each file, the listing of
    every folder it is in, and the commit checked out (a commit touches no watched file)."""
    reader = db.reader
    names = [reader.name(Path(path)) for path in paths]
    trees = [key.partition(":")[2] for key in db.store.digests(TREE.name + ":")]
    keys = [FILE.key(name) for name in names]
    keys += [TREE.key(tree) for tree in trees if any(name == tree or name.startswith(tree + "/") for name in names)]
    return keys + list(db.store.digests(GIT_HEAD.name + ":"))


def _summary(generation: int, errors, saved: list[str], changed: list[str], seconds: float) -> str:
    """What a save changed, in words: the files saved, and the pages and files of the site
    a moderator can look at."""
    if errors:
        return f"build {generation}: {len(errors)} error(s), shown in the browser; fix them and save again"
    if generation == 1:
        return f"built the site in {seconds:.2f} s"
    what = ("saved " + ", ".join(saved[:3]) + (f" and {len(saved) - 3} more" if len(saved) > 3 else "")) if saved \
        else "saved"
    if not changed:
        return f"{what}: nothing on the site changed ({seconds:.2f} s)"
    pages = [served_path(path) for path in changed if path.endswith(".html")]
    shown = ", ".join(f"/{page}" for page in pages[:3]) + (f" and {len(pages) - 3} more" if len(pages) > 3 else "")
    others = len(changed) - len(pages)
    parts = [f"{len(pages)} page{'s' if len(pages) != 1 else ''} updated ({shown})" if pages else "",
             f"{others} other file{'s' if others != 1 else ''}" if others else ""]
    return f"{what}: " + " and ".join(part for part in parts if part) + f" in {seconds:.2f} s"


_WATCHER_TICK_MS = 200
"""How long the watcher waits before saying it saw nothing; its first word says it has started."""
_WATCHER_START_TIMEOUT = 10.0
"""Seconds the first build waits for the watcher (a huge tree takes long to watch)."""

_FEW_CHANGES = 64
"""More changes at once (a git checkout, a pull) and every file is looked at again."""


def _not_debris(change: watchfiles.Change, path: str) -> bool:
    return not is_debris(Path(path).name)


def warnings_banner(warnings: tuple[Diagnostic, ...]) -> bytes:
    """A small banner the preview adds to every page while the site has warnings (never to
    the built site): how many, each as the terminal prints it, and a button to close it."""
    if not warnings:
        return b""
    items = "".join(f"<li><pre>{html.escape(printable(w.format()))}</pre></li>" for w in warnings)
    count = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    style = ("position:fixed;inset:auto 0.5rem 0.5rem auto;max-width:min(40rem,calc(100% - 1rem));max-height:50vh;"
             "overflow:auto;z-index:2147483647;background:#fff8d6;color:#222;border:2px solid #b58900;"
             "border-radius:6px;padding:0.5rem 0.75rem;font:14px/1.4 system-ui,sans-serif;text-align:start")
    return (f'<aside id="skillsite-warnings" role="status" aria-label="Warnings of this preview" style="{style}">'
            f'<button type="button" onclick="this.parentElement.remove()" aria-label="Close" '
            f'style="float:inline-end;font:inherit">×</button><details><summary>skillsite: {count} in this '
            f'site (the preview only shows this)</summary><ol style="padding-inline-start:1.2rem">{items}</ol>'
            f"</details></aside>").encode("utf-8")


def error_page(problems: tuple[Diagnostic, ...]) -> bytes:
    """The page shown while the site has errors."""
    items = "".join(f"<li><pre>{html.escape(p.format())}</pre></li>" for p in problems)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title></head>'
            f'<body><h1>The site has {len(problems)} error(s)</h1><p>Fix them and save: this page reloads '
            f"by itself.</p><ol>{items}</ol></body></html>").encode("utf-8")


_LOCAL_HOSTS = ("127.0.0.1", "localhost")
_STREAMS = 16
"""Live-reload connections served at once; a page opened beyond them is told to try again."""
_STREAM_SECONDS = 60.0
"""How long one live-reload connection is kept; the browser then opens a new one."""
_KEEPALIVE_SECONDS = 15.0
_IDLE_SECONDS = 30.0
"""A connection that sends nothing for this long is closed (and a write that waits this
long given up): none holds a thread for good."""


class _Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made by serve()
    port: int  # likewise
    streams: threading.BoundedSemaphore  # likewise: one slot per live-reload connection

    def log_message(self, format: str, *args) -> None:  # the build log is enough
        pass

    def _local_host(self) -> bool:
        """True when the request names this preview by its loopback address. A web page
        elsewhere can make its own name resolve to 127.0.0.1 (DNS rebinding) and read the
        preview, drafts and all, as its own: its requests carry its own name."""
        host = (self.headers.get("Host") or "").strip().lower()
        name, _, port = host.rpartition(":") if ":" in host else (host, "", "")
        return name in _LOCAL_HOSTS and port in ("", str(self.port))

    def do_GET(self) -> None:
        if not self._local_host():
            self._refuse_host()
            return
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
            added = warnings_banner(self.preview.warnings) + RELOAD_SCRIPT
            body = body.replace(b"</body>", added + b"</body>", 1) if b"</body>" in body else body + added
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _refuse_host(self) -> None:
        body = (f"This preview answers only at http://127.0.0.1:{self.port}/ or http://localhost:{self.port}/ "
                "(a request naming another host may come from a web page trying to read it).\n").encode()
        self.send_response(421)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the build generation now, then each time it changes, for at
        most _STREAM_SECONDS; then the browser opens a new connection (``retry``). Over
        _STREAMS connections at once, a new one is told to come back later and closed."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not self.streams.acquire(blocking=False):
            self._write("retry: 5000\n\n")
            return
        try:
            seen, ends = -1, time.monotonic() + _STREAM_SECONDS
            while (left := ends - time.monotonic()) > 0:
                generation = self.preview.wait_for_change(seen, timeout=min(_KEEPALIVE_SECONDS, left))
                retry = "retry: 1000\n" if seen == -1 else ""  # how soon to come back once this one ends
                self._write(f"data: {generation}\n{retry}\n" if generation != seen else ": still here\n\n")
                seen = generation
        except OSError:  # the browser went away (or stopped reading: the write timed out)
            return
        finally:
            self.streams.release()

    def _write(self, message: str) -> None:
        self.wfile.write(message.encode())
        self.wfile.flush()


def serve(site_dir: Path, port: int, options: BuildOptions, log: Callable[[str], None] = print) -> None:
    """Build, serve on 127.0.0.1:``port`` (0: any free port) and rebuild on changes, until
    interrupted."""
    handler = type("Handler", (_Handler,), {"streams": threading.BoundedSemaphore(_STREAMS), "timeout": _IDLE_SECONDS})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    port = handler.port = server.server_address[1]
    preview = Preview(site_dir, replace(options, base_url=f"http://127.0.0.1:{port}/"), log)
    handler.preview = preview
    if threading.current_thread() is threading.main_thread():
        # Ctrl+C stops serve even where it was started with SIGINT ignored (in the background
        # by a script or a CI runner, which Python would otherwise leave as it is)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    stop = threading.Event()
    try:  # from the first build on, Ctrl+C (even the instant the line below is written) says Stopped.
        preview.start(stop)
        log(f"Serving {printable(str(site_dir))} on http://127.0.0.1:{port}/ (drafts shown; Ctrl+C to stop)")
        server.serve_forever()
    except KeyboardInterrupt:
        log("Stopped.")
    finally:
        stop.set()
        server.server_close()
