"""The one jinja2 Environment: autoescape, StrictUndefined, site overrides before the theme."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import jinja2

from .config import SiteConfig
from .model import BuildFailed, Diagnostic

_PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_themes_dir() -> Path:
    """Where the built-in themes are: inside the installed package, or beside it in a checkout."""
    bundled = _PACKAGE_DIR / "themes"
    return bundled if bundled.is_dir() else _PACKAGE_DIR.parent / "themes"


def theme_candidates(config: SiteConfig) -> list[Path]:
    """The folders a theme may be in, in priority order: the site's own, the built-in one,
    the default theme (the query layer looks which of them exist)."""
    builtin = builtin_themes_dir()
    return list(dict.fromkeys([config.site_dir / "themes" / config.theme, builtin / config.theme, builtin / "default"]))


def missing_theme(config: SiteConfig) -> BuildFailed:
    """The error for a theme that is nowhere."""
    return BuildFailed([Diagnostic("site.yaml", 0, f"theme: there is no theme '{config.theme}'",
                                   f"create themes/{config.theme}/ in the site, or use theme: default")], 2)


class _Sources(jinja2.BaseLoader):
    """Templates from the texts the one reader of inputs read (never from the disk here)."""

    def __init__(self, sources: Mapping[str, tuple[str, str | None]]):
        self._sources = sources

    def get_source(self, environment: jinja2.Environment, template: str):
        if template not in self._sources:
            raise jinja2.TemplateNotFound(template)
        filename, text = self._sources[template]
        if text is None:
            raise jinja2.TemplateSyntaxError("the template is not UTF-8 text; save it with the UTF-8 encoding",
                                             1, template, filename)
        return text, filename, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self._sources)


def make_environment(sources: Mapping[str, tuple[str, str | None]]) -> jinja2.Environment:
    """The Environment every page is rendered with; ``sources``: template name -> (file, text)."""
    return jinja2.Environment(
        loader=_Sources(sources),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def template_problem(exc: jinja2.TemplateError) -> Diagnostic:
    """A template error as a diagnostic naming the template file and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(exc.filename or exc.name or "template", exc.lineno or 0,
                          f"template error: {exc.message}", "fix the template's syntax")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic("templates", 0, f"template '{exc.name}' not found",
                          "the theme must provide it, or remove the site's override that includes it")
    # jinja rewrites tracebacks so that template frames carry the template's file and line
    where, line = "templates", 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
            where, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return Diagnostic(where, line, f"template error: {exc}",
                      "check the names the template uses against the list in skillsite/views.py")
