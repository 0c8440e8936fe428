"""What pages tell search engines and sharing previews: OpenGraph and Twitter card values,
and JSON-LD (schema.org) that no title can break out of. Used by views.py."""

from __future__ import annotations

import json

from markupsafe import Markup

from .model import Article
from .urls import term_path

_SCRIPT_UNSAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld(data: dict | None) -> Markup | None:
    """``data`` as the text of a <script type="application/ld+json">: JSON in which '<', '>'
    and '&' are written as \\u escapes, so no title can close the element or open a comment."""
    if data is None:
        return None
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_UNSAFE)
    return Markup(text)  # safe: escaped above for the script element's content


class Metadata:
    """The social and structured-data values of a page (mixed into views.Views, whose
    ``_config``, ``_zone``, ``term_name``, ``author`` and ``absolute`` it uses)."""

    def _social(self, path: str, title: str, description: str, article: Article | None) -> dict:
        """OpenGraph and Twitter card values: the article's own for an article page."""
        config = self._config
        image = self.absolute(article.meta.image) if article and article.meta.image else None
        social = {"type": "article" if article else "website", "site_name": config.title, "title": title,
                  "description": description, "url": config.absolute_url(path), "image": image,
                  "card": "summary_large_image" if image else "summary", "article": None}
        if article:
            meta = article.meta
            social["article"] = {
                "published": meta.date.astimezone(self._zone).isoformat(),
                "modified": article.last_modified.astimezone(self._zone).isoformat(),
                "authors": [config.absolute_url(term_path("author", key)) for key in article.author_keys],
                "section": self.term_name("category", meta.category),
                "tags": [self.term_name("tag", key) for key in article.tag_keys],
            }
        return social

    def _person(self, key: str) -> dict:
        author = self.author(key)
        return {"@type": "Person", "name": author["title"], "url": self._config.absolute_url(term_path("author", key)),
                **({"sameAs": author["link"]} if author["link"] else {})}

    def _structured_data(self, path: str, article: Article | None, breadcrumbs: list[dict]) -> dict | None:
        """JSON-LD for search engines: the Article and its BreadcrumbList; the WebSite (with
        its search) on the home page; a BreadcrumbList on listings."""
        config = self._config
        graph: list[dict] = []
        if path == "":
            website = {"@type": "WebSite", "name": config.title, "url": config.base_url,
                       "description": config.description or None, "inLanguage": config.language}
            if config.search:
                website["potentialAction"] = {"@type": "SearchAction", "query-input": "required name=q",
                                              "target": config.absolute_url("search/") + "?q={q}"}
            graph.append(website)
        if article:
            meta = article.meta
            people = [self._person(key) for key in article.author_keys]
            graph.append({
                "@type": "Article", "headline": meta.title, "description": article.summary or None,
                "url": config.absolute_url(path), "mainEntityOfPage": config.absolute_url(path),
                "datePublished": meta.date.astimezone(self._zone).isoformat(),
                "dateModified": article.last_modified.astimezone(self._zone).isoformat(),
                "author": people[0] if len(people) == 1 else people,
                "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url},
                "image": self.absolute(meta.image) if meta.image else None,
                "inLanguage": meta.lang or config.language,
                "articleSection": self.term_name("category", meta.category),
                "keywords": [self.term_name("tag", key) for key in article.tag_keys] or None,
                "isBasedOn": meta.source,
            })
        if breadcrumbs:
            graph.append({"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": n, "name": crumb["title"], "item": crumb["absolute"]}
                for n, crumb in enumerate(breadcrumbs, 1)]})
        if not graph:
            return None
        return {"@context": "https://schema.org",
                "@graph": [{k: v for k, v in node.items() if v is not None} for node in graph]}
