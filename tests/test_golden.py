"""The golden site: tests/fixtures/site must build to exactly tests/golden/, file by file.

After an intended change: ``python tests/update_golden.py`` and review ``git diff tests/golden``.
"""

from __future__ import annotations

import difflib

from conftest import tree_bytes
from update_golden import GOLDEN, build_fixture


def test_fixture_site_builds_exactly_the_golden_files(tmp_path):
    build_fixture(tmp_path / "out")
    built, golden = tree_bytes(tmp_path / "out"), tree_bytes(GOLDEN)
    assert sorted(built) == sorted(golden), "files added or missing; run python tests/update_golden.py"
    for name in sorted(golden):
        if built[name] != golden[name]:
            diff = "\n".join(difflib.unified_diff(golden[name].decode(errors="replace").splitlines(),
                                                  built[name].decode(errors="replace").splitlines(),
                                                  f"golden/{name}", f"built/{name}", lineterm="", n=2))
            raise AssertionError(f"{name} differs (python tests/update_golden.py if intended):\n{diff[:4000]}")
