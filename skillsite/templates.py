"""The one jinja2 Environment: autoescape, StrictUndefined, site overrides before the theme."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .config import SiteConfig
from .model import BuildFailed, Diagnostic

_PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_themes_dir() -> Path:
    """Where the built-in themes are: inside the installed package, or beside it in a checkout."""
    bundled = _PACKAGE_DIR / "themes"
    return bundled if bundled.is_dir() else _PACKAGE_DIR.parent / "themes"


def theme_dirs(config: SiteConfig) -> list[Path]:
    """Theme folders in priority order: the site's own, the built-in one, the default theme."""
    builtin = builtin_themes_dir()
    candidates = [config.site_dir / "themes" / config.theme, builtin / config.theme, builtin / "default"]
    found = list(dict.fromkeys(path for path in candidates if path.is_dir()))
    if not (config.site_dir / "themes" / config.theme).is_dir() and not (builtin / config.theme).is_dir():
        raise BuildFailed([Diagnostic("site.yaml", 0, f"theme: there is no theme '{config.theme}'",
                                      f"create themes/{config.theme}/ in the site, or use theme: default")], 2)
    return found


class _RegularFileLoader(jinja2.FileSystemLoader):
    """Templates are read from regular files only: a symlink (git keeps them, a pull request
    can add one) must never make a page out of a file elsewhere on the build machine."""

    def get_source(self, environment: jinja2.Environment, template: str):
        """The first regular file of that name (symlinked ones are passed over)."""
        for folder in self.searchpath:
            path = Path(folder, *template.split("/"))
            through = (path, *(p for p in path.parents if p.is_relative_to(folder) and p != Path(folder)))
            if path.is_file() and not any(part.is_symlink() for part in through):
                return jinja2.FileSystemLoader(folder, self.encoding).get_source(environment, template)
        raise jinja2.TemplateNotFound(template)


def make_environment(config: SiteConfig) -> jinja2.Environment:
    """The Environment every page is rendered with."""
    loader = _RegularFileLoader([str(d / "templates") for d in theme_dirs(config)])
    return jinja2.Environment(
        loader=loader,
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
