"""One build of a site at a time.

``build`` holds an exclusive lock on ``.skillsite-cache/build.lock`` in the site folder
while it runs; a second build of the same site is refused at once rather than left to
interleave its writes with the first one's. The lock is the kernel's (``flock``): it goes
with the process that holds it, so a build that is killed never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .model import BuildFailed, Diagnostic

LOCK_FILE = "build.lock"
"""The lock's file, in the site's cache folder."""


@contextmanager
def build_lock(cache_dir: Path, shown_as: str) -> Iterator[None]:
    """Hold the site's build lock for the ``with`` block. Raises BuildFailed (exit 1)
    when another build holds it; ``shown_as`` names the lock file in that message."""
    if not cache_dir.parent.is_dir():  # no site there: the build reports that, locking nothing
        yield
        return
    cache_dir.mkdir(exist_ok=True)
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
        os.close(descriptor)  # releases the lock
