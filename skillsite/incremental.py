"""What a build can keep from the last one, and rendering the pages it cannot.

A page's key is made of two digests: one of the templates (all of them: they include and
extend each other), one of the site-model values the page is made from (see
outputs/pages.py), with each article body standing for itself by its digest. A page whose
key is the one the last build recorded, and whose file in the output folder is still the
file that build wrote, is kept: not rendered, not rewritten (its modification time stays,
so deploy tools skip it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import jinja2

from .cache import FINGERPRINT
from .digests import digest
from .model import Diagnostic, KeptFile, OutputFile
from .outputs.pages import PageSpec, render_page
from .parallel import map_in_processes
from .templates import render_or_problem


def template_fingerprint(theme_dirs: Sequence[Path]) -> str:
    """A digest of every template the site can use, in the order they are looked up."""
    parts = [FINGERPRINT]
    for theme in theme_dirs:
        folder = theme / "templates"
        for file in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if file.is_file():
                parts += [str(file.relative_to(folder)), file.read_bytes().decode("utf-8", "replace")]
    return digest(*parts)


def page_key(templates: str, spec: PageSpec) -> str:
    """The key of a page's HTML: its templates and what it is made of. Both are digests of
    fixed length (the inputs name the page's template and path), so joining them is enough:
    no digest per page, of which there are tens of thousands."""
    return f"{templates}{spec.inputs}{spec.template}"


def unchanged_on_disk(file: Path | str, recorded: dict) -> bool:
    """True when ``file`` is still the very file the last build wrote (same inode, size and
    modification time): nobody replaced or edited it since."""
    try:
        status = os.stat(file, follow_symlinks=False)
    except OSError:
        return False
    return (status.st_ino, status.st_size, status.st_mtime_ns) == (
        recorded.get("inode"), recorded.get("size"), recorded.get("mtime"))


def produce_pages(specs: Sequence[PageSpec], env: jinja2.Environment, templates: str,
                  reusable: Callable[[str, str], bool], jobs: int = 1
                  ) -> Iterator[OutputFile | KeptFile | Diagnostic]:
    """Every page: kept when ``reusable(path, key)``, else rendered (in ``jobs`` processes).
    A template error comes out as a Diagnostic, in place of the page."""
    to_render = []
    for index, spec in enumerate(specs):
        key = page_key(templates, spec)
        if reusable(spec.path, key):
            yield KeptFile(spec.path, key, spec.template)  # named as a rendered page is
        else:
            to_render.append((index, key))
    rendered = map_in_processes(_render, (env, specs), [index for index, _ in to_render], jobs,
                                before_fork=_compile_templates)
    for (_, key), page in zip(to_render, rendered, strict=True):
        yield page if isinstance(page, Diagnostic) else OutputFile(page.path, page.content, page.origin, key)


def _compile_templates(shared) -> None:
    """Every template compiled once, here, rather than in each worker; this process keeps
    them too (``serve`` renders its later pages here). A template that does not compile is
    left to the page that uses it to report."""
    env, _ = shared
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001  any file that does not compile: only a page using it may fail
            continue


def _render(shared, index: int) -> OutputFile | Diagnostic:
    env, specs = shared
    return render_or_problem(render_page, env, specs[index])  # a Diagnostic crosses process boundaries
