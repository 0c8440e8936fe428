"""The memoised query layer: every intermediate value of a build is a query over a key.

A query is a pure function of the queries it asks (``Ask.get``): other queries, and the
inputs at the bottom (files and folders through the one reader, inputs.py; the clock and
the options, set by the caller). While it runs, the layer records each query it asked and
the digest of the answer: its trace. A memo stays valid while every recorded dependency
keeps its digest (Shake's verifying traces), and a value made again with the same digest
stops a change from spreading (early cutoff): a body edit that leaves an article's summary
alone makes its card again, finds it unchanged, and re-renders only the pages that show
the body itself.

Every query has a stratum and asks only queries of lower strata. That fixes the order in
which a change spreads (``begin``): the layer reads the inputs again, then goes up from
those that changed, stratum by stratum, through the memos made from them (the reverse
edges the store keeps), and makes a memo again only where one of its dependencies really
changed. A memo the change never reached is current without being looked at, so a
10,000-article site pays for what an edit touches, not for its size. Memos of the top
stratum (pages, feeds: nothing else asks for them) are only marked, and made when the
build asks for them, in parallel. A query above them (a search shard asks for pages) is
only suspected when a page it asked is stale, and checked when asked: it is made again
only if one of the pages it asked comes out with another digest.

``build`` keeps the memos in ``.skillsite-cache/`` (store.py), ``serve`` in memory; both run
the same queries. With SKILLSITE_VERIFY=1 every memo the layer reuses is made again and
compared: a difference means a query read something it did not ask for (``MemoMismatch``).
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from .codec import decode_value, encode_value
from .digests import digest
from .parallel import map_in_processes

VERIFY_VARIABLE = "SKILLSITE_VERIFY"
MISSING_INPUT = "missing"
"""The value of an input that is not there."""
TOP = 100
"""The stratum of what nothing else asks for (pages, feeds): marked stale, made when asked."""
_PARALLEL_FROM = 64
"""Fewer costly memos than this are made in this process."""


@dataclass(frozen=True, slots=True, eq=False)
class Query:
    """A kind of query: ``compute(ask, arg)`` makes the value for the key ``name:arg``."""

    name: str
    stratum: int
    """Its place in the order changes spread in: it asks only queries of lower strata. The
    inputs are stratum 0."""
    compute: Callable[[Ask, str], Any] | None
    """Pure but for what it asks through ``Ask``; None for an input the caller sets."""
    kind: Any = None
    """The value's type, as the store decodes it; None for a value kept only as its digest
    (a page's HTML: the output folder holds it), made again when asked for."""
    costly: bool | int = False
    """Worth making in worker processes (parsing, rendering); a cheap value costs more to
    send back from a worker than to make. A number: how many ordinary costly values one is
    worth (a search shard indexes hundreds of pages), so that a few go to workers too."""

    def key(self, arg: str = "") -> str:
        return f"{self.name}:{arg}"


@dataclass(slots=True)
class Memo:
    """A query's value, its digest and its trace."""

    digest: str
    deps: tuple[tuple[str, str], ...] | None = None
    """(key, digest) of everything the value was made from; None for a memo read from a
    store that keeps only who depends on what (the reverse edges), not the digests each
    was made with: a change that reaches it makes it again."""
    value: Any = None
    has_value: bool = False


class MemoMismatch(AssertionError):
    """Verify mode: a reused memo differs from its value made again."""


class Ask:
    """What a query's computation sees: every query it asks is recorded."""

    __slots__ = ("_db", "_deps", "_stratum", "reader")

    def __init__(self, db: Database, stratum: int):
        self._db, self._deps, self._stratum, self.reader = db, {}, stratum, db.reader

    def get(self, query: Query, arg: str = "") -> Any:
        """The value of ``query`` for ``arg``, recorded as a dependency."""
        if query.stratum >= self._stratum:
            raise AssertionError(f"a query of stratum {self._stratum} asked {query.name} (stratum {query.stratum})")
        key, db = query.key(arg), self._db
        value = db._value(key, query, db._current_memo(key, query))
        self._deps[key] = db._memos[key].digest  # after _value: a damaged stored value is made again
        db._asked.add(key)
        return value

    def note(self, key: str, value: Any) -> None:
        """Record a dependency on the input ``key`` having ``value`` (what was actually read)."""
        db = self._db
        memo = db._memos.get(key)
        if memo is None or key not in db._current or memo.value != value:
            db._install(key, Memo(_digest_of(value), (), value, True))
        self._deps[key] = db._memos[key].digest
        db._asked.add(key)


class Database:
    """The memos of one site, the log of what ran, and the sessions that keep them current."""

    def __init__(self, queries: Iterable[Query], store, reader, verify: bool | None = None, jobs: int = 1):
        self._queries = {query.name: query for query in queries}
        self.store, self.reader, self.jobs = store, reader, jobs
        self.verify = os.environ.get(VERIFY_VARIABLE) == "1" if verify is None else verify
        self._memos: dict[str, Memo] = {}
        self._reset()

    def _reset(self) -> None:
        self._current: set[str] = set()  # keys current in this session
        self._stale: set[str] = set()  # top-stratum keys a change reached: made when asked
        self._suspect: set[str] = set()  # keys above the top that only keys of the top reached: checked when asked
        self._reached: dict[str, dict[str, str]] = {}  # of each suspect key: what reached it, and its digest before
        self._made: set[str] = set()  # keys made this session: saved by end()
        self._asked: set[str] = set()
        self._checked: set[str] = set()  # verify mode: reused and checked
        self._undo: dict[str, Memo | None] = {}
        self._installed: list[str] = []  # in order: a worker sends back those it made
        self._poisoned = False
        self.log: list[str] = []
        """The keys made this session, in order: what the changes touched (tests read it)."""

    # --- sessions ---------------------------------------------------------------------------------

    def begin(self, settings: Mapping[Query, Any], changed: Iterable[str] | None = None) -> None:
        """Start a session. ``settings``: the values of the inputs the caller sets. The
        inputs the reader reads are read again: every one the store knows (``changed``
        None), or those in ``changed`` (a file watcher vouches for the others). The change
        then spreads from the inputs whose digest differs."""
        self._reset()
        differs: set[str] = set()
        for query, value in settings.items():
            self._set_input(query.key(), value, self._digest_now(query.key()), differs)
        inputs = [query for query in self._queries.values() if query.stratum == 0 and query.compute]
        if changed is None:
            known = {key: stored for query in inputs for key, stored in self.store.digests(query.name + ":").items()}
        else:
            known = {key: self._digest_now(key) for key in changed if self._query_of(key) in inputs}
        for key, before in known.items():
            self._set_input(key, self._query_of(key).compute(Ask(self, 0), key.partition(":")[2]), before, differs)
        self._spread(differs)

    def _set_input(self, key: str, value: Any, before: str | None, differs: set[str]) -> None:
        memo = Memo(_digest_of(value), (), value, True)
        if before != memo.digest:
            differs.add(key)
            self._install(key, memo)
        else:
            self._memos[key] = memo
            self._current.add(key)

    def _spread(self, changed: set[str]) -> None:
        """Bring the memos the changed inputs reach up to date, stratum by stratum."""
        heap: list[tuple[int, str]] = []
        queued: set[str] = set()

        below: set[str] = set()  # keys a change below the top reached: made again

        def reach(keys: Iterable[str]) -> None:
            for key in self.store.dependents(keys) - queued - self._current:
                if self._query_of(key) is not None:
                    queued.add(key)
                    below.add(key)
                    heapq.heappush(heap, (self._query_of(key).stratum, key))

        def reach_above(keys: Iterable[str]) -> None:
            """Above the top only the keys asked are made: note the digest each had before."""
            for source in keys:
                for key in self.store.dependents([source]) - self._current:
                    if self._query_of(key) is not None:
                        self._reached.setdefault(key, {})[source] = self._memos[source].digest
                        if key not in queued:
                            queued.add(key)
                            heapq.heappush(heap, (self._query_of(key).stratum, key))

        reach(changed)
        while heap:
            stratum, batch = heap[0][0], []
            while heap and heap[0][0] == stratum:
                batch.append(heapq.heappop(heap)[1])
            stale, missing = [], []
            for key in batch:
                memo = self._stored(key)
                if memo is None:
                    missing.append(key)
                    continue  # nothing to bring up to date: made when asked
                if stratum > TOP and key not in below:
                    self._suspect.add(key)  # only keys of the top reached it: checked when asked
                elif memo.deps is None or any(self._digest_now(dep) != recorded for dep, recorded in memo.deps):
                    stale.append(key)
                else:
                    self._current.add(key)
            reach(missing)  # no digest to compare with (a memo set aside): what was made from it is made again
            if stratum >= TOP:
                self._stale.update(stale)
                reach_above([key for key in batch if key in self._stale or key in self._suspect])
                continue
            before = {key: self._memos[key].digest for key in stale}
            for _ in self._make_all(stale):
                pass
            reach([key for key in stale if self._memos[key].digest != before[key]])

    def _digest_now(self, key: str) -> str | None:
        """As this session made or confirmed it, else as stored (a dependency the change
        did not reach is as it was)."""
        memo = self._memos.get(key) if key in self._current else self._stored(key)
        return memo.digest if memo is not None else None

    def abort(self) -> None:
        """Undo this session (a computation raised): the next one sees the same changes."""
        for key, memo in self._undo.items():
            if memo is None:
                self._memos.pop(key, None)
            else:
                self._memos[key] = memo
        self._reset()

    def end(self) -> None:
        """Save what this session made; after a computation raised, undo it (``abort``)."""
        if self._poisoned:
            self.abort()
            return
        self.store.save({key: self._memos[key] for key in self._made if key in self._memos}, self._queries)
        self.store.save_files(self.reader.records())
        # reached by a change but never asked for (a build that failed half way): the next
        # session makes them, whatever it changes; inputs that are gone and no longer asked for
        gone = [key for key, memo in self._memos.items() if memo.value == MISSING_INPUT and key not in self._asked
                and self._query_of(key) and self._query_of(key).stratum == 0]
        self.forget([*self._stale, *self._suspect, *gone])

    def forget(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        for key in keys:
            self._memos.pop(key, None)
            self._made.discard(key)
            self._current.discard(key)
        self.store.forget(keys)

    def retain(self, query: Query, args: Iterable[str]) -> None:
        """Forget the memos of ``query`` for arguments not in ``args`` (the site has them no more)."""
        keep, prefix = {query.key(arg) for arg in args}, query.name + ":"
        self.forget({key for key in (*self.store.digests(prefix), *self._memos)
                     if key.startswith(prefix) and key not in keep})

    # --- asking -----------------------------------------------------------------------------------

    def get(self, query: Query, arg: str = "") -> Any:
        """The value of ``query`` for ``arg`` (the pipeline's question: nothing is recorded)."""
        key = query.key(arg)
        return self._value(key, query, self._current_memo(key, query))

    def digest(self, query: Query, arg: str = "") -> str:
        """The digest of the current value, without making a value kept only as a digest."""
        return self._current_memo(query.key(arg), query).digest

    def memo_count(self) -> int:
        return len(self._memos)

    def prefetch(self, query: Query, args: Sequence[str]) -> None:
        """Make current the memos of ``query`` for ``args`` without reading their values;
        those to make are made in ``jobs`` processes."""
        for _ in self._make_all([key for key in self._keys(query, args) if not self._current_memo(key, query, False)]):
            pass

    def stream(self, query: Query, args: Sequence[str],
               known: Callable[[str, str], bool] | None = None) -> Iterator[tuple[str, Any]]:
        """(arg, value) for each argument, in order, made in ``jobs`` processes where need
        be. A value kept only as its digest is let go once yielded; where ``known(arg,
        digest)`` says the caller holds it (the output folder does), None is yielded."""
        keys = self._keys(query, args)
        todo, held = set(), set()
        for key in keys:
            memo = self._current_memo(key, query, False)
            if memo is None:
                todo.add(key)
            elif query.kind is None and not memo.has_value:
                held_by_caller = known is not None and known(key.partition(":")[2], memo.digest)
                (held if held_by_caller else todo).add(key)
        made = self._make_all([key for key in keys if key in todo])
        for key in keys:
            memo = next(made) if key in todo else self._memos[key]
            if key in held and not self.verify:
                yield key.partition(":")[2], None
                continue
            yield key.partition(":")[2], self._value(key, query, memo)
            if query.kind is None:
                memo.value, memo.has_value = None, False

    def _keys(self, query: Query, args: Sequence[str]) -> list[str]:
        if len(args) >= _PARALLEL_FROM:  # their digests in one read, not one read each
            for key, stored in self.store.digests(query.name + ":").items():
                self._memos.setdefault(key, Memo(stored))
        return [query.key(arg) for arg in args]

    # --- the machinery ----------------------------------------------------------------------------

    def _query_of(self, key: str) -> Query | None:
        return self._queries.get(key.partition(":")[0])

    def _stored(self, key: str) -> Memo | None:
        memo = self._memos.get(key)
        if memo is None:
            memo = self.store.memo(key)
            if memo is not None:
                self._memos[key] = memo
        return memo

    def _current_memo(self, key: str, query: Query, make: bool = True) -> Memo | None:
        """The memo of ``key``, current; made (with ``make``) when there is none or a change
        made it stale."""
        if key not in self._current:
            memo = None if key in self._stale else self._checked_memo(key) if key in self._suspect else self._stored(key)
            if memo is None:
                return self._make(key, query) if make else None
            self._current.add(key)  # stored, and no change reached it
        memo = self._memos[key]
        if self.verify and query.stratum > 0 and key not in self._made and key not in self._checked:
            self._checked.add(key)
            if self._run(key, query, logged=False).digest != memo.digest:
                raise MemoMismatch(f"{key}: the reused memo differs from its value made again")
        return memo

    def _value(self, key: str, query: Query, memo: Memo) -> Any:
        if memo.has_value:
            return memo.value
        raw = self.store.value(key) if query.kind is not None else None
        if raw is not None:
            try:
                memo.value, memo.has_value = decode_value(raw, query.kind), True
                return memo.value
            except (msgspec.DecodeError, msgspec.ValidationError):
                pass  # damaged, or of another shape: made again
        fresh = self._run(key, query, logged=False)  # a current memo's value: not work a change caused
        if fresh.digest != memo.digest:  # the stored digest was not this value's: the new one is kept
            self._install(key, fresh)
            self.log.append(key)
            return fresh.value
        memo.value, memo.has_value = fresh.value, True
        return memo.value

    def _run(self, key: str, query: Query, logged: bool = True) -> Memo:
        ask = Ask(self, query.stratum)
        try:
            value = query.compute(ask, key.partition(":")[2])
        except BaseException:
            self._poisoned = True  # the session's memos may no longer add up: end() saves none
            raise
        if logged:
            self.log.append(key)
        return Memo(_digest_of(value), tuple(ask._deps.items()), value, True)

    def _make(self, key: str, query: Query) -> Memo:
        memo = self._run(key, query)
        self._install(key, memo)
        return memo

    def _install(self, key: str, memo: Memo) -> None:
        self._undo.setdefault(key, self._memos.get(key))
        self._installed.append(key)
        self._memos[key] = memo
        self._current.add(key)
        self._stale.discard(key)
        self._suspect.discard(key)
        self._made.add(key)

    def _checked_memo(self, key: str) -> Memo | None:
        """The stored memo of a suspect key, if every key of the top that reached it is, once
        current, as it was; else None, and the key is stale."""
        self._suspect.discard(key)
        memo = self._stored(key)
        for source, before in self._reached.pop(key, {}).items():
            query = self._query_of(source)
            if memo is None or query is None or self._current_memo(source, query).digest != before:
                memo = None
                break
        if memo is None:
            self._stale.add(key)
        return memo

    def _make_all(self, keys: Sequence[str]) -> Iterator[Memo]:
        """Make each key's memo, in order, lazily; in ``jobs`` forked processes when many are
        costly. A worker sends back every memo it made (those of the queries it asked on the
        way included) and the files it read; this process takes them as its own."""
        weight = sum(int(self._query_of(key).costly) for key in keys)
        jobs = self.jobs if weight >= _PARALLEL_FROM else 1
        tasks = map_in_processes(_make_for, self, keys, jobs, weight=max(1, weight // max(1, len(keys))))
        for key, (memos, records) in zip(keys, tasks, strict=True):
            self.reader.take(records)
            for other, memo in memos:
                if self._memos.get(other) is not memo and (other == key or other not in self._current):
                    self._install(other, memo)
                    if memo.deps:  # made, not an input read
                        self.log.append(other)
            yield self._memos[key]


def _make_for(db: Database, key: str) -> tuple[list[tuple[str, Memo]], dict[str, list]]:
    """Make ``key`` (in a worker, or here): every memo made for it, and the files read."""
    before = len(db._installed)
    db._make(key, db._query_of(key))
    made = dict.fromkeys(db._installed[before:])
    return [(other, db._memos[other]) for other in made], db.reader.fresh_records()


def _digest_of(value: Any) -> str:
    """A digest of a value: of its bytes (pages, files), else of its JSON."""
    if isinstance(value, bytes):
        return digest(value)
    try:
        return digest(encode_value(value))
    except (UnicodeEncodeError, msgspec.EncodeError):  # a lone surrogate (a YAML escape): not kept
        return digest("repr", repr(value))
