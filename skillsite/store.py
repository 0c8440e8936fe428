"""Where the query layer keeps its memos between builds: ``.skillsite-cache/`` (git-ignore it).

One SQLite file per output folder and set of build options, holding data, never code:
each memo's digest and, for values worth keeping, the value as JSON; the reverse edges (who
was made from what), so a change reaches exactly the memos made from it (a memo a change
reaches is made again: its traces are not kept, which halves the store); the status each
input file's digest holds for; and the writer's records of the output. Everything in it is keyed by skillsite's
fingerprint (its version and those of the libraries that shape a result).

The cache is never trusted over the content. A folder or file that is not what skillsite
made (a symlink, a folder where the file should be, another program's database, another
version's tables) is set aside (renamed ``*.aside``) and the build runs without it; a value
of the wrong shape is made again. Every row carries a keyed digest (a MAC) made with a key
kept outside the site (``SKILLSITE_CACHE_KEY``, else a file in the user's state folder): a
row that does not match it, damaged or written by anyone without the key (a cache folder
force-added to a pull request), is made again, never published.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import sqlite3
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

import msgspec

from . import __version__
from .codec import encode_value
from .query import Memo

CACHE_DIR = ".skillsite-cache"
_SCHEMA = "2"
_TABLES = {
    "meta": "key TEXT PRIMARY KEY, value TEXT NOT NULL",
    "memos": "key TEXT PRIMARY KEY, digest TEXT NOT NULL, value BLOB, mac BLOB NOT NULL",
    "dependents": "key TEXT PRIMARY KEY, dependents BLOB NOT NULL, mac BLOB NOT NULL",
    "files": "name TEXT PRIMARY KEY, status BLOB NOT NULL, mac BLOB NOT NULL",
    "records": "key TEXT PRIMARY KEY, value BLOB NOT NULL, mac BLOB NOT NULL",
}
KEY_VARIABLE = "SKILLSITE_CACHE_KEY"


class StoreDamaged(Exception):
    """The reverse edges cannot be trusted: the store is set aside and the build runs again."""


@functools.cache
def _key() -> bytes:
    """The key of the rows' MACs: $SKILLSITE_CACHE_KEY, else one made once for this user."""
    named = os.environ.get(KEY_VARIABLE)
    if named:
        return hashlib.blake2b(named.encode("utf-8")).digest()[:32]
    folder = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "skillsite"
    file = folder / "cache-key"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(os.urandom(32))
        except FileExistsError:
            pass
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as stream:
            key = stream.read(64)
        if len(key) >= 32:
            return key[:32]
    except OSError:
        pass
    return os.urandom(32)  # nowhere to keep one: the cache serves this process only


@functools.cache
def _keyed() -> "hashlib._Hash":
    return hashlib.blake2b(key=_key(), digest_size=16)


def _mac(*parts: str | bytes | None) -> bytes:
    hasher = _keyed().copy()
    for part in parts:
        data = b"" if part is None else part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


def _valid(mac: bytes, *parts: str | bytes | None) -> bool:
    return isinstance(mac, bytes) and hmac.compare_digest(mac, _mac(*parts))
_KEYS = msgspec.json.Decoder(list[str])
_STATUS = msgspec.json.Decoder(list[int | str])


def fingerprint() -> str:
    """Everything besides the content that shapes a memo: skillsite's version and the
    versions of the libraries that make values."""
    import feedgen.version
    import jinja2
    import markdown_it
    import mdit_py_plugins
    import nh3
    import PIL
    import pygments
    import yaml

    from .markdown import MARKDOWN_VERSION
    from .sanitize import POLICY_VERSION
    return ";".join((f"skillsite={__version__}", f"schema={_SCHEMA}", f"markdown={MARKDOWN_VERSION}",
                     f"policy={POLICY_VERSION}", f"markdown-it-py={markdown_it.__version__}",
                     f"mdit-py-plugins={mdit_py_plugins.__version__}", f"nh3={nh3.__version__}",
                     f"jinja2={jinja2.__version__}", f"pyyaml={yaml.__version__}",
                     f"feedgen={feedgen.version.version_full_str}", f"msgspec={msgspec.__version__}",
                     f"pygments={pygments.__version__}", f"pillow={PIL.__version__}"))


class MemoryStore:
    """Memos kept in this process only (``serve``, and a build without a cache folder)."""

    def __init__(self):
        self._memos: dict[str, Memo] = {}
        self._dependents: dict[str, set[str]] = {}
        self.files: dict[str, list] = {}
        self.records: dict[str, object] = {}

    def memo(self, key: str) -> Memo | None:
        return self._memos.get(key)

    def value(self, key: str) -> bytes | None:
        return None  # values live in the memos themselves

    def dependents(self, keys: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for key in keys:
            found |= self._dependents.get(key, set())
        return found

    def digests(self, prefix: str) -> dict[str, str]:
        return {key: memo.digest for key, memo in self._memos.items() if key.startswith(prefix)}

    def save(self, memos: Mapping[str, Memo], kinds) -> None:
        for key, memo in memos.items():
            old = self._memos.get(key)
            if old is not None and old is not memo:
                for dependency, _ in old.deps:
                    self._dependents.get(dependency, set()).discard(key)
            self._memos[key] = memo
            for dependency, _ in memo.deps:
                self._dependents.setdefault(dependency, set()).add(key)

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            old = self._memos.pop(key, None)
            if old is not None:
                for dependency, _ in old.deps:
                    self._dependents.get(dependency, set()).discard(key)

    def save_files(self, files: Mapping[str, list]) -> None:
        self.files.update(files)

    def save_record(self, key: str, value) -> None:
        self.records[key] = value

    def record(self, key: str):
        return self.records.get(key)

    def close(self) -> None:
        pass


class SqliteStore:
    """Memos in ``.skillsite-cache/<name>.sqlite``, read as the layer asks for them."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection
        self._memos: dict[str, Memo | None] = {}
        self.files: dict[str, list] = {}
        for name, raw, mac in self._db.execute("SELECT name, status, mac FROM files"):
            if not _valid(mac, name, raw):
                continue  # read again
            try:
                self.files[name] = _STATUS.decode(raw)
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue

    @classmethod
    def open(cls, site_dir: Path, name: str) -> SqliteStore | MemoryStore:
        """The store named ``name`` in the site's cache folder; a memory store where the
        folder or file cannot be used (after setting aside what is in the way)."""
        folder = site_dir / CACHE_DIR
        file = folder / f"{name}.sqlite"
        for attempt in range(2):
            try:
                make_real_folder(folder)
                _set_aside_unless_regular(file)
                connection = sqlite3.connect(f"file:{file}?mode=rwc", uri=True, timeout=30, isolation_level=None,
                                             check_same_thread=False)
                # a process killed mid-write loses nothing (the journal); a machine that loses power
                # may lose the last build's memos, which a cache may (they are made again)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                if not _prepared(connection):
                    connection.close()
                    _set_aside(file)
                    continue
                return cls(connection)
            except (sqlite3.Error, OSError, msgspec.DecodeError):
                if attempt == 0:
                    _set_aside(file)
        return MemoryStore()

    def memo(self, key: str) -> Memo | None:
        if key in self._memos:
            return self._memos[key]
        row = self._db.execute("SELECT digest, value, mac FROM memos WHERE key = ?", (key,)).fetchone()
        memo = None
        if row is not None:
            if _valid(row[2], key, row[0], row[1]):
                memo = Memo(row[0])
            else:  # damaged or forged: forgotten, so that it is made again and nothing trusts it;
                # who was made from it stays known (its own signed row), so that they are made again too
                with self._db:
                    self._db.execute("DELETE FROM memos WHERE key = ?", (key,))
        self._memos[key] = memo
        return memo

    def value(self, key: str) -> bytes | None:
        row = self._db.execute("SELECT digest, value, mac FROM memos WHERE key = ?", (key,)).fetchone()
        return row[1] if row is not None and _valid(row[2], key, row[0], row[1]) else None

    def dependents(self, keys: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for listed in self._dependents_of(list(keys)).values():
            found.update(listed)
        return found

    def _dependents_of(self, keys: list[str]) -> dict[str, list[str]]:
        """The recorded dependents of each key that has any."""
        found: dict[str, list[str]] = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            for key, raw, mac in self._db.execute(
                    f"SELECT key, dependents, mac FROM dependents WHERE key IN ({','.join('?' * len(part))})", part):
                try:
                    if not _valid(mac, key, raw):
                        raise StoreDamaged(key)
                    found[key] = _KEYS.decode(raw)
                except (msgspec.DecodeError, msgspec.ValidationError):
                    raise StoreDamaged(key) from None
        return found

    def digests(self, prefix: str) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, digest FROM memos WHERE key >= ? AND key < ?",
                                     (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1))))

    def save(self, memos: Mapping[str, Memo], kinds: Mapping[str, object]) -> None:
        """Write ``memos`` (their values where their query keeps values), and add each to
        the dependents of what it was made from. A memo that no longer depends on a key
        may stay listed there: the change then reaches it, finds it current, and stops."""
        rows = []
        added: dict[str, set[str]] = {}
        for key, memo in memos.items():
            kind = kinds.get(key.partition(":")[0])
            value = None
            if memo.has_value and getattr(kind, "kind", None) is not None:
                try:
                    value = encode_value(memo.value)
                except (TypeError, NotImplementedError, UnicodeEncodeError, msgspec.EncodeError):
                    value = None  # a lone surrogate from a YAML escape: made again next time
            rows.append((key, memo.digest, value, _mac(key, memo.digest, value)))
            for dependency, _ in memo.deps or ():
                added.setdefault(dependency, set()).add(key)
        existing = self._dependents_of(list(added))
        changed = []
        for dependency, keys in added.items():
            before = existing.get(dependency, [])
            if not keys.issubset(before):
                listed = msgspec.json.encode(sorted(keys.union(before)))
                changed.append((dependency, listed, _mac(dependency, listed)))
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO memos (key, digest, value, mac) VALUES (?, ?, ?, ?)", rows)
            self._db.executemany("INSERT OR REPLACE INTO dependents (key, dependents, mac) VALUES (?, ?, ?)", changed)

    def forget(self, keys: Iterable[str]) -> None:
        keys = [(key,) for key in keys]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM memos WHERE key = ?", keys)
            self._db.executemany("DELETE FROM dependents WHERE key = ?", keys)

    def save_files(self, files: Mapping[str, list]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            rows = ((name, msgspec.json.encode(status)) for name, status in files.items())
            self._db.executemany("INSERT OR REPLACE INTO files (name, status, mac) VALUES (?, ?, ?)",
                                 ((name, raw, _mac(name, raw)) for name, raw in rows))

    def save_record(self, key: str, value) -> None:
        raw = msgspec.json.encode(value)
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO records (key, value, mac) VALUES (?, ?, ?)",
                             (key, raw, _mac(key, raw)))

    def record(self, key: str):
        row = self._db.execute("SELECT value, mac FROM records WHERE key = ?", (key,)).fetchone()
        try:
            return msgspec.json.decode(row[0]) if row and _valid(row[1], key, row[0]) else None
        except msgspec.DecodeError:
            return None

    def close(self) -> None:
        self._db.close()


def _prepared(connection: sqlite3.Connection) -> bool:
    """Create the tables in a new file; False for a file made by something else (another
    program, another version of skillsite): it is set aside, never changed."""
    tables = {row[0]: row[1] for row in connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        with connection:
            connection.execute("BEGIN")
            for table, columns in _TABLES.items():
                connection.execute(f"CREATE TABLE {table} ({columns})")
            connection.execute("INSERT INTO meta (key, value) VALUES ('fingerprint', ?)", (fingerprint(),))
        return True
    if set(tables) != set(_TABLES):
        return False
    row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    return row is not None and row[0] == fingerprint()


def make_real_folder(folder: Path) -> None:
    """``folder`` as a real folder: a symlink or a file there is set aside first."""
    try:
        status = os.lstat(folder)
    except FileNotFoundError:
        folder.mkdir()
        return
    if not stat.S_ISDIR(status.st_mode):
        _set_aside(folder)
        folder.mkdir()


def _set_aside_unless_regular(file: Path) -> None:
    try:
        status = os.lstat(file)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(status.st_mode):
        _set_aside(file)


def _set_aside(path: Path) -> None:
    """Rename what is at ``path`` out of the way (never follow it, never delete it)."""
    for suffix in ("-wal", "-shm", "-journal", ""):
        leftover = path.with_name(path.name + suffix)
        try:
            os.lstat(leftover)
        except FileNotFoundError:
            continue
        os.replace(leftover, leftover.with_name(leftover.name + ".aside"))
