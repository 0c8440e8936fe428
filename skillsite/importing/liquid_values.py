"""Liquid that computes (``{{ site.repository }}``, ``{% assign %}``, ``{% for %}`` and
``{% if %}`` blocks), rendered once with the values the original site gave it: its
``_config.yml`` as ``site``, the article's front matter as ``page``, and Jekyll's own URL and
text filters.

python-liquid (a faithful, sandboxed Liquid engine) does the rendering rather than a hand-made
one: loops and output are bounded, an unknown value is an error (so the construct is kept as
text and reported, never silently emptied), and nothing can reach the file system.
"""

from __future__ import annotations

import functools
import html
import json
import re
from urllib.parse import quote, quote_plus

from ..urls import ascii_slug
from .source import Source, site_settings


class LiquidProblem(Exception):
    """Liquid that cannot be rendered here, and why (in a moderator's words)."""


@functools.cache
def _environment():
    from liquid import Environment, StrictUndefined  # here: only an import of Jekyll articles needs it

    class Bounded(Environment):
        loop_iteration_limit = 10_000
        output_stream_limit = 500_000
        local_namespace_limit = 100_000
        context_depth_limit = 30

    environment = Bounded(undefined=StrictUndefined)
    environment.filters.update({
        "relative_url": str, "absolute_url": str, "markdownify": str,  # links start at this site's root
        "slugify": lambda value, *_: ascii_slug(str(value)), "xml_escape": lambda value: html.escape(str(value)),
        "cgi_escape": lambda value: quote_plus(str(value)), "uri_escape": lambda value: quote(str(value), safe="/:"),
        "jsonify": lambda value: json.dumps(value, ensure_ascii=False),
        "number_of_words": lambda value: len(str(value).split()),
        "array_to_sentence_string": _sentence,
    })
    return environment


def _sentence(items, connector: str = "and") -> str:
    items = [str(item) for item in items or []]
    if len(items) < 3:
        return f" {connector} ".join(items)
    return ", ".join(items[:-1]) + f", {connector} " + items[-1]


class Values:
    """What Liquid in one article may use: the site's settings, the page's fields, and the
    values its ``{% assign %}`` and ``{% capture %}`` set, in the order they come."""

    def __init__(self, source: Source):
        self.site = {**site_settings(source.site_root), "baseurl": "", "url": ""}  # links start at this site's root
        self.page = dict(source.fields)
        self._settings: list[str] = []

    def remember(self, liquid: str) -> None:
        """An ``assign`` tag or a ``capture`` block: later Liquid sees what it sets."""
        self._settings.append(liquid)

    def render(self, liquid: str) -> str:
        """The output of ``liquid``. Raises LiquidProblem."""
        from liquid.exceptions import LiquidError, UndefinedError
        try:
            template = _environment().from_string("".join(self._settings) + liquid)
            return template.render(site=self.site, page=self.page)
        except UndefinedError as exc:
            first = str(exc).split("\n")[0]  # "site.x is undefined" (or "'x' is undefined"), then where
            name = re.match(r"'?([^'\s]+)'? is undefined", first)
            raise LiquidProblem(f"'{name.group(1) if name else first}' was a value of the original site, "
                                "unknown here") from None
        except LiquidError as exc:
            raise LiquidProblem(str(exc).split("\n")[0]) from None
