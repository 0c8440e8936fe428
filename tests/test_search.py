"""The search index: Pagefind indexes the finished site in the staging folder, articles only,
with category, audience and tags as filters; without its binary the site still builds.
(Searching it in a browser is in test_browser.py.)"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillsite.build import BuildOptions, build
from skillsite.cli import main
from skillsite.search import BINARY_VARIABLE, BUNDLE, decode_index_file, find_binary
from conftest import NOW, article, tree_bytes


@pytest.fixture
def pagefind() -> Path:
    binary = find_binary()
    if binary is None or not binary.is_file():
        pytest.skip("the Pagefind binary is not installed (pip install -e '.[dev]' brings pagefind[extended])")
    return binary


def read_index_file(path: Path):
    """A Pagefind .pf_meta or .pf_filter file, decoded."""
    return decode_index_file(path.read_bytes())


def search_index(output: Path) -> dict:
    """What the index holds, independent of the order Pagefind wrote filter values in:
    the metadata with each filter file replaced by its sorted content."""
    entry = json.loads((output / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    index = {}
    for language, details in entry["languages"].items():
        version, pages, chunks, filters, sorts, *rest = read_index_file(output / BUNDLE / f"pagefind.{details['hash']}.pf_meta")
        decoded = {}
        for name, file_hash in filters:
            filter_name, values = read_index_file(output / BUNDLE / "filter" / f"{file_hash}.pf_filter")
            decoded[filter_name] = sorted((value, tuple(page_numbers)) for value, page_numbers in values)
        index[language] = {"version": version, "pages": pages, "chunks": chunks, "filters": decoded, "sorts": sorts,
                           "rest": rest, "page_count": details["page_count"]}
    return index


def test_the_index_holds_every_article_and_nothing_else_with_its_filters(sample_site, pagefind):
    result = build(sample_site, BuildOptions(now=NOW))
    index = search_index(sample_site / "output")
    assert list(index) == ["en"]
    assert index["en"]["page_count"] == result.articles == 15
    filters = index["en"]["filters"]
    assert sorted(filters) == ["Audience", "Category", "Tag"]
    assert [(value, len(pages)) for value, pages in filters["Category"]] == [("Career", 4), ("Entrepreneurship", 5),
                                                                           ("Jobs", 6)]
    assert ("Jobseekers", 7) in [(value, len(pages)) for value, pages in filters["Audience"]]
    assert len(filters["Tag"]) == 24


def test_the_index_is_byte_identical_from_build_to_build(sample_site, tmp_path, pagefind):
    # Pagefind alone writes filter values in hash-map order; the build sorts them
    outputs = []
    for run in range(3):
        build(sample_site, BuildOptions(now=NOW, output=tmp_path / f"out-{run}"))
        outputs.append(tree_bytes(tmp_path / f"out-{run}"))
    assert any(name.endswith(".pf_filter") for name in outputs[0])
    assert outputs[0] == outputs[1] == outputs[2]


def test_without_the_pagefind_binary_the_site_builds_with_a_clear_warning(sample_site, monkeypatch):
    monkeypatch.setenv(BINARY_VARIABLE, str(sample_site / "no-such-pagefind"))
    result = CliRunner().invoke(main, ["build", str(sample_site)])
    assert result.exit_code == 0, result.output
    assert (f"pagefind: warning: the search index was not built: the Pagefind binary was not found at "
            f"{sample_site / 'no-such-pagefind'}") in result.output
    assert "pip install 'pagefind[extended]'" in result.output
    output = sample_site / "output"
    assert (output / "articles/writing-a-cv-that-gets-read/index.html").is_file()
    assert (output / "search/index.html").is_file()
    assert not (output / BUNDLE).exists()


def test_pagefind_indexes_the_staging_folder_before_the_swap_never_the_live_output(sample_site, tmp_path, pagefind,
                                                                                 monkeypatch):
    output = sample_site / "output"
    build(sample_site, BuildOptions(now=NOW))
    # the real binary, behind a script that notes where it was asked to index and what
    # the live output held at that moment
    log = tmp_path / "pagefind.log"
    wrapper = tmp_path / "pagefind-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "$2" > {log}\nls {output} >> {log}\nexec {pagefind} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(BINARY_VARIABLE, str(wrapper))
    (sample_site / "content/jobs/new-article.md").write_text(article("A new article on hiring"), encoding="utf-8")
    build(sample_site, BuildOptions(now=NOW))
    indexed, *live = log.read_text().split("\n")
    assert Path(indexed).parent == output.parent and Path(indexed).name.startswith(".output.staging-")
    assert "pagefind" in live  # the old output and its index were still in place, untouched
    assert not Path(indexed).exists()  # the staging folder became the output
    assert search_index(output)["en"]["page_count"] == 16


def test_a_site_file_where_the_index_goes_fails_the_build_and_keeps_the_output(sample_site, pagefind):
    assert CliRunner().invoke(main, ["build", str(sample_site)]).exit_code == 0
    before = tree_bytes(sample_site / "output")
    (sample_site / "static" / BUNDLE).mkdir(parents=True)
    (sample_site / "static" / BUNDLE / "mine.js").write_text("// a file of the site's own\n")
    result = CliRunner().invoke(main, ["build", str(sample_site)])
    assert result.exit_code == 1
    assert "static/pagefind: error: 'pagefind/' is where the search index goes" in result.output
    assert tree_bytes(sample_site / "output") == before
    # no staging debris (the output's lock, empty, stays beside it)
    assert [p.name for p in sample_site.iterdir() if p.name.startswith(".output")] == [".output.lock"]


def test_the_binary_is_found_through_the_installed_package_or_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(BINARY_VARIABLE, raising=False)
    found = find_binary()
    assert found is None or os.access(found, os.X_OK)
    monkeypatch.setenv(BINARY_VARIABLE, str(tmp_path / "elsewhere"))
    assert find_binary() == tmp_path / "elsewhere"


def test_a_site_without_search_has_no_index_no_search_page_and_no_search_box(site):
    from conftest import MINIMAL_CONFIG
    root = site({"site.yaml": MINIMAL_CONFIG + "search: false\n", "content/jobs/a.md": article("A")})
    build(root, BuildOptions(now=NOW))
    output = root / "output"
    assert not (output / BUNDLE).exists() and not (output / "search").exists()
    assert 'role="search"' not in (output / "index.html").read_text()
    assert "SearchAction" not in (output / "index.html").read_text()
