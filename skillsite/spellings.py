"""Two spellings of one tag or author: an error, never a silent merge.

A tag's or author's page is named by its URL name (``urls.term_key``), which folds case,
spaces and punctuation: ``Bob Smith`` and ``bob smith`` would share ``/author/bob-smith/``.
One page can show one name only, so one of the two articles would show a name its
moderator did not write (front matter is shown exactly as written). Which one is meant only
the moderator knows, so the build stops and names both files and both spellings. Names
that differ in more than that (``C++``, ``C#`` and ``C``) have URL names of their own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .model import Diagnostic, Placement
from .urls import term_key, term_path

_WHAT = {"tag": ("tags", "tag", "the tag"), "author": ("author", "author", "the name")}
"""Per taxonomy: the front-matter field, the kind of page, what the hint calls the value."""


def spelling_clashes(placements: Iterable[Placement]) -> list[Diagnostic]:
    """An error at every article that writes a tag or author otherwise than another article
    (or itself) does, where both spellings have one URL name. The spelling most articles use
    (ties: the first in sort order) is the one named as the other; the articles using it are
    not reported."""
    placements = tuple(placements)
    problems = []
    for taxonomy, names_of in (("tag", lambda p: p.tags), ("author", lambda p: p.authors)):
        users: dict[str, dict[str, list[Placement]]] = defaultdict(lambda: defaultdict(list))
        for placement in placements:
            for name in dict.fromkeys(names_of(placement)):
                users[term_key(name)][name].append(placement)
        for key, spellings in users.items():
            if len(spellings) > 1:
                problems += _clashes(taxonomy, key, spellings)
    return sorted(problems, key=lambda d: (d.path, d.line, d.message))


def _clashes(taxonomy: str, key: str, spellings: dict[str, list[Placement]]) -> list[Diagnostic]:
    field, page, value = _WHAT[taxonomy]
    counts = Counter({name: len(users) for name, users in spellings.items()})
    usual = min(counts, key=lambda name: (-counts[name], name))
    first = spellings[usual][0]
    problems = []
    for name, users in sorted(spellings.items()):
        if name == usual:
            continue
        for document in users:
            where = "in this article too" if document.path == first.path else f"in {first.path}"
            problems.append(Diagnostic(
                document.path, document.lines.get(field, 1),
                f"{field}: '{name}' is written '{usual}' {where}: the two would share one {page} page, "
                f"/{term_path(taxonomy, key)}, under one of the two spellings",
                f"write {value} the same way in every article, e.g. '{usual}' (a different name needs "
                "different letters, not just other capitals, spaces or punctuation)"))
    return problems
