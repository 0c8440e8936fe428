"""``skillsite new``: a valid draft article, ready to write."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .config import SiteConfig
from .model import BuildFailed, Diagnostic
from .schema import did_you_mean
from .urls import ascii_slug, is_valid_slug


def new_article_text(title: str, category: str, author: str, now: datetime) -> str:
    """The text of a new draft: front matter every field of which is valid, and a hint."""
    # JSON strings are valid YAML double-quoted strings: any title survives as written
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
            f"date: {now.replace(microsecond=0).isoformat()}\n"
            f"author: {json.dumps(author, ensure_ascii=False)}\n"
            f"category: {category}\n"
            "tags: []\n"
            "audience: []\n"
            "summary:\n"
            "draft: true\n"
            "---\n\n"
            "Write the article here, in Markdown. Start headings with ##.\n"
            "Remove the line 'draft: true' above when it is ready to publish.\n")


def create_article(config: SiteConfig, title: str, category: str, author: str, slug: str | None,
                   now: datetime) -> Path:
    """Write ``content/<category>/<slug>.md`` and return its path; never overwrites."""
    def refuse(message: str, hint: str) -> BuildFailed:
        return BuildFailed([Diagnostic("skillsite new", 0, message, hint)], 2)

    keys = [c.key for c in config.categories]
    if category not in keys:
        raise refuse(f"'{category}' is not a category of this site{did_you_mean(category, keys)}",
                     f"use --category with one of: {', '.join(keys)}")
    if not title.strip():
        raise refuse("the title is empty", 'give the headline in quotes: skillsite new "My title" --category jobs')
    slug = slug or ascii_slug(title)
    if not is_valid_slug(slug):
        raise refuse(f"cannot make a URL name from the title '{title}'",
                     "give one with --slug, using lowercase letters a-z, digits and hyphens")
    path = config.content_dir / category / f"{slug}.md"
    if path.exists():
        raise refuse(f"{config.shown_path(path)} already exists", "choose another title, or give another name with --slug")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # "x": fail rather than overwrite, even in a race
        file.write(new_article_text(title.strip(), category, author, now.astimezone(config.zone)))
    return path
