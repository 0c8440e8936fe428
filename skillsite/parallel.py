"""Work spread over processes (the GIL keeps threads from rendering in parallel).

Workers are forked: they inherit the parent's memory (the parsed site, the templates), so
only the small task descriptions go to them and only results come back. Results come back
in task order, so output never depends on which worker finished first.

Workers die with their parent: a build killed with SIGKILL (or by the OOM killer) cannot
tell them to stop, and they would wait for work forever (they hold their task queue's pipe
open themselves, so it never reports the end).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

MIN_TASKS_PER_WORKER = 32
"""Below this, starting processes costs more than it saves."""

# The work of the pool being run: set just before forking, read by the forked workers.
# A process pool needs module-level state to hand unpicklable work to its workers.
_current_work: tuple[Callable[[Any, Any], Any], Any] | None = None


def default_jobs() -> int:
    """The number of processes to use: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def map_in_processes(work: Callable[[Any, Any], Any], shared: Any, tasks: Sequence[Any], jobs: int,
                     chunk: int = 16, before_fork: Callable[[Any], None] | None = None, weight: int = 1
                     ) -> Iterator[Any]:
    """``work(shared, task)`` for every task, in order; in ``jobs`` forked processes when
    there is enough to do and the system can fork, else here. ``before_fork(shared)`` runs
    here just before the workers fork, once: they inherit what it prepares. ``weight``: how
    many ordinary tasks one task is worth (a few heavy ones are spread over workers too)."""
    global _current_work
    fork = "fork" in multiprocessing.get_all_start_methods()
    if jobs <= 1 or len(tasks) * weight < MIN_TASKS_PER_WORKER * 2 or len(tasks) < 2 or not fork:
        yield from (work(shared, task) for task in tasks)
        return
    if before_fork is not None:
        before_fork(shared)
    _current_work = (work, shared)
    workers = min(jobs, len(tasks), len(tasks) * weight // MIN_TASKS_PER_WORKER)
    chunk = max(1, chunk // weight)
    chunks = (tasks[start:start + chunk] for start in range(0, len(tasks), chunk))
    pending: deque[Future] = deque()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            try:
                # a few chunks ahead of the consumer, not all: results not yet taken wait in
                # memory (at 10,000 articles, pages rendered faster than written took 100 MB)
                for part in chunks:
                    pending.append(pool.submit(_run, part))
                    if len(pending) >= workers * CHUNKS_AHEAD:
                        yield from pending.popleft().result()
                while pending:
                    yield from pending.popleft().result()
            finally:
                # the consumer stopped early (a failed write, an error, Ctrl+C): no more
                # work, before the pool waits for what is under way
                for future in pending:
                    future.cancel()
    finally:
        _current_work = None


CHUNKS_AHEAD = 4
"""Chunks per worker submitted ahead of the one whose results are being taken."""


_PR_SET_PDEATHSIG = 1
"""prctl(2): the signal this process gets when its parent dies (Linux)."""


def die_with_parent(parent: int) -> None:
    """End this process (a forked worker) as soon as ``parent`` is gone: the kernel kills it
    when its parent dies (Linux's PR_SET_PDEATHSIG), else a thread looks every half second.
    A parent already gone before that was set is seen by its pid: the worker has been
    handed to another process."""
    if not _kill_me_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _kill_me_with_parent() -> bool:
    """Ask the kernel for SIGKILL when the parent dies; False where it cannot be asked."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux: no prctl in the C library
        return False


def _watch_parent(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _run(tasks: Sequence[Any]) -> list[Any]:
    work, shared = _current_work
    return [work(shared, task) for task in tasks]
