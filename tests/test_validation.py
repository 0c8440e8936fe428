"""Every page of the sample site and of the real-world corpus site, read by the Nu HTML
checker (vnu, the W3C validator): no errors at all."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from skillsite.build import BuildOptions, build
from clients import REPO, vnu_command
from conftest import NOW


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    build(root, BuildOptions(now=NOW))
    return root / "output"


@pytest.fixture(scope="module")
def built_corpus(corpus_site) -> Path:
    build(corpus_site, BuildOptions(now=NOW))
    return corpus_site / "output"


def vnu_errors(output: Path) -> tuple[int, list[str]]:
    """How many pages the checker read, and its errors as 'page:line: message'."""
    pages = sorted(str(p) for p in output.rglob("*.html"))
    done = subprocess.run([*vnu_command(), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '?').removeprefix('file:' + str(output))}:{m.get('lastLine', 0)}: {m['message']}"
              for m in messages if m.get("type") in ("error", "non-document-error")]
    return len(pages), errors


def test_every_page_of_the_sample_site_is_valid_html(built_sample):
    count, errors = vnu_errors(built_sample)
    assert count > 60
    assert errors == []


def test_every_page_of_the_real_world_corpus_site_is_valid_html(built_corpus):
    count, errors = vnu_errors(built_corpus)
    assert count > 200
    assert errors == []
