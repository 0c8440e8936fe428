"""An import plan, written: each article file and the files beside it, each written whole
(to a temporary file, then renamed), so a failure never leaves half an article."""

from __future__ import annotations

import os
from pathlib import Path

from .plan import ImportPlan


def write_plan(plan: ImportPlan, overwrite: bool) -> None:
    """Write every planned article. Without ``overwrite`` an article file that appeared since
    the plan was made is never replaced (FileExistsError)."""
    for article in plan.articles:
        article.target.parent.mkdir(parents=True, exist_ok=True)
        for found, copy in article.copies:
            _replace_with(copy, lambda handle, found=found: handle.write(found.read_bytes()))
        data = article.text.encode("utf-8")
        if overwrite:
            _replace_with(article.target, lambda handle: handle.write(data))
        else:
            with article.target.open("xb") as handle:
                handle.write(data)
        for old in article.replaces:
            if old != article.target and old.is_file():
                old.unlink()  # the same article in its other layout (a file or a folder of its own)


def _replace_with(target: Path, fill) -> None:
    """``target`` written whole by ``fill`` (a temporary file beside it, renamed over it)."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # opened like any file: the umask applies
    try:
        with temporary.open("xb") as handle:
            fill(handle)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
