"""The search index: Pagefind indexes the finished site in the staging folder.

Pagefind reads the built pages, so it runs after every page is written and before the
staging folder is swapped in (``writer.write_site(..., post_write=index_site)``): the
live output is never indexed half-built, and a failed index leaves it as it was. Only
articles are indexed (the theme marks their text with ``data-pagefind-body``), with their
category, audience and tags as filters (``data-pagefind-filter``).

Without the Pagefind binary the site is built all the same, with a warning; its search
page then says that search is unavailable.

Determinism: everything skillsite writes is byte-identical from one build to the next, and
so are Pagefind's scripts, its word index and its fragments. Pagefind (1.5.2) writes the
values of each filter in hash-map order, which changes from run to run: the filter files
(``pagefind/filter/*.pf_filter``), hence their names, the metadata file that names them
(``pagefind/pagefind.<lang>_<hash>.pf_meta``) and ``pagefind-entry.json`` that names that
differ between two builds of the same input, though they hold the same filters, values
and pages (tests/test_search.py decodes and compares them). See Pagefind issue #638.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .model import BuildFailed, Diagnostic

BUNDLE = "pagefind"
"""The folder of the output that holds the index and Pagefind's scripts (``/pagefind/``)."""
VARYING_FILES = re.compile(rf"{BUNDLE}/(filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)")
"""The output files whose bytes differ between builds of the same input (see above)."""
BINARY_VARIABLE = "PAGEFIND_BINARY_PATH"
"""An environment variable naming the binary to use, as Pagefind's own wrapper reads it."""
TIMEOUT_SECONDS = 600
_INSTALL_HINT = "install it with: pip install 'pagefind[extended]' (or set PAGEFIND_BINARY_PATH to the binary)"


def find_binary() -> Path | None:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one the ``pagefind[extended]``
    or ``pagefind[bin]`` package ships, else ``pagefind_extended`` or ``pagefind`` on PATH."""
    named = os.environ.get(BINARY_VARIABLE)
    if named:
        return Path(named)
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            shipped = __import__(module).get_executable()
        except (ImportError, AttributeError, OSError):
            continue
        if shipped:
            return Path(shipped)
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


def index_site(folder: Path) -> tuple[Diagnostic, ...]:
    """Index the built site in ``folder`` into ``folder/pagefind/``. A missing or failing
    binary is a warning (the site is fine without search); a file of the site already at
    ``pagefind/`` is an error, since the index would replace it."""
    if (folder / BUNDLE).exists():
        raise BuildFailed([Diagnostic(f"static/{BUNDLE}", 0, f"'{BUNDLE}/' is where the search index goes, "
                                      "and the site has files there", f"move the site's own files out of static/{BUNDLE}/")])
    binary = find_binary()
    if binary is None or not binary.is_file():
        where = f" at {binary}" if binary else ""
        return (_warning(f"the search index was not built: the Pagefind binary was not found{where}",
                         f"{_INSTALL_HINT}; the rest of the site was built and its search page says "
                         "that search is unavailable"),)
    try:
        done = subprocess.run([str(binary), "--site", str(folder), "--output-subdir", BUNDLE, "--quiet"],
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
                              env={**os.environ, "NO_COLOR": "1"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return (_warning(f"the search index was not built: Pagefind ({binary}) could not run: {exc}", _INSTALL_HINT),)
    if done.returncode != 0:
        shutil.rmtree(folder / BUNDLE, ignore_errors=True)
        output = " ".join((done.stderr or done.stdout).split())[-400:]
        return (_warning(f"the search index was not built: Pagefind exited with status {done.returncode}: {output}",
                         _INSTALL_HINT),)
    return ()


def _warning(message: str, hint: str) -> Diagnostic:
    return Diagnostic(BUNDLE, 0, message, hint, "warning")
