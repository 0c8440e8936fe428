"""The one jinja2 Environment: autoescape, StrictUndefined, site overrides before the theme."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import jinja2
import jinja2.bccache
from jinja2 import nodes

from .config import SiteConfig
from .model import BuildFailed, Diagnostic

T = TypeVar("T")

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


class _CompiledInProcess(jinja2.BytecodeCache):
    """Compiled templates kept by this process (jinja2 checks each against its source's
    checksum): a long-lived process (serve, a test run) compiles a template once, not once
    per build. Bounded: the oldest go first."""

    LIMIT = 256

    def __init__(self):
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self._compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled.pop(bucket.key, None)
        self._compiled[bucket.key] = bucket.bytecode_to_string()
        while len(self._compiled) > self.LIMIT:
            del self._compiled[next(iter(self._compiled))]


_COMPILED = _CompiledInProcess()


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
        bytecode_cache=_COMPILED,
    )


_LOOP_HINT = ("include, extend or import another template here: this one leads back to itself (the values "
              "templates receive are listed in skillsite/views.py)")


def template_loops(env: jinja2.Environment, sources: Mapping[str, tuple[str, str | None]]) -> dict[str, Diagnostic]:
    """Of each template whose rendering runs into a loop of includes, extends or imports (a
    template that leads back to itself, directly or through others), the error at the line
    where the loop starts. Found before rendering: jinja would go round until Python's
    recursion limit, minutes on a large site."""
    edges: dict[str, list[tuple[str, int]]] = {}
    for name, (filename, text) in sources.items():
        try:
            tree = env.parse(text, name, filename) if text is not None else None
        except jinja2.TemplateSyntaxError:
            tree = None  # reported when a page renders it
        found = tree.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)) if tree else ()
        edges[name] = [(node.template.value, node.lineno) for node in found
                       if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str)]

    def reached(start: str) -> set[str]:
        seen, todo = set(), [target for target, _ in edges.get(start, ())]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(target for target, _ in edges.get(name, ()))
        return seen

    reach = {name: reached(name) for name in edges}
    looping: dict[str, Diagnostic] = {}
    for name in sorted(edges):
        if name in reach[name]:
            line = next(line for target, line in edges[name] if target == name or name in reach.get(target, ()))
            looping[name] = Diagnostic(sources[name][0], line,
                                       "template error: templates include or call each other without end", _LOOP_HINT)
    return {name: looping[name] if name in looping else looping[min(reach[name] & looping.keys())]
            for name in edges if name in looping or reach[name] & looping.keys()}


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
