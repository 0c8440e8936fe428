"""The persistent build cache: ``.skillsite-cache/`` in the site folder (git-ignored).

It remembers, by content, what is slow to make again:

- an article file's validated front matter, keyed by the file's path and bytes and by the
  site settings validation depends on;
- an article's rendered body, keyed by everything rendering reads (body, source, summary,
  base path) and valid only while the links it resolved still resolve the same way;
- for every output file, the key of the inputs it was made from and the digest of its
  bytes, so an unchanged page is not rendered or rewritten again.
- the site model of the last build into each output folder (see snapshot.py), so the next
  build patches it instead of making it again.

Every key also holds the versions of everything that shapes a result (skillsite, the
Markdown options, the sanitiser policy, the libraries). Entries are JSON, never pickles:
a cache file is data, not code. A cache that cannot be opened or read (corrupt, foreign,
locked) is set aside and the build runs without it: it is never trusted over the content.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import orjson

from . import __version__
from .digests import RACY_NS, digest
from .markdown import MARKDOWN_VERSION
from .model import Diagnostic, FrontMatter, Heading, RenderedMarkdown
from .sanitize import POLICY_VERSION

CACHE_DIR = ".skillsite-cache"
_TABLES = ("documents", "bodies", "outputs", "files", "builds", "snapshots", "folders", "parts")
_PRUNED = ("documents", "bodies", "files", "parts")
"""Tables whose entries are dropped when a build no longer uses them."""
_SCHEMA = 4
_SINGLE_READS = 64
"""Entries of a table read one by one before the whole table is read at once."""


def _library_versions() -> str:
    # the modules' own version strings: asking importlib.metadata costs every command 30 ms
    import feedgen.version
    import jinja2
    import markdown_it
    import mdit_py_plugins
    import nh3
    import yaml
    versions = {"markdown-it-py": markdown_it.__version__, "mdit-py-plugins": mdit_py_plugins.__version__,
                "nh3": nh3.__version__, "jinja2": jinja2.__version__, "pyyaml": yaml.__version__,
                "feedgen": feedgen.version.version_full_str}
    return ",".join(f"{package}={version}" for package, version in versions.items())


FINGERPRINT = f"skillsite={__version__};markdown={MARKDOWN_VERSION};policy={POLICY_VERSION};schema={_SCHEMA};" \
              f"{_library_versions()}"
"""Everything besides the content that shapes a cached result."""


class BuildCache:
    """The cache of one site. ``BuildCache.open`` reads it; entries used or made by this
    build are kept by ``save``, the rest pruned, so the cache does not grow without end."""

    def __init__(self, connection: sqlite3.Connection | None, file: Path | None = None):
        self._db = connection
        self._file = file
        self._reader: tuple[int, sqlite3.Connection] | None = None  # (pid, connection) for html()
        self._tables: dict[str, dict[str, str]] = {}
        self._used: dict[str, set[str]] = {name: set() for name in _TABLES}
        self._new: dict[str, dict[str, object]] = {name: {} for name in _TABLES}
        self._read: dict[str, dict[str, object]] = {name: {} for name in _TABLES}
        self._single_reads: dict[str, int] = {name: 0 for name in _TABLES}
        # documents and bodies as the pipeline uses them, made once from their JSON: serve asks again each save
        self._objects: dict[tuple[str, str], object] = {}

    @classmethod
    def open(cls, site_dir: Path) -> BuildCache:
        """The site's cache; an unusable cache file is replaced by an empty one."""
        folder = site_dir / CACHE_DIR
        for attempt in range(2):
            try:
                folder.mkdir(exist_ok=True)
                connection = sqlite3.connect(folder / "cache.sqlite", timeout=30, isolation_level=None)
                _prepare(connection)
                return cls(connection, folder / "cache.sqlite")
            except (sqlite3.Error, OSError):
                if attempt == 0:
                    for leftover in folder.glob("cache.sqlite*"):
                        leftover.unlink(missing_ok=True)
        return cls(None)

    @classmethod
    def in_memory(cls) -> BuildCache:
        """A cache that lives as long as the process (``serve``, tests)."""
        connection = sqlite3.connect(":memory:", isolation_level=None)
        _prepare(connection)
        return cls(connection)

    def _table(self, name: str) -> dict[str, str]:
        """Every row of a table, read once (one query, however many articles)."""
        if name not in self._tables:
            rows: dict[str, str] = {}
            if self._db is not None:
                try:
                    rows = dict(self._db.execute(f"SELECT key, value FROM {name}"))
                except sqlite3.Error:
                    rows = {}
            self._tables[name] = rows
        return self._tables[name]

    def _row(self, name: str, key: str) -> str | None:
        """One entry's text. The first few are read one by one (an edit needs a few); after
        that the whole table at once, in one query. Text is dropped once read: for a large
        site a table is as big as the site itself."""
        if name not in self._tables and self._single_reads[name] < _SINGLE_READS and self._db is not None:
            self._single_reads[name] += 1
            try:
                row = self._db.execute(f"SELECT value FROM {name} WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                return None
            return row[0] if row else None
        return self._table(name).pop(key, None)

    def _get(self, name: str, key: str):
        if key in self._new[name]:
            return self._new[name][key]
        if key in self._read[name]:
            return self._read[name][key]
        raw = self._row(name, key)
        if raw is None:
            return None
        try:
            value = orjson.loads(raw)  # several times faster than json.loads on a 25 MB snapshot
        except orjson.JSONDecodeError:
            return None
        self._used[name].add(key)
        self._read[name][key] = value
        return value

    def _remember(self, name: str, key: str, value) -> None:
        # kept as it is (it shares its text with the site being built); JSON only when saved
        self._new[name][key] = value
        self._tables.get(name, {}).pop(key, None)
        self._read[name].pop(key, None)

    def document(self, key: str) -> dict | None:
        """An article file read before: {meta, lines, body_line, body, problems}."""
        return self._object("documents", key, lambda entry: {
            "meta": front_matter_from_json(entry["meta"]), "lines": entry["lines"], "body_line": entry["body_line"],
            "body": entry["body"], "problems": [Diagnostic(**d) for d in entry["problems"]]})

    def remember_document(self, key: str, entry: dict) -> None:
        """Keep an article file read in this build (one without errors)."""
        self._remember("documents", key, {**entry, "meta": front_matter_json(entry["meta"]),
                                          "problems": [diagnostic_json(d) for d in entry["problems"]]})
        self._objects["documents", key] = entry

    def body(self, key: str) -> RenderedMarkdown | None:
        """A body rendered before (check its ``lookups`` still hold before using it)."""
        return self._object("bodies", key, rendered_from_json)

    def remember_body(self, key: str, rendered: RenderedMarkdown) -> None:
        """Keep a body rendered in this build."""
        self._remember("bodies", key, rendered_json(rendered))
        self._objects["bodies", key] = rendered

    def _object(self, table: str, key: str, make):
        """An entry as an object, made from its JSON the first time it is asked for."""
        made = self._objects.get((table, key))
        if made is not None:
            self._used[table].add(key)
            return made
        entry = self._get(table, key)
        try:
            made = make(entry) if entry else None
        except (KeyError, TypeError, ValueError):
            return None
        if made is not None:
            self._objects[table, key] = made
        return made

    def html(self, key: str, html_digest: str) -> str | None:
        """The HTML saved under body ``key`` when its digest is ``html_digest``; else None
        (gone, or another rendering of the same body, whose links to other articles
        resolved otherwise, was saved under that key since). Read on its own (not the whole
        table), through a connection of this process's own: forked page workers ask too."""
        made = self._objects.get(("bodies", key))
        if made is not None and made.html is not None and made.html_digest == html_digest:
            return made.html
        if self._file is None:
            return None
        try:
            if self._reader is None or self._reader[0] != os.getpid():
                self._reader = (os.getpid(), sqlite3.connect(f"file:{self._file}?mode=ro", uri=True, timeout=30))
            row = self._reader[1].execute("SELECT value FROM bodies WHERE key = ?", (key,)).fetchone()
            html = orjson.loads(row[0])["html"] if row else None
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None
        return html if isinstance(html, str) and digest(html) == html_digest else None

    def keep(self, table: str, keys) -> None:
        """Mark entries as used by this build without reading them (so ``save`` keeps them)."""
        self._used[table].update(keys)

    def snapshot(self, output_dir: Path) -> dict | None:
        """The site model the last build into ``output_dir`` left (see snapshot.py)."""
        return self._get("snapshots", str(output_dir.resolve()))

    def remember_snapshot(self, output_dir: Path, snapshot: dict) -> None:
        """The site model of this build, for the next one."""
        self._remember("snapshots", str(output_dir.resolve()), snapshot)

    def snapshot_part(self, key: str) -> dict | None:
        """One article's part of a snapshot, by content (see snapshot.py)."""
        return self._get("parts", key)

    def has_snapshot_part(self, key: str) -> bool:
        """True when this build read or made that part (so it need not be written again)."""
        return key in self._read["parts"] or key in self._new["parts"]

    def remember_snapshot_part(self, key: str, part: dict) -> None:
        """One article's part of this build's snapshot."""
        self._remember("parts", key, part)

    def outputs(self, output_dir: Path) -> dict[str, dict]:
        """What the last build wrote into ``output_dir``: path -> {key, digest, size, mtime, inode}."""
        return self._get("outputs", str(output_dir.resolve())) or {}

    def remember_outputs(self, output_dir: Path, outputs: dict[str, dict]) -> None:
        """What this build wrote into ``output_dir``."""
        self._remember("outputs", str(output_dir.resolve()), outputs)

    def output_folders(self, output_dir: Path) -> dict:
        """What the folders of the output and of its standby held when written:
        {"live": ..., "standby": ...} (see writer.write_site)."""
        return self._get("folders", str(output_dir.resolve())) or {}

    def remember_output_folders(self, output_dir: Path, folders: dict) -> None:
        """What this build's folders hold, and the standby's."""
        self._remember("folders", str(output_dir.resolve()), folders)

    def file_digest(self, file: Path | str, status: os.stat_result) -> str | None:
        """The digest of a file read before, if its size, time and inode are unchanged (as git
        does: a file changed within the last two seconds is always read again)."""
        entry = self._get("files", str(file))
        if (entry and [status.st_size, status.st_mtime_ns, status.st_ino] == entry[:3]
                and time.time_ns() - status.st_mtime_ns > RACY_NS):
            return entry[3]
        return None

    def digest_of(self, file: str, read: Callable[[os.stat_result], bytes]) -> tuple[str, bytes | None]:
        """The digest of a file's bytes: from the cache where its status is as recorded
        (see ``file_digest``), else read by ``read`` (given the status) and remembered;
        and the bytes, where they were read."""
        status = os.stat(file)
        known = self.file_digest(file, status)
        if known is not None:
            return known, None
        raw = read(status)
        known = digest(raw)
        self.remember_file_digest(file, status, known)
        return known, raw

    def remember_file_digest(self, file: Path | str, status: os.stat_result, content_digest: str) -> None:
        """Remember a file's digest with the status it was read at."""
        self._remember("files", str(file), [status.st_size, status.st_mtime_ns, status.st_ino, content_digest])

    def last_build(self, output_dir: Path) -> dict | None:
        """What the last successful build into ``output_dir`` recorded about itself."""
        return self._get("builds", str(output_dir.resolve()))

    def remember_build(self, output_dir: Path, summary: dict) -> None:
        """Record this successful build."""
        self._remember("builds", str(output_dir.resolve()), summary)

    def save(self, prune: bool = True) -> None:
        """Write what this build made and (``prune``: after a build that looked at every
        article) drop the entries it no longer uses."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                for name in _PRUNED if prune else ():
                    keep = self._used[name] | set(self._new[name])
                    # keys only: the values of a large site's bodies table are as big as the site
                    stale = [(key,) for (key,) in self._db.execute(f"SELECT key FROM {name}") if key not in keep]
                    self._db.executemany(f"DELETE FROM {name} WHERE key = ?", stale)
                for name, rows in self._new.items():
                    encoded = ((key, _encoded(value)) for key, value in rows.items())
                    self._db.executemany(f"INSERT OR REPLACE INTO {name} (key, value) VALUES (?, ?)",
                                         ((key, value) for key, value in encoded if value is not None))
        except sqlite3.Error:
            pass  # a cache that cannot be written only makes the next build slower
        finally:
            self._db.close()
            self._db = None


def _encoded(value) -> str | None:
    """An entry as JSON text (orjson: a 10,000-article snapshot in 0.04 s rather than 0.5 s),
    or None for one JSON cannot carry (a lone surrogate from a YAML escape): it is not kept."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except orjson.JSONEncodeError:
        return None


def _prepare(connection: sqlite3.Connection) -> None:
    """Create the tables; drop everything written under another fingerprint."""
    for table in ("meta", *_TABLES):
        connection.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    if row is None or row[0] != json.dumps(FINGERPRINT):
        with connection:
            connection.execute("BEGIN")
            for table in _TABLES:
                connection.execute(f"DELETE FROM {table}")
            connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprint', ?)",
                               (json.dumps(FINGERPRINT),))


_DATES = ("date", "updated", "expires")
_TUPLES = ("tags", "audience", "aliases")


def front_matter_json(meta: FrontMatter) -> dict:
    data = {name: getattr(meta, name) for name in FrontMatter.__slots__}
    for name in _DATES:
        if data[name] is not None:
            data[name] = data[name].isoformat()
    for name in _TUPLES:
        data[name] = list(data[name])
    return data


def front_matter_from_json(data: dict) -> FrontMatter:
    data = dict(data)
    for name in _DATES:
        if data.get(name) is not None:
            data[name] = datetime.fromisoformat(data[name])
    for name in _TUPLES:
        data[name] = tuple(data[name])
    return FrontMatter(**data)


def diagnostic_json(diagnostic: Diagnostic) -> dict:
    return {name: getattr(diagnostic, name) for name in Diagnostic.__slots__}


def rendered_json(rendered: RenderedMarkdown) -> dict:
    return {"html": rendered.html, "summary": rendered.summary, "words": rendered.words,
            "toc": [[h.level, h.anchor, h.text] for h in rendered.toc],
            "warnings": [diagnostic_json(w) for w in rendered.warnings],
            "links": [list(link) for link in rendered.links],
            "lookups": [list(lookup) for lookup in rendered.lookups], "html_digest": rendered.html_digest}


def rendered_from_json(data: dict) -> RenderedMarkdown:
    return RenderedMarkdown(
        html=data["html"], summary=data["summary"], words=data["words"],
        toc=tuple(Heading(*h) for h in data["toc"]), warnings=tuple(Diagnostic(**w) for w in data["warnings"]),
        links=tuple((url, line) for url, line in data["links"]),
        lookups=tuple((question, answer) for question, answer in data["lookups"]), html_digest=data["html_digest"])
