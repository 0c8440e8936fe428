"""The home page of a knowledge board: one article as the lead (the newest pinned one,
else the newest), the other pinned articles under it, then a section per category with its
newest few and the way to all of them. Pure: made of the site's structure alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .config import Group
from .model import Structure

SECTION_SIZE = 3
"""Articles each category's section shows."""


@dataclass(frozen=True, slots=True)
class Section:
    """A category's part of the home page."""

    category: str
    """Its key."""
    articles: tuple[str, ...]
    """Slugs of its newest articles not shown above it, newest first."""
    count: int
    """How many articles the category has in all."""


@dataclass(frozen=True, slots=True)
class FrontPage:
    """What the home page shows, by slug."""

    lead: str | None
    """The lead article: the newest pinned one, else the newest (None on an empty site)."""
    pinned: tuple[str, ...]
    """The other pinned articles, newest first."""
    sections: tuple[Section, ...]
    """A section per category that has articles, in site.yaml's order."""


def front_page(categories: Sequence[Group], structure: Structure, size: int = SECTION_SIZE) -> FrontPage:
    """The home page of ``structure``: nothing is shown twice."""
    order = structure.order
    lead = structure.pinned[0] if structure.pinned else (order[0] if order else None)
    pinned = tuple(slug for slug in structure.pinned if slug != lead)
    shown = {lead, *pinned}
    members = {term.key: term.articles for term in structure.taxonomy("category").terms}
    sections = []
    for group in categories:
        articles = members.get(group.key, ())
        if articles:
            sections.append(Section(group.key, tuple(s for s in articles if s not in shown)[:size], len(articles)))
    return FrontPage(lead, pinned, tuple(sections))
