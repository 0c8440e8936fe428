"""The one reader of inputs: content, themes, static files, site.yaml and git.

Nothing else opens an input file. Every read goes through one rule:

- only regular files are read, and never through a symlink (``O_NOFOLLOW``, then the open
  file's own status is checked): a FIFO, a device or a socket is a named error, never a
  read that hangs or runs without end;
- every read is bounded (``MAX_FILE_BYTES``; an article's own limit is lower, see
  documents.py), however large the file says it is;
- a folder is walked without following symlinks; a symlink, a special file or a folder
  that cannot be read is a named problem of the listing, not a silent gap in the site;
- a file's digest is taken again only when its status (size, modification time, inode,
  change time) differs from the one recorded with the digest, or when it was modified
  within ``RACY_NS`` of that recording (as git's racy entries: a change in the same tick
  of the file system's clock would leave the status as it was).
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .digests import RACY_NS, digest
from .model import Diagnostic
from .query import MISSING_INPUT, Query

MAX_FILE_BYTES = 64 * 1024 * 1024
"""No input file is read past this (a theme's image, a static file)."""
MISSING = MISSING_INPUT
"""The digest of a file that is not there (or not a regular file: see ``file_digest``)."""


def is_debris(name: str) -> bool:
    """Editor and OS leftovers that must never be published or read."""
    return (name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swo", ".tmp", ".bak"))
            or name in ("Thumbs.db", "desktop.ini"))


class InputProblem(Exception):
    """An input cannot be read; carries the diagnostic to report, and ``reason``, the cause
    in a few words ("Is a directory"), for callers that word it their own way."""

    def __init__(self, diagnostic: Diagnostic, reason: str = "", missing: bool = False, size: int | None = None):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic
        self.reason = reason or diagnostic.message
        self.missing = missing
        self.size = size
        """For a file over the limit: its size in bytes (as far as it was read)."""


@dataclass(frozen=True, slots=True)
class Listing:
    """A folder of the site, walked."""

    files: tuple[str, ...]
    """Regular files, relative to the folder, '/'-separated, sorted by path segments."""
    problems: tuple[Diagnostic, ...] = ()
    """What was found and cannot be used: symlinks, special files, unreadable folders."""
    exists: bool = True
    """False when there is no folder there."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


class Reader:
    """Reads the inputs of one site; remembers each file's digest with its status."""

    def __init__(self, site_dir: Path, records: dict[str, list] | None = None):
        self.site_dir = site_dir.absolute()
        self._prefix = os.path.join(self.site_dir, "")
        self._records: dict[str, list] = dict(records or {})
        """Display path -> [size, mtime_ns, inode, ctime_ns, recorded_ns, digest]."""
        self._taken: set[str] = set()  # read in this process: to be saved
        self._fresh: set[str] = set()  # read since a worker last sent its records

    # --- names -------------------------------------------------------------------------------------

    def name(self, path: Path | str) -> str:
        """How a file is named in keys and messages: relative to the site folder when inside it."""
        text = os.fspath(path)
        if text.startswith(self._prefix):
            return text[len(self._prefix):].replace(os.sep, "/")
        return Path(text).as_posix()

    def path(self, name: str) -> str:
        """The file system path of a name made by ``name``."""
        return name if os.path.isabs(name) else self._prefix + name

    # --- folders ----------------------------------------------------------------------------------

    def listing(self, folder: str) -> Listing:
        """Every regular file under ``folder`` (a name), skipping debris; a missing folder is
        empty. Symlinks are never followed: each is a problem, as is anything else that is
        not a regular file or a folder, and every folder that cannot be read."""
        root = self.path(folder)
        if (linked := self._linked_above(folder)) is not None:
            return Listing((), (_not_a_folder(linked, "a symbolic link"),), exists=False)
        try:
            status = os.lstat(root)
        except FileNotFoundError:
            return Listing((), exists=False)
        except OSError as exc:
            return Listing((), (self._unreadable(folder, exc),), exists=False)
        if not stat.S_ISDIR(status.st_mode):
            return Listing((), (_not_a_folder(folder, _kind(status.st_mode)),), exists=False)
        files: list[str] = []
        problems: list[Diagnostic] = []
        self._walk(root, "", files, problems)
        files.sort(key=lambda name: name.split("/"))
        return Listing(tuple(files), tuple(problems))

    def _linked_above(self, name: str) -> str | None:
        """The first folder above ``name`` (inside the site) that is a symbolic link, if any:
        a path through it would lead out of the site."""
        if os.path.isabs(name):
            return None  # outside the site (the built-in themes)
        parts = name.split("/")
        for end in range(1, len(parts)):
            above = "/".join(parts[:end])
            try:
                if stat.S_ISLNK(os.lstat(self.path(above)).st_mode):
                    return above
            except OSError:
                return None
        return None

    def _walk(self, root: str, relative: str, files: list[str], problems: list[Diagnostic]) -> None:
        folder = f"{root}/{relative}" if relative else root
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            problems.append(self._unreadable(self.name(folder), exc))
            return
        for entry in entries:
            if is_debris(entry.name):
                continue
            name = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    self._walk(root, name, files, problems)
                elif entry.is_file(follow_symlinks=False):
                    files.append(name)
                else:
                    kind = _kind(entry.stat(follow_symlinks=False).st_mode)
                    problems.append(Diagnostic(self.name(entry.path), 0, f"this is {kind}, which skillsite never reads "
                                               "or publishes", "replace it with a real file or folder (a copy), "
                                               "or move it out of the site"))
            except OSError as exc:
                problems.append(self._unreadable(self.name(entry.path), exc))

    @staticmethod
    def _unreadable(name: str, exc: OSError) -> Diagnostic:
        return Diagnostic(name, 0, f"cannot read '{name}': {exc.strerror or exc}",
                          "check that this user may read it (its permissions), or move it out of the site")

    # --- files ------------------------------------------------------------------------------------

    def file_digest(self, name: str) -> str:
        """The digest of a file's bytes (``MISSING`` when it is not a readable regular file):
        the recorded one while the file's status vouches for it, else read again."""
        try:
            status = os.lstat(self.path(name))
        except OSError:
            return MISSING
        if not stat.S_ISREG(status.st_mode):
            return MISSING
        known = self._records.get(name)
        if known is not None and known[:4] == _status(status) and status.st_mtime_ns + RACY_NS < known[4]:
            return known[5]
        try:
            return digest(self.read(name))
        except InputProblem:
            return MISSING

    def read(self, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
        """A regular file's bytes, at most ``limit`` of them. Raises InputProblem for a file
        that is missing, not a regular file, unreadable or over the limit."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        if (linked := self._linked_above(name)) is not None:
            raise InputProblem(_not_a_folder(linked, "a symbolic link"), "it is reached through a symbolic link")
        try:
            descriptor = os.open(self.path(name), flags)
        except OSError as exc:
            raise InputProblem(self._cannot_open(name, exc), exc.strerror or str(exc),
                               missing=exc.errno == errno.ENOENT) from None
        try:
            status = os.fstat(descriptor)
            if stat.S_ISDIR(status.st_mode):
                raise InputProblem(self._unreadable(name, OSError(errno.EISDIR, os.strerror(errno.EISDIR))),
                                   os.strerror(errno.EISDIR))
            if not stat.S_ISREG(status.st_mode):
                raise InputProblem(Diagnostic(name, 0, f"this is {_kind(status.st_mode)}, not a file skillsite can read",
                                              "replace it with a real file, or move it out of the site"),
                                   f"it is {_kind(status.st_mode)}")
            if status.st_size > limit:
                raise InputProblem(_too_large(name, status.st_size, limit), "too large", size=status.st_size)
            chunks, size = [], 0
            while True:  # the size said may be wrong (a file growing): read to the limit, no further
                chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise InputProblem(_too_large(name, size, limit), "too large", size=size)
            data = b"".join(chunks)
        except OSError as exc:
            raise InputProblem(self._unreadable(name, exc), exc.strerror or str(exc)) from None
        finally:
            os.close(descriptor)
        self._records[name] = [*_status(status), time.time_ns(), digest(data)]
        self._taken.add(name)
        self._fresh.add(name)
        return data

    def _cannot_open(self, name: str, exc: OSError) -> Diagnostic:
        if exc.errno == errno.ELOOP:
            return Diagnostic(name, 0, "this is a symbolic link, which skillsite never follows",
                              "replace the link with a copy of the file")
        if exc.errno == errno.ENOENT:
            return Diagnostic(name, 0, f"'{name}' is not there", "check the file's name and folder")
        return self._unreadable(name, exc)

    def records(self) -> dict[str, list]:
        """The digests this reader took (by reading), with the status they hold for."""
        return {name: self._records[name] for name in self._taken}

    def fresh_records(self) -> dict[str, list]:
        """The records taken since the last call (a worker sends them to its parent)."""
        fresh = {name: self._records[name] for name in self._fresh}
        self._fresh.clear()
        return fresh

    def take(self, records: dict[str, list]) -> None:
        """Records a worker took."""
        self._records.update(records)
        self._taken.update(records)

    # --- git --------------------------------------------------------------------------------------

    def git_head(self, folder: str) -> str:
        """The commit checked out in the repository holding ``folder`` ('' outside git)."""
        try:
            return subprocess.run(["git", "-C", self.path(folder), "rev-parse", "HEAD"], capture_output=True,
                                  text=True, timeout=60, stdin=subprocess.DEVNULL).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    def git_dates(self, folder: str) -> dict[str, str]:
        """Name -> ISO time (UTC) of the newest commit that modified the file, for every file
        under ``folder`` that git tracks; empty outside a repository. Only modifications
        count: the commit that added a file is its publication, not an update."""
        from .gitdates import last_modified_by_commit
        return {self.name(path): moment.isoformat() for path, moment in
                sorted(last_modified_by_commit(Path(self.path(folder))).items())}


def _not_a_folder(name: str, kind: str) -> Diagnostic:
    return Diagnostic(name, 0, f"'{name}' should be a folder, but it is {kind}",
                      "make it a real folder (skillsite never follows links)")


def _status(status: os.stat_result) -> list[int]:
    return [status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns]


def _too_large(name: str, size: int, limit: int) -> Diagnostic:
    return Diagnostic(name, 0, f"the file is over {size // 1024} KB, more than the limit of {limit // 1024} KB",
                      "make it smaller, or split it into several files")


# --- the inputs, as queries of the query layer --------------------------------------------------------

def _file(ask, name: str) -> str:
    return ask.reader.file_digest(name)


def _tree(ask, name: str) -> Listing:
    return ask.reader.listing(name)


def _git_head(ask, name: str) -> str:
    return ask.reader.git_head(name)


FILE = Query("file", 0, _file)
"""A file's digest (``MISSING`` when it is not a readable regular file), by name."""
TREE = Query("tree", 0, _tree, Listing)
"""A folder's listing, by name."""
GIT_HEAD = Query("git", 0, _git_head)
"""The commit checked out in the repository holding a folder."""
CLOCK = Query("clock", 0, None)
"""The moment that decides what is published (set by the caller)."""
OPTIONS = Query("options", 0, None)
"""What the command line changed (set by the caller)."""
INPUT_QUERIES = (FILE, TREE, GIT_HEAD, CLOCK, OPTIONS)


def read_input(ask, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes for a query, recorded as its dependency on FILE(name). The digest
    recorded is that of the bytes read: a file changed since its digest was taken is never
    remembered under the old one."""
    try:
        data = ask.reader.read(name, limit)
    except InputProblem:
        ask.note(FILE.key(name), ask.reader.file_digest(name))  # made again once the file changes
        raise
    ask.note(FILE.key(name), digest(data))
    return data
