"""Regenerate tests/golden/ from tests/fixtures/site: ``python tests/update_golden.py``.

Run it after an intended change to the output, then review ``git diff tests/golden``.
"""

from __future__ import annotations

import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "site"
GOLDEN = HERE / "golden"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def build_fixture(output: Path) -> None:
    """Build the fixture site into ``output`` at the fixed moment NOW, less Pagefind's
    search bundle: a third party's output that changes with its version (test_search.py
    and the browser tests check it)."""
    from skillsite.build import BuildOptions, build
    from skillsite.search import BUNDLE
    build(FIXTURE, BuildOptions(now=NOW, output=output))
    shutil.rmtree(output / BUNDLE, ignore_errors=True)


if __name__ == "__main__":
    shutil.rmtree(GOLDEN, ignore_errors=True)
    build_fixture(GOLDEN)
    print(f"wrote {sum(1 for p in GOLDEN.rglob('*') if p.is_file())} files to {GOLDEN}", file=sys.stderr)
