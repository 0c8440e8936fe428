"""What skillsite assumes of Pagefind's own files (pagefind_format.py, pagefind.py), checked
against the installed binary: each test fails when a Pagefind release changes it, so that
the one module that rewrites Pagefind's files is looked at again rather than trusted."""

from __future__ import annotations

import json

import pytest

from skillsite.pagefind import CHUNK_VARIABLE, find_binary, index_pages
from skillsite.pagefind_format import ENTRY, FormatChanged, decode_index_file, encode_index_file, settle


@pytest.fixture(autouse=True)
def pagefind():
    binary = find_binary()
    if binary is None or not binary.is_file():
        pytest.skip("the Pagefind binary is not installed (pip install -e '.[dev]' brings pagefind[extended])")


def page(number: int, tags: list[str]) -> tuple[str, str]:
    marked = "".join(f'<span data-pagefind-filter="Tag">{tag}</span>' for tag in tags)
    return (f"/a{number}/", f'<html lang="en"><body><main data-pagefind-body><h1>Article {number}</h1>'
                            f"<p>Words about interviews and salaries, number {number}.</p>{marked}</main></body></html>")


PAGES = [page(n, [f"tag-{(n * 7 + k) % 23:02d}" for k in range(4)]) for n in range(30)]


def filter_files(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: content for path, content in files.items() if path.startswith("filter/")}


def test_pagefind_still_writes_filter_values_in_an_order_of_its_own_so_settle_is_still_needed():
    # Pagefind issue #638: when this fails, Pagefind writes filters in a stable order, and
    # pagefind_format.settle (and this test) can go
    runs = [filter_files(index_pages(PAGES, "en")) for _ in range(6)]
    assert len({tuple(sorted(run.items())) for run in runs}) > 1


def test_settled_the_same_pages_give_the_same_files_every_time():
    runs = [settle(index_pages(PAGES, "en")) for _ in range(4)]
    assert all(run == runs[0] for run in runs)


def test_every_metadata_and_filter_file_is_of_the_shape_settle_reads_and_reads_back_as_written():
    files = index_pages(PAGES, "en")
    entry = json.loads(files[ENTRY])
    assert list(entry["languages"]) == ["en"] and entry["version"] == "1.5.2"
    meta = decode_index_file(files[f"pagefind.{entry['languages']['en']['hash']}.pf_meta"])
    assert isinstance(meta, list) and len(meta) == 6  # [version, pages, chunks, filters, sorts, ...]
    assert [name for name, _ in meta[3]] == ["Tag"]
    for path, content in files.items():
        if path.endswith((".pf_meta", ".pf_filter")):
            value = decode_index_file(content)
            assert decode_index_file(encode_index_file(value)) == value, path
    (name, values), = [decode_index_file(content) for content in filter_files(files).values()]
    assert name == "Tag" and len(values) == 23 and all(isinstance(pages, list) for _, pages in values)


def test_a_file_of_another_shape_is_refused_not_rewritten():
    files = index_pages(PAGES[:2], "en")
    entry = json.loads(files[ENTRY])
    meta_path = f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    files[meta_path] = encode_index_file(["1.5.2", [], []])  # a metadata file of three fields
    with pytest.raises(FormatChanged):
        settle(files)


def test_pagefind_still_reads_its_chunk_size_from_the_environment():
    # shards use smaller chunks (search.CHUNK_POSITIONS / shards): a reader's bytes per word stay one index's
    def chunks(size: int | None) -> int:
        return sum(path.startswith("index/") for path in index_pages(PAGES, "en", size))
    assert CHUNK_VARIABLE == "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"
    assert chunks(None) == 1 and chunks(20) > 3
