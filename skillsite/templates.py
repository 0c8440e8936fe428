"""The one jinja2 Environment: autoescape, StrictUndefined, site overrides before the theme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import jinja2

from .config import SiteConfig
from .model import BuildFailed, Diagnostic

T = TypeVar("T")

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


def template_problem(exc: Exception) -> Diagnostic | None:
    """An error raised while a template ran, as a diagnostic naming the template file and
    line: a jinja error, or any exception raised by the template's own code (``{{ 1/0 }}``,
    a bad ``format``, ``{% for x in 5 %}``). None when ``exc`` was not raised in a template
    (a bug in skillsite, to be reported as one)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(exc.filename or exc.name or "template", exc.lineno or 0,
                          f"template error: {exc.message}", "fix the template's syntax")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic("templates", 0, f"template '{exc.name}' not found",
                          "the theme must provide it, or remove the site's override that includes it")
    where = _template_line(exc)
    if isinstance(exc, jinja2.TemplateError):
        return Diagnostic(*(where or ("templates", 0)), f"template error: {exc}",
                          "check the names the template uses against the list in skillsite/views.py")
    if where is None:
        return None
    return Diagnostic(*where, f"template error: {_in_words(exc)}",
                      "fix the expression on this line of the template (the values it receives are listed "
                      "in skillsite/views.py)")


def _template_line(exc: BaseException) -> tuple[str, int] | None:
    """The template file and line where ``exc`` was raised (the innermost template frame),
    or None. jinja rewrites tracebacks so that a template's frames carry its file and line
    (and mark their globals, which tells them from skillsite's own frames)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        marks = tb.tb_frame.f_globals
        if "__jinja_exception__" in marks or "__jinja_template__" in marks:
            found = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return found


_IN_WORDS = {ZeroDivisionError: "a division by zero", RecursionError: "templates include or call each other "
             "without end", MemoryError: "the template made a value too large to hold"}


def _in_words(exc: Exception) -> str:
    for kind, words in _IN_WORDS.items():
        if isinstance(exc, kind):
            return words
    return f"{exc} ({type(exc).__name__})" if str(exc) else type(exc).__name__


def render_or_problem(render: Callable[..., T], *args) -> T | Diagnostic:
    """``render(*args)``, or the diagnostic for an error raised inside a template while it
    ran (see ``template_problem``). Anything else is raised: a bug in skillsite."""
    try:
        return render(*args)
    except Exception as exc:  # noqa: BLE001  a template runs arbitrary expressions: any error may come out
        problem = template_problem(exc)
        if problem is None:
            raise
        return problem
