"""One build of a site at a time.

``build`` holds an exclusive lock on ``.skillsite-cache/build.lock`` in the site folder
while it runs; a second build of the same site is refused at once rather than left to
interleave its writes with the first one's. The lock is the kernel's (``flock``): it goes
with the process that holds it, so a build that is killed never leaves a stale lock.

A forked process would share the lock (an ``flock`` belongs to the open file, which a fork
shares), so a child closes its copy at once: a worker that outlived a killed build would
otherwise keep the site locked, and the next build would name a dead process.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .model import BuildFailed, Diagnostic
from .store import make_real_folder

LOCK_FILE = "build.lock"
"""The lock's file, in the site's cache folder."""

_held: set[int] = set()
"""The descriptors of the locks this process holds."""


def _forget_in_child() -> None:
    """In a forked child: close the parent's lock descriptors (the parent keeps its lock)."""
    for descriptor in _held:
        try:
            os.close(descriptor)
        except OSError:
            pass
    _held.clear()


os.register_at_fork(after_in_child=_forget_in_child)


@contextmanager
def build_lock(cache_dir: Path, shown_as: str) -> Iterator[None]:
    """Hold the site's build lock for the ``with`` block. Raises BuildFailed (exit 1)
    when another build holds it; ``shown_as`` names the lock file in that message."""
    if not cache_dir.parent.is_dir():  # no site there: the build reports that, locking nothing
        yield
        return
    make_real_folder(cache_dir)  # a link there would move the lock (and the cache) elsewhere
    with exclusive(cache_dir / LOCK_FILE, lambda holder: Diagnostic(
            shown_as, 0, f"another build of this site is running{holder}; this one was not started",
            "wait until it has finished, then build again (two builds at once would write the same output)")):
        yield


@contextmanager
def exclusive(lock_file: Path, refusal: Callable[[str], Diagnostic]) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (made if missing) for the ``with`` block,
    with this process's id written in it. Raises BuildFailed with ``refusal(' (process
    N)')`` when another process holds it."""
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    _held.add(descriptor)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
            raise BuildFailed([refusal(f" (process {holder})" if holder else "")]) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
    finally:
        _held.discard(descriptor)
        os.close(descriptor)  # releases the lock
