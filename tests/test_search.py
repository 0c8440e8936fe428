"""The search index: articles only, with category, audience and tags as filters, in shards
(each a Pagefind index of its own) so that an edit re-indexes one shard; byte-identical
from build to build, and an incremental build's the same as a clean one's; without its
binary the site still builds. (Searching it in a browser: test_search_browser.py.)"""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillsite import parallel
from skillsite.build import BuildOptions, build
from skillsite.cli import main
from skillsite.pagefind import BINARY_VARIABLE, find_binary
from skillsite.pagefind_format import decode_index_file
from skillsite.search import BUNDLE, Member, plan, shard_counts
from conftest import MINIMAL_CONFIG, NOW, article, tree_bytes


@pytest.fixture
def pagefind() -> Path:
    binary = find_binary()
    if binary is None or not binary.is_file():
        pytest.skip("the Pagefind binary is not installed (pip install -e '.[dev]' brings pagefind[extended])")
    return binary


def search_index(output: Path) -> dict:
    """What each shard's index holds (by shard folder): its language, pages, and each
    filter's values with the number of pages that have them."""
    shards = json.loads((output / BUNDLE / "shards.json").read_text(encoding="utf-8"))["shards"]
    index = {}
    for shard in shards:
        folder = output / BUNDLE / shard["path"]
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        (language, details), = entry["languages"].items()
        _, pages, _, filters, *_ = decode_index_file((folder / f"pagefind.{details['hash']}.pf_meta").read_bytes())
        decoded = {}
        for name, file_hash in filters:
            filter_name, values = decode_index_file((folder / "filter" / f"{file_hash}.pf_filter").read_bytes())
            decoded[filter_name] = {value: len(page_numbers) for value, page_numbers in values}
        index[shard["path"]] = {"language": language, "pages": details["page_count"], "filters": decoded}
    return index


def merged_filters(index: dict) -> dict[str, dict[str, int]]:
    merged: dict[str, dict[str, int]] = {}
    for shard in index.values():
        for name, values in shard["filters"].items():
            for value, count in values.items():
                merged.setdefault(name, {})[value] = merged.setdefault(name, {}).get(value, 0) + count
    return merged


def made(result, kind: str) -> set[str]:
    return {key.partition(":")[2] for key in result.made if key.partition(":")[0] == kind}


def with_shards(root: Path, count: int) -> Path:
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8") + f"\nsearch_shards: {count}\n",
                                    encoding="utf-8")
    return root


def test_the_index_holds_every_article_and_nothing_else_with_its_filters(sample_site, pagefind):
    result = build(sample_site, BuildOptions(now=NOW))
    index = search_index(sample_site / "output")
    assert list(index) == ["en-0/"] and index["en-0/"]["language"] == "en"  # 15 articles: one index
    assert index["en-0/"]["pages"] == result.articles == 15
    filters = merged_filters(index)
    assert sorted(filters) == ["Audience", "Category", "Tag"]
    assert filters["Category"] == {"Career": 4, "Entrepreneurship": 5, "Jobs": 6}
    assert filters["Audience"]["Jobseekers"] == 7
    assert len(filters["Tag"]) == 24


def test_shards_hold_every_article_once_and_the_same_filters_as_one_index(sample_site, tmp_path, pagefind):
    build(sample_site, BuildOptions(now=NOW, output=tmp_path / "one"))
    one = search_index(tmp_path / "one")
    build(with_shards(sample_site, 4), BuildOptions(now=NOW, output=tmp_path / "four"))
    four = search_index(tmp_path / "four")
    assert sorted(four) == ["en-0/", "en-1/", "en-2/", "en-3/"]
    assert sum(shard["pages"] for shard in four.values()) == 15
    assert merged_filters(four) == merged_filters(one)
    # the first shard listed is the one the search page loads first: Pagefind's worker and WebAssembly are there
    assert (tmp_path / "four" / BUNDLE / "en-0" / "wasm.en.pagefind").is_file()
    assert not (tmp_path / "four" / BUNDLE / "en-1" / "wasm.en.pagefind").exists()


def test_the_index_is_byte_identical_from_build_to_build(sample_site, tmp_path, pagefind):
    # Pagefind alone writes filter values in hash-map order; pagefind_format.settle sorts them
    with_shards(sample_site, 2)
    outputs = []
    for run in range(3):
        build(sample_site, BuildOptions(now=NOW, output=tmp_path / f"out-{run}"))
        outputs.append(tree_bytes(tmp_path / f"out-{run}"))
    assert any(name.endswith(".pf_filter") for name in outputs[0])
    assert outputs[0] == outputs[1] == outputs[2]


def test_an_edit_re_indexes_only_the_shard_of_its_article_and_the_index_is_a_clean_build_s(sample_site, tmp_path,
                                                                                          pagefind):
    with_shards(sample_site, 4)
    build(sample_site, BuildOptions(now=NOW))
    cv = sample_site / "content/jobs/writing-a-cv-that-gets-read.md"
    cv.write_text(cv.read_text(encoding="utf-8").replace("\n## ", "\nA word never seen before: zanzibarite.\n\n## ", 1),
                  encoding="utf-8")
    result = build(sample_site, BuildOptions(now=NOW))
    shards = made(result, "search-index")
    assert len(shards) == 1
    shard = shards.pop()
    fragments = b"".join(gzip.decompress(content) for path, content in tree_bytes(sample_site / "output").items()
                         if path.startswith(f"{BUNDLE}/{shard}/fragment/"))
    assert b"zanzibarite" in fragments
    again = build(sample_site, BuildOptions(now=NOW))
    assert not made(again, "search-index")
    clean = tmp_path / "clean"
    build(sample_site, BuildOptions(now=NOW, output=clean))
    index = {path: content for path, content in tree_bytes(sample_site / "output").items() if path.startswith(BUNDLE)}
    assert index == {path: content for path, content in tree_bytes(clean).items() if path.startswith(BUNDLE)}


def test_a_very_long_article_is_found_by_its_beginning_and_end_with_its_tags(site, pagefind):
    # Pagefind's time grows with a page's text (600,000 different words: 16 s), so it is
    # given each page's tags and the text of its first and last 80,000 characters only
    middle = " ".join(f"middle{number}" for number in range(40_000))
    root = site({"content/jobs/long.md": article("Long", f"Opening zanzibarite words.\n\n{middle}\n\nClosing quokkaite.\n",
                                                tags="[Interviews]")})
    build(root, BuildOptions(now=NOW))
    fragments = b"".join(gzip.decompress(content) for path, content in tree_bytes(root / "output").items()
                         if "/fragment/" in path)
    assert b"zanzibarite" in fragments and b"quokkaite" in fragments
    assert b"middle0 " in fragments and b"middle39999" in fragments and b"middle20000" not in fragments
    assert merged_filters(search_index(root / "output"))["Tag"] == {"Interviews": 1}


def test_a_cold_build_indexes_its_shards_in_several_processes(sample_site, tmp_path, pagefind, monkeypatch):
    # the real binary, behind a script that notes which process started it
    log = tmp_path / "parents.log"
    wrapper = tmp_path / "pagefind-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "$PPID" >> {log}\nexec {pagefind} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(BINARY_VARIABLE, str(wrapper))
    monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", 4)  # 4 shards of a 15-article site are worth it here
    build(with_shards(sample_site, 4), BuildOptions(now=NOW, jobs=2))
    parents = log.read_text().split()
    assert len(parents) == 5  # Pagefind's script, then one index per shard
    assert len(set(parents[1:]) - {str(os.getpid())}) == 2  # two worker processes, not this one


def test_a_shard_pagefind_fails_on_is_a_warning_and_is_tried_again_by_the_next_build(sample_site, tmp_path, pagefind,
                                                                                    monkeypatch):
    # the first run of the service dies at once; later runs are the real binary
    flag = tmp_path / "failed-once"
    wrapper = tmp_path / "pagefind-wrapper"
    wrapper.write_text(f'#!/bin/sh\nif [ "$1" = --service ] && [ ! -e {flag} ] && [ -e {tmp_path / "armed"} ]; then\n'
                       f'  touch {flag}; echo "out of memory" >&2; exit 3\nfi\nexec {pagefind} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(BINARY_VARIABLE, str(wrapper))
    build(sample_site, BuildOptions(now=NOW))  # Pagefind's script, made while the wrapper lets it through
    (tmp_path / "armed").touch()
    cv = sample_site / "content/jobs/writing-a-cv-that-gets-read.md"
    cv.write_text(cv.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = build(sample_site, BuildOptions(now=NOW))
    [warning] = [w for w in result.warnings if w.path == BUNDLE]
    assert warning.format().startswith("pagefind: warning: the search index of 15 article(s) in shard en-0 was not "
                                       "built: Pagefind stopped: out of memory (exit status 3)")
    assert not (sample_site / "output" / BUNDLE / "en-0").exists()
    again = build(sample_site, BuildOptions(now=NOW))
    assert made(again, "search-index") == {"en-0"} and not [w for w in again.warnings if w.path == BUNDLE]
    assert search_index(sample_site / "output")["en-0/"]["pages"] == 15


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
    # the warning again when nothing changed
    assert "the search index was not built" in CliRunner().invoke(main, ["build", str(sample_site)]).output


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
    root = site({"site.yaml": MINIMAL_CONFIG + "search: false\n", "content/jobs/a.md": article("A")})
    build(root, BuildOptions(now=NOW))
    output = root / "output"
    assert not (output / BUNDLE).exists() and not (output / "search").exists()
    assert 'role="search"' not in (output / "index.html").read_text()
    assert "SearchAction" not in (output / "index.html").read_text()


@pytest.mark.parametrize("written, problem", [
    ("3", "site.yaml:14: error: search_shards: must be 1, 2, 4, 8 or 16, not 3\n  hint: 1 makes one search index "
          "per language; leave it out to have it chosen from the site's size\n"),
    ("many", "site.yaml:14: error: search_shards: must be a whole number of at least 1, not 'many'\n"
             "  hint: e.g. search_shards: 10\n"),
])
def test_a_shard_count_that_is_no_power_of_two_is_named_at_its_line(site, written, problem):
    root = site({"site.yaml": MINIMAL_CONFIG + f"search_shards: {written}\n", "content/jobs/a.md": article("A")})
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 2
    assert problem in result.output


# --- which shard an article is in (search.plan) --------------------------------------------------------

def members(count: int, language: str = "en", start: int = 0) -> list[Member]:
    return [Member(f"tag:example.org,2024:2024-01-01:a{n}", language, f"article.html articles/a{n}/index.html",
                   f"/articles/a{n}/") for n in range(start, start + count)]


def shard_of(shards) -> dict[str, str]:
    return {url: shard.id for shard in shards for _, url in shard.pages}


def test_an_article_added_moves_no_other_article_to_another_shard():
    before = shard_of(plan(members(400), "en"))
    after = shard_of(plan(members(401), "en"))
    assert len(set(before.values())) == 8
    assert {url: shard for url, shard in after.items() if url in before} == before


def test_when_the_shards_double_each_splits_in_two_and_no_article_crosses_between_them():
    small, large = shard_of(plan(members(400), "en", )), shard_of(plan(members(400), "en", forced=16))
    assert len(set(small.values())) == 8 and len(set(large.values())) == 16
    for url, shard in large.items():
        assert int(shard.split("-")[1]) % 8 == int(small[url].split("-")[1])


def test_each_language_has_shards_of_its_own_and_the_site_s_language_comes_first():
    shards = plan([*members(3, "zh"), *members(3, "en", start=3), *members(2, "ar", start=6)], "en")
    assert [(shard.id, len(shard.pages), shard.primary) for shard in shards] == [
        ("en-0", 3, True), ("ar-0", 2, False), ("zh-0", 3, False)]


def test_the_number_of_shards_keeps_what_a_reader_downloads_within_the_budget():
    assert shard_counts({"en": 15}) == {"en": 1}
    assert shard_counts({"en": 2_000}) == {"en": 16}
    assert shard_counts({"en": 10_000}) == {"en": 8}  # 7 more shards' chunk lists: about 31 KB
    assert shard_counts({"en": 100_000}) == {"en": 2}
    assert shard_counts({"en": 2_000, "zh": 12}) == {"en": 16, "zh": 1}
    assert shard_counts({"en": 2_000}, forced=1) == {"en": 1}


def test_two_files_of_one_folder_kept_across_option_sets_keep_their_own_bytes(sample_site, pagefind):
    # drafts on and off keep two manifests: the older one names inodes since replaced, while the
    # output and its standby share the files; a link renamed over the same file stays behind,
    # and was once copied into, writing shards.json's bytes into pagefind.js (live output too)
    def files() -> tuple[bytes, bytes]:
        folder = sample_site / "output" / BUNDLE
        return (folder / "pagefind.js").read_bytes(), (folder / "shards.json").read_bytes()
    build(sample_site, BuildOptions(now=NOW))
    first = files()
    draft = sample_site / "content/jobs/salary-negotiation-scripts.md"
    for text in ("\nMore.\n", "\nAnd more.\n"):
        draft.write_text(draft.read_text(encoding="utf-8") + text, encoding="utf-8")
        build(sample_site, BuildOptions(now=NOW, drafts=True))
    cv = sample_site / "content/jobs/writing-a-cv-that-gets-read.md"
    cv.write_text(cv.read_text(encoding="utf-8").replace('title: "Writing', 'title: "Penning'), encoding="utf-8")
    build(sample_site, BuildOptions(now=NOW))
    assert files() == first
    assert not list((sample_site / "output").rglob(".skillsite-link-*"))
