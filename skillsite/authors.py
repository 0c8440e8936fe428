"""Authors as people: site.yaml's ``authors:`` (a display name, a short bio, a link and an
avatar for each key the articles write), and the names pages show.

An article names its authors by key (``author: sadia_rahman``) or by name (``author: Sadia
Rahman``); a name site.yaml does not declare stays valid and is shown as written (``check``
lists those). Keys are matched by their URL name (urls.term_key), as author pages are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import schema
from .model import Placement
from .schema import FieldProblem
from .urls import term_key
from .yamlread import Node

FIELDS = frozenset({"name", "bio", "link", "avatar"})


@dataclass(frozen=True, slots=True)
class Author:
    """An author declared in site.yaml."""

    key: str
    """The key articles write in ``author:``, as site.yaml writes it."""
    name: str
    """The display name."""
    bio: str = ""
    """A sentence or two shown on the author's page."""
    link: str | None = None
    """Their own page (a full http(s) address)."""
    avatar: str | None = None
    """A picture: a path on this site (``/images/authors/sadia.jpg``) or a full address."""
    line: int = 0
    """The line of site.yaml that declares them."""


@dataclass(frozen=True, slots=True)
class Undeclared:
    """An author name an article uses that site.yaml's ``authors:`` does not declare."""

    name: str
    """As written."""
    path: str
    """The first article that writes it."""
    line: int
    """The line of its ``author:`` field."""


FieldsOf = Callable[[Node, str, set, tuple], dict]
"""config's reader of one set of fields: (node, what it is, allowed names, required names)."""


def read_authors(node: Node, fields_of: FieldsOf) -> tuple[Author, ...]:
    """site.yaml's ``authors:``: a set of keys, each with its fields. Raises FieldProblem."""
    mapping = schema.mapping(node, "authors")
    authors: list[Author] = []
    seen: dict[str, str] = {}
    for key_node, value in mapping.items:
        key = key_node.text.strip()
        if not term_key(key):
            raise FieldProblem(key_node.line, f"authors: '{key}' has no letters or digits",
                               "use the name or username the articles write in author:, e.g. sadia_rahman")
        if term_key(key) in seen:
            raise FieldProblem(key_node.line, f"authors: '{key}' is the same author as '{seen[term_key(key)]}'",
                               "declare each author once")
        seen[term_key(key)] = key
        if isinstance(value, schema.Scalar) and not value.is_null:  # authors: {sadia_rahman: Sadia Rahman}
            authors.append(Author(key, schema.one_line(value, f"authors.{key}") or key, line=key_node.line))
            continue
        fields = fields_of(value, f"authors.{key}", set(FIELDS), ())
        name = schema.one_line(fields["name"], "name") if "name" in fields else None
        bio = schema.one_line(fields["bio"], "bio") if "bio" in fields else None
        link = schema.http_url(fields["link"], "link") if "link" in fields else None
        avatar = schema.http_url(fields["avatar"], "avatar", allow_site_path=True) if "avatar" in fields else None
        authors.append(Author(key, name or key, bio or "", link, avatar, key_node.line))
    return tuple(authors)


def by_key(authors: Iterable[Author]) -> dict[str, Author]:
    """The declared authors by URL name."""
    return {term_key(author.key): author for author in authors}


def display_name(declared: Mapping[str, Author], key: str, written: str) -> str:
    """The name pages show for the author with URL name ``key``: the declared one, else as written."""
    author = declared.get(key)
    return author.name if author else written


def initials(name: str) -> str:
    """Up to two initials of a name, for an avatar drawn without a picture ("SR" for Sadia Rahman)."""
    words = [word for word in name.replace("_", " ").replace(".", " ").split() if word[0].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or name[:1]


def undeclared(declared: Mapping[str, Author], placements: Iterable[Placement]) -> tuple[Undeclared, ...]:
    """The author names articles write that site.yaml does not declare, each once (at the
    first article, in file order), sorted by name."""
    found: dict[str, Undeclared] = {}
    for p in sorted(placements, key=lambda p: p.path):
        for name in p.authors:
            if term_key(name) not in declared and term_key(name) not in found:
                found[term_key(name)] = Undeclared(name, p.path, p.lines.get("author", 1))
    return tuple(sorted(found.values(), key=lambda u: (u.name.casefold(), u.name)))
