"""The feeds, read back by real clients: feedparser for RSS and Atom, a JSON Feed 1.1
validator written from the specification, lxml for well-formedness.

Sections: every feed of real sites; JSON Feed; which feeds exist and where they are
announced; items; ids that survive edits, renames and moves; the feed contract check;
messy content.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree

from skillsite.build import BuildOptions, begin, build, open_database, read_site
from skillsite.queries.contract import ContractSite
from skillsite.store import MemoryStore
from skillsite.cli import main
from skillsite.config import load_config
from skillsite.feedcontract import check_feed_contract, read_feed_items
from skillsite.model import BuildFailed
from conftest import MINIMAL_CONFIG, NOW, active_content, article, elements, tree_bytes

SAMPLE_BASE = "https://forum.skill.jobs/"
FEED_NAMES = ("feed.xml", "atom.xml", "feed.json")


# --- reading feeds -------------------------------------------------------------------------

def parse(path: Path):
    """An RSS or Atom feed as feedparser reads it; it must parse without any error."""
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == ("rss20" if path.name == "feed.xml" else "atom10"), path
    return parsed


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_FEED_KEYS = {"version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url", "icon",
              "favicon", "authors", "language", "expired", "hubs", "items"}
_ITEM_KEYS = {"id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
              "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments"}


def json_feed_problems(document) -> list[str]:
    """Everything in ``document`` that JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)
    does not allow: required members, types, URLs, RFC 3339 dates, author objects,
    unknown members (extensions must start with '_')."""
    problems: list[str] = []

    def is_url(value) -> bool:
        parts = urlsplit(value) if isinstance(value, str) else None
        return bool(parts and parts.scheme in ("http", "https") and parts.netloc and " " not in value)

    def check_members(where: str, value: dict, known: set[str], urls: tuple[str, ...], texts: tuple[str, ...]):
        problems.extend(f"{where}: unknown member '{key}'" for key in value if key not in known and not key.startswith("_"))
        problems.extend(f"{where}.{key}: not an absolute URL" for key in urls if key in value and not is_url(value[key]))
        problems.extend(f"{where}.{key}: not a string" for key in texts if key in value and not isinstance(value[key], str))
        if "authors" in value:
            authors = value["authors"]
            if not isinstance(authors, list) or not authors:
                problems.append(f"{where}.authors: not a non-empty array")
            for author in authors if isinstance(authors, list) else ():
                if not isinstance(author, dict) or not {"name", "url", "avatar"} & set(author):
                    problems.append(f"{where}.authors: {author!r} has no name, url or avatar")
                elif any(not isinstance(v, str) for v in author.values()) or ("url" in author and not is_url(author["url"])):
                    problems.append(f"{where}.authors: {author!r} is not a valid author")

    if not isinstance(document, dict):
        return ["the document is not an object"]
    if document.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version: {document.get('version')!r} is not https://jsonfeed.org/version/1.1")
    if not isinstance(document.get("title"), str):
        problems.append("title: missing or not a string")
    check_members("feed", document, _FEED_KEYS, ("home_page_url", "feed_url", "next_url", "icon", "favicon"),
                  ("description", "user_comment", "language"))
    items = document.get("items")
    if not isinstance(items, list):
        return problems + ["items: missing or not an array"]
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: not an object")
            continue
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}.id: missing or not a string")
        if not any(isinstance(item.get(key), str) for key in ("content_html", "content_text")):
            problems.append(f"{where}: neither content_html nor content_text")
        check_members(where, item, _ITEM_KEYS, ("url", "external_url", "image", "banner_image"),
                      ("title", "content_html", "content_text", "summary", "language"))
        for key in ("date_published", "date_modified"):
            if key in item and not (isinstance(item[key], str) and _RFC3339.fullmatch(item[key])):
                problems.append(f"{where}.{key}: {item[key]!r} is not an RFC 3339 date")
        if "tags" in item and not (isinstance(item["tags"], list) and all(isinstance(t, str) for t in item["tags"])):
            problems.append(f"{where}.tags: not an array of strings")
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    if len(ids) != len(set(ids)):
        problems.append("items: ids are not unique")
    return problems


def read_json_feed(path: Path) -> dict:
    """A JSON Feed, which must be valid JSON Feed 1.1."""
    document = json.loads(path.read_bytes())
    assert json_feed_problems(document) == [], path
    return document


def feed_items(path: Path) -> list[dict]:
    """id, title, link, content, published and updated of every item, whatever the format."""
    if path.name == "feed.json":
        return [{"id": item["id"], "title": item["title"], "link": item["url"], "content": item["content_html"],
                 "published": datetime.fromisoformat(item["date_published"]).timestamp(),
                 "updated": datetime.fromisoformat(item["date_modified"]).timestamp()}
                for item in read_json_feed(path)["items"]]
    return [{"id": entry.id, "title": entry.title, "link": entry.link, "content": entry.content[0].value,
             "published": calendar.timegm(entry.published_parsed), "updated": calendar.timegm(entry.updated_parsed)}
            for entry in parse(path).entries]


def all_feeds(output: Path) -> list[Path]:
    return sorted(p for name in FEED_NAMES for p in output.rglob(name))


def check_every_feed(output: Path, base: str) -> None:
    """Every feed parses as its format says, with unique ids, dates, and only absolute links;
    the three formats of one feed carry the same items."""
    for path in all_feeds(output):
        items = feed_items(path)
        ids = [item["id"] for item in items]
        assert len(ids) == len(set(ids)) and all(ids), path
        for item in items:
            assert item["link"].startswith(base + "articles/"), (path, item["link"])
            assert item["published"] <= item["updated"], (path, item["id"])
            for tag, attributes in elements(item["content"]):
                for name in ("href", "src"):
                    if attributes.get(name) is not None:
                        assert urlsplit(attributes[name]).scheme, (path, tag, attributes[name])
    for rss in output.rglob("feed.xml"):
        same = [[(i["id"], i["title"], i["link"]) for i in feed_items(rss.with_name(name))] for name in FEED_NAMES]
        assert same[0] == same[1] == same[2], rss


def build_site(root: Path, **options):
    return build(root, BuildOptions(now=NOW, **options))


def guids(output: Path, name: str = "feed.xml") -> dict[str, str]:
    """title -> id of every item of one feed."""
    return {item["title"]: item["id"] for item in feed_items(output / name)}


def feed_config(*lines: str) -> str:
    """The minimal site.yaml with more keys under ``feeds:``."""
    return MINIMAL_CONFIG + "".join(f"  {line}\n" for line in lines)


# --- every feed of real sites --------------------------------------------------------------

def test_every_feed_of_the_sample_site_parses_with_unique_ids_dates_and_absolute_links(sample_site):
    build_site(sample_site)
    output = sample_site / "output"
    assert len(all_feeds(output)) == 12  # the site's and three categories', in three formats
    check_every_feed(output, SAMPLE_BASE)
    items = feed_items(output / "feed.json")
    assert len(items) == 15  # 17 articles, less a draft and a scheduled one
    assert all(item["id"].startswith("tag:skill.jobs,2014:") for item in items)
    assert contract_warnings(build_site(sample_site)) == []  # rebuilt unchanged: every promise kept


def test_every_feed_of_the_real_world_corpus_parses_with_unique_ids_dates_and_absolute_links(corpus_site):
    result = build_site(corpus_site)
    check_every_feed(corpus_site / "output", SAMPLE_BASE)
    assert len(feed_items(corpus_site / "output" / "feed.json")) == min(20, result.articles)


# --- JSON Feed -----------------------------------------------------------------------------

def test_json_feed_carries_every_field_of_the_article(site):
    root = site({
        "content/jobs/a.md": article("A & B", "Text with [a link](/tag/).\n", date="2024-03-05 10:30",
                                     updated="2024-04-01 08:00", tags="[interview, cv]", lang="ar",
                                     image="/images/a.png", source="https://original.example.com/a/",
                                     summary="The summary."),
    })
    build_site(root)
    feed = read_json_feed(root / "output" / "feed.json")
    assert {key: feed[key] for key in ("version", "title", "home_page_url", "feed_url", "language")} == {
        "version": "https://jsonfeed.org/version/1.1", "title": "Test Board", "home_page_url": "https://example.org/",
        "feed_url": "https://example.org/feed.json", "language": "en"}
    item = feed["items"][0]
    assert {key: value for key, value in item.items() if key != "content_html"} == {
        "id": "tag:example.org,2024:2024-03-05:a",
        "url": "https://example.org/articles/a/",
        "title": "A & B",
        "summary": "The summary.",
        "date_published": "2024-03-05T10:30:00+06:00",
        "date_modified": "2024-04-01T08:00:00+06:00",
        "authors": [{"name": "moderator", "url": "https://example.org/author/moderator/"}],
        "tags": ["jobs", "interview", "cv"],
        "language": "ar",
        "image": "https://example.org/images/a.png",
        "external_url": "https://original.example.com/a/",
    }
    assert 'href="https://original.example.com/tag/"' in item["content_html"]  # curated: against the source
    assert "Source: <a href=\"https://original.example.com/a/\">" in item["content_html"]


def test_json_feed_is_written_deterministically_with_sorted_keys_and_unescaped_text(site):
    root = site({"content/jobs/a.md": article("Emoji 🎉 and বাংলা")})
    build_site(root, output=root / "one")
    build_site(root, output=root / "two")
    raw = (root / "one" / "feed.json").read_bytes()
    assert raw == (root / "two" / "feed.json").read_bytes()
    assert "Emoji 🎉 and বাংলা".encode() in raw and b"\\u" not in raw
    assert list(json.loads(raw)) == sorted(json.loads(raw))


@pytest.mark.parametrize("broken, problem", [
    ({"title": "T", "items": []}, "version: None is not https://jsonfeed.org/version/1.1"),
    ({"version": "https://jsonfeed.org/version/1.1", "items": []}, "title: missing or not a string"),
    ({"version": "https://jsonfeed.org/version/1.1", "title": "T"}, "items: missing or not an array"),
    ({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": 1, "content_text": "x"}]},
     "items[0].id: missing or not a string"),
    ({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1"}]},
     "items[0]: neither content_html nor content_text"),
    ({"version": "https://jsonfeed.org/version/1.1", "title": "T",
      "items": [{"id": "1", "content_text": "x", "date_published": "2024-03-05 10:30"}]},
     "items[0].date_published: '2024-03-05 10:30' is not an RFC 3339 date"),
    ({"version": "https://jsonfeed.org/version/1.1", "title": "T",
      "items": [{"id": "1", "content_text": "x", "url": "/articles/a/"}]}, "items[0].url: not an absolute URL"),
    ({"version": "https://jsonfeed.org/version/1.1", "title": "T",
      "items": [{"id": "1", "content_text": "x", "authors": [{"email": "a@b.c"}]}]},
     "items[0].authors: {'email': 'a@b.c'} has no name, url or avatar"),
    ({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "content_text": "x", "author": {}}]},
     "items[0]: unknown member 'author'"),
])
def test_the_json_feed_validator_rejects_what_the_specification_forbids(broken, problem):
    assert problem in json_feed_problems(broken)


# --- which feeds exist, and where they are announced --------------------------------------

def alternates(page: Path) -> list[tuple[str, str]]:
    """(type, href) of every <link rel="alternate"> of a page."""
    return [(a["type"], a["href"]) for tag, a in elements(page.read_text(encoding="utf-8"))
            if tag == "link" and a.get("rel") == "alternate"]


def announced(folder: str) -> list[tuple[str, str]]:
    return [("application/rss+xml", f"/{folder}feed.xml"), ("application/atom+xml", f"/{folder}atom.xml"),
            ("application/feed+json", f"/{folder}feed.json")]


@pytest.mark.parametrize("feed", FEED_NAMES)
def test_each_category_has_its_own_feed_of_its_articles(site, feed):
    root = site({"content/jobs/a.md": article("A job article"),
                 "content/career/b.md": article("A career article", category="career")})
    build_site(root)
    assert [i["title"] for i in feed_items(root / "output/category/career" / feed)] == ["A career article"]
    assert feed_items(root / "output/category/entrepreneurship" / feed) == []


def test_tag_and_author_feeds_exist_only_when_site_yaml_asks_for_them(site):
    files = {"content/jobs/a.md": article("A", tags="[Interview, CV]", author="Nasrin Akter"),
             "content/jobs/b.md": article("B", tags="[Interview]", date="2024-03-06 10:00")}
    root = site(files)
    build_site(root)
    assert not (root / "output/tag/interview/feed.xml").exists()
    assert not (root / "output/author/nasrin-akter/feed.json").exists()
    assert alternates(root / "output/tag/interview/index.html") == announced("")

    (root / "site.yaml").write_text(feed_config("per_tag: true", "per_author: true"), encoding="utf-8")
    build_site(root)
    output = root / "output"
    for feed in FEED_NAMES:
        assert [i["title"] for i in feed_items(output / "tag/interview" / feed)] == ["B", "A"]
        assert [i["title"] for i in feed_items(output / "author/nasrin-akter" / feed)] == ["A"]
    assert parse(output / "tag/cv/atom.xml").feed.title == "Test Board: CV"
    assert alternates(output / "tag/interview/index.html") == announced("") + announced("tag/interview/")
    assert alternates(output / "author/nasrin-akter/index.html") == announced("") + announced("author/nasrin-akter/")
    check_every_feed(output, "https://example.org/")


def test_a_tag_in_another_script_gets_a_feed_whose_links_are_percent_encoded(site):
    root = site({"site.yaml": feed_config("per_tag: true"), "content/jobs/a.md": article("A", tags="[চাকরি]")})
    build_site(root)
    rss = parse(root / "output/tag/চাকরি/feed.xml")
    assert rss.feed.link == "https://example.org/tag/%E0%A6%9A%E0%A6%BE%E0%A6%95%E0%A6%B0%E0%A6%BF/"
    assert read_json_feed(root / "output/tag/চাকরি/feed.json")["feed_url"].endswith("%BF/feed.json")


def test_pages_announce_the_site_feeds_and_their_own_in_every_format(site):
    root = site({"content/jobs/a.md": article("A")})
    build_site(root)
    output = root / "output"
    assert alternates(output / "index.html") == announced("")
    assert alternates(output / "category/jobs/index.html") == announced("") + announced("category/jobs/")
    assert alternates(output / "articles/a/index.html") == announced("") + announced("category/jobs/")
    for kind, href in announced("") + announced("category/jobs/"):
        assert (output / href[1:]).is_file()


def test_feed_length_is_configurable_and_newest_first(site):
    root = site({"site.yaml": feed_config("length: 2"),
                 **{f"content/jobs/a{i}.md": article(f"A{i}", date=f"2024-01-0{i} 10:00") for i in range(1, 5)}})
    build_site(root)
    for feed in FEED_NAMES:
        assert [i["title"] for i in feed_items(root / "output" / feed)] == ["A4", "A3"]


def test_channels_name_themselves_their_page_and_their_logo_with_absolute_urls(site):
    root = site({"site.yaml": feed_config("logo: /images/logo.png"), "content/jobs/a.md": article("A")})
    build_site(root, base_url="https://example.org/board/")
    output = root / "output"
    rss, atom = parse(output / "category/jobs/feed.xml"), parse(output / "category/jobs/atom.xml")
    feed = read_json_feed(output / "category/jobs/feed.json")
    logo = "https://example.org/board/images/logo.png"
    assert rss.feed.image.href == atom.feed.logo == atom.feed.icon == feed["icon"] == logo
    assert rss.feed.link == atom.feed.link == feed["home_page_url"] == "https://example.org/board/category/jobs/"
    self_links = [link.href for link in atom.feed.links if link.rel == "self"]
    assert self_links == ["https://example.org/board/category/jobs/atom.xml"]
    assert feed["feed_url"] == "https://example.org/board/category/jobs/feed.json"
    assert rss.feed.title == atom.feed.title == feed["title"] == "Test Board: Jobs"
    assert rss.feed.language == "en"


@pytest.mark.parametrize("lines, message", [
    (("per_tag: yes",), "site.yaml:14: error: feeds.per_tag: must be true or false, not 'yes'"),
    (("logo: logo.png",), "site.yaml:14: error: feeds.logo: 'logo.png' is not a web address"),
    (("per_authors: true",), "site.yaml:14: error: unknown field 'per_authors' (did you mean 'per_author'?)"),
])
def test_site_yaml_feed_options_are_checked(site, lines, message):
    root = site({"site.yaml": feed_config(*lines)})
    with pytest.raises(BuildFailed) as failed:
        load_config(root)
    assert [d.format().split("\n")[0] for d in failed.value.diagnostics] == [message]


# --- items ---------------------------------------------------------------------------------

def test_items_carry_full_content_with_absolute_links_and_the_source(site):
    root = site({
        "content/jobs/a.md": article("A", "See [b](./b.md#part), [home](/), ![logo](/images/l.png) and [^1].\n\n[^1]: Note.\n"),
        "content/jobs/b.md": article("B", "Text.\n", source="https://original.example.com/post/b/"),
    })
    build_site(root)
    for feed in FEED_NAMES:
        items = {i["title"]: i for i in feed_items(root / "output" / feed)}
        content = items["A"]["content"]
        assert 'href="https://example.org/articles/b/#part"' in content
        assert 'href="https://example.org/"' in content
        assert 'src="https://example.org/images/l.png"' in content
        assert 'href="https://example.org/articles/a/#fn1"' in content
        assert "https://original.example.com/post/b/" in items["B"]["content"]
    for feed in ("feed.xml", "atom.xml"):
        assert {e.title: e.summary for e in parse(root / "output" / feed).entries}["A"] == "See b, home, logo and."
    assert {i["title"]: i["summary"] for i in read_json_feed(root / "output/feed.json")["items"]}["A"] == \
        "See b, home, logo and."


def test_feed_dates_come_from_the_articles_not_the_clock(site):
    root = site({
        "content/jobs/a.md": article("A", date="2020-01-02 03:04"),
        "content/jobs/b.md": article("B", date="2021-05-06 07:08", updated="2022-01-01 00:00"),
    })
    build_site(root)
    rss = parse(root / "output" / "feed.xml")
    assert time.strftime("%Y-%m-%d %H:%M", rss.feed.updated_parsed) == "2021-12-31 18:00"  # UTC of +06:00
    assert "+0600" in (root / "output" / "feed.xml").read_text()
    atom = parse(root / "output" / "atom.xml")
    assert atom.feed.updated.startswith("2022-01-01T00:00:00+06:00")
    item = read_json_feed(root / "output" / "feed.json")["items"][0]
    assert (item["date_published"], item["date_modified"]) == ("2021-05-06T07:08:00+06:00", "2022-01-01T00:00:00+06:00")


# --- ids that never change -----------------------------------------------------------------

def all_guids(output: Path) -> dict[str, dict[str, str]]:
    """feed file -> (title -> id), for every feed of the site."""
    return {path.relative_to(output).as_posix(): {i["title"]: i["id"] for i in feed_items(path)}
            for path in all_feeds(output)}


def contract_warnings(result) -> list[str]:
    """The feed contract's warnings among a build's."""
    return [w.format() for w in result.warnings
            if w.message.startswith(("its feed id changed", "its URL changed", "it moved from"))]


@pytest.fixture
def published(site):
    """A site built once: two articles, one with an id pinned by front matter."""
    root = site({"content/jobs/interview-tips.md": article("Interview tips", "First body.\n"),
                 "content/jobs/other.md": article("Other", id="https://old.example.net/2014/other.html")})
    build_site(root)
    return root


def test_guids_are_minted_from_the_authority_first_date_and_first_slug_or_pinned_by_id(published):
    minted = {"Interview tips": "tag:example.org,2024:2024-03-05:interview-tips",
              "Other": "https://old.example.net/2014/other.html"}
    for name, ids in all_guids(published / "output").items():
        assert ids == (minted if name in FEED_NAMES or name.startswith("category/jobs/") else {}), name


def test_guids_survive_editing_the_title_and_body(published):
    before = all_guids(published / "output")
    (published / "content/jobs/interview-tips.md").write_text(
        article("Interviews: the complete guide", "Rewritten body.\n", updated="2024-06-01"), encoding="utf-8")
    result = build_site(published)
    after = all_guids(published / "output")
    assert {f: sorted(ids.values()) for f, ids in after.items()} == {f: sorted(ids.values()) for f, ids in before.items()}
    assert contract_warnings(result) == []


def test_guids_survive_renaming_the_slug_with_an_alias_and_the_old_url_redirects(published):
    before = all_guids(published / "output")
    (published / "content/jobs/interview-tips.md").unlink()
    (published / "content/career").mkdir()
    (published / "content/career/interviews.md").write_text(
        article("Interview tips", category="career", aliases="[interview-tips]"), encoding="utf-8")
    result = build_site(published)
    after = all_guids(published / "output")
    for feed in ("feed.xml", "atom.xml", "feed.json"):
        assert after[feed] == before[feed]
    assert after["category/career/feed.json"]["Interview tips"] == before["feed.json"]["Interview tips"]
    assert feed_items(published / "output/feed.json")[0]["link"] == "https://example.org/articles/interviews/"
    redirect = (published / "output/articles/interview-tips/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/articles/interviews/">' in redirect
    assert '<link rel="canonical" href="https://example.org/articles/interviews/">' in redirect
    assert contract_warnings(result) == []


@pytest.mark.parametrize("base_url", ["http://example.org/", "https://new-domain.example.com/board/"])
def test_guids_survive_a_new_scheme_or_domain(published, base_url):
    before = all_guids(published / "output")
    result = build_site(published, base_url=base_url)
    assert all_guids(published / "output") == before
    assert feed_items(published / "output/feed.json")[0]["link"].startswith(base_url)
    assert contract_warnings(result) == []


# --- the feed contract ---------------------------------------------------------------------

def test_contract_warns_when_a_published_article_gets_a_new_guid(published):
    (published / "content/jobs/interview-tips.md").write_text(article("Interview tips", date="2024-03-06 10:30"),
                                                             encoding="utf-8")
    result = build_site(published)
    assert contract_warnings(result) == [
        "content/jobs/interview-tips.md:3: warning: its feed id changed from "
        "'tag:example.org,2024:2024-03-05:interview-tips' to 'tag:example.org,2024:2024-03-06:interview-tips': "
        "feed readers would show it again as a new article\n"
        "  hint: keep the id subscribers have: add the line  id: tag:example.org,2024:2024-03-05:interview-tips  "
        "to its front matter (or undo the change to its date, slug, aliases or id)"]


def test_contract_warns_when_a_url_changes_without_an_alias(published):
    (published / "content/jobs/other.md").write_text(
        article("Other", id="https://old.example.net/2014/other.html", slug="another"), encoding="utf-8")
    result = build_site(published)
    assert contract_warnings(result) == [
        "content/jobs/other.md:7: warning: its URL changed from /articles/other/ to /articles/another/ without an "
        "alias: the links feed subscribers saved would break\n"
        "  hint: list the old slug under aliases (oldest first): aliases: [other]; the old URL then redirects to the new one"]


def test_contract_warns_when_a_rename_without_an_alias_changes_both_url_and_guid(published):
    (published / "content/jobs/interview-tips.md").rename(published / "content/jobs/interview-advice.md")
    result = build_site(published)
    [warning] = contract_warnings(result)
    assert warning.startswith(
        "content/jobs/interview-advice.md:1: warning: it moved from /articles/interview-tips/ to "
        "/articles/interview-advice/ without an alias, so its feed id changed from "
        "'tag:example.org,2024:2024-03-05:interview-tips' to 'tag:example.org,2024:2024-03-05:interview-advice'")
    assert ("hint: list the old slug under aliases (oldest first): aliases: [interview-tips]; "
            "the old URL then redirects and the old id comes back") in warning


def test_contract_asks_to_pin_the_id_when_an_alias_alone_cannot_bring_it_back(published):
    (published / "content/jobs/interview-tips.md").unlink()
    (published / "content/jobs/interview-advice.md").write_text(article("Interview tips", date="2024-03-07"),
                                                               encoding="utf-8")
    [warning] = contract_warnings(build_site(published))
    assert ("aliases: [interview-tips]; the old URL then redirects; and add the line  "
            "id: tag:example.org,2024:2024-03-05:interview-tips  to keep the id subscribers have") in warning


def test_contract_is_silent_about_articles_deleted_unpublished_or_new(published):
    (published / "content/jobs/other.md").unlink()
    (published / "content/jobs/interview-tips.md").write_text(article("Interview tips", draft="true"), encoding="utf-8")
    (published / "content/jobs/new.md").write_text(article("New", date="2024-05-01"), encoding="utf-8")
    assert contract_warnings(build_site(published)) == []


@pytest.mark.parametrize("kept", FEED_NAMES)
def test_contract_reads_the_previous_feeds_in_each_format(published, kept):
    for name in FEED_NAMES:
        if name != kept:
            (published / "output" / name).unlink()
    for path in (published / "output" / "category").rglob("*"):
        if path.name in FEED_NAMES:
            path.unlink()
    (published / "content/jobs/interview-tips.md").write_text(article("Interview tips", date="2024-03-06"),
                                                             encoding="utf-8")
    assert [w.split(":")[0] for w in contract_warnings(build_site(published))] == ["content/jobs/interview-tips.md"]


def published_site(root: Path, options: BuildOptions) -> ContractSite:
    """The published site as the contract looks it up, read as a build would."""
    db = open_database(root, options, MemoryStore())
    begin(db, options, options.now)
    read_site(db, pages=False)
    return ContractSite(db)


def test_contract_compares_site_paths_so_a_previous_build_under_another_base_url_is_no_break(published):
    build_site(published, base_url="https://example.org/forum/")
    previous = {name: (published / "output" / name).read_bytes() for name in FEED_NAMES}
    assert {i.path for name, raw in previous.items() for i in read_feed_items(name, raw)} == {
        "articles/interview-tips/", "articles/other/"}
    assert check_feed_contract(previous, published_site(published, BuildOptions(
        now=NOW, base_url="http://elsewhere.example.com/"))) == []


def test_contract_ignores_previous_feeds_it_cannot_read(published):
    garbage = {"feed.xml": b"<rss><channel><item>", "atom.xml": b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
               "feed.json": b"[1, 2"}
    assert check_feed_contract(garbage, published_site(published, BuildOptions(now=NOW))) == []


def test_strict_build_turns_a_broken_contract_into_exit_1_and_keeps_the_previous_output(published):
    before = tree_bytes(published / "output")
    (published / "content/jobs/interview-tips.md").write_text(article("Interview tips", date="2024-03-06"),
                                                             encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(published), "--strict"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "content/jobs/interview-tips.md:3: error: its feed id changed from" in result.output
    assert "Build failed: 1 error in 1 file. Nothing was written; the previous output is unchanged." in result.output
    assert tree_bytes(published / "output") == before
    result = CliRunner().invoke(main, ["build", str(published)], catch_exceptions=False)
    assert result.exit_code == 0 and "content/jobs/interview-tips.md:3: warning: its feed id changed" in result.output


# --- messy content -------------------------------------------------------------------------

def test_messy_content_comes_out_well_formed_in_every_format(site):
    title = "Tom & Jerry ]]> 🎉 ابدأ مشروعك <b>bold</b>"
    body = ("A & B ]]> <![CDATA[ x ]]> 🎉 \u200f\n\n<div dir=\"rtl\" lang=\"ar\"><p>ابدأ مشروعك الصغير</p></div>\n\n"
            "<aside class=\"note\"><p>Raw <em>HTML</em> aside</p></aside>\n")
    root = site({"content/jobs/a.md": article(title, body, tags='["C# & .NET", "ريادة"]')})
    build_site(root)
    for name in FEED_NAMES:
        path = root / "output" / name
        if path.suffix == ".xml":
            etree.fromstring(path.read_bytes(), etree.XMLParser(recover=False))
        [item] = feed_items(path)
        assert item["title"] == title
        assert "A &amp; B ]]&gt;" in item["content"]
        assert '<div dir="rtl" lang="ar"><p>ابدأ مشروعك الصغير</p></div>' in item["content"]
        assert '<aside class="note"><p>Raw <em>HTML</em> aside</p></aside>' in item["content"]
    assert [t.term for t in parse(root / "output" / "atom.xml").entries[0].tags] == ["jobs", "C# & .NET", "ريادة"]


def test_hostile_titles_read_back_exactly_and_content_is_inert(site):
    title = "<script>alert(\"x\")</script> Tom & Jerry's \"CV\" ]]> tips"
    root = site({"content/jobs/a.md": article(title.replace('"', '\\"'), "Body <script>alert(1)</script>"
                                             "<img src=x onerror=alert(1)> [x](javascript:alert(1))\n")})
    build_site(root)
    for feed in FEED_NAMES:
        [item] = feed_items(root / "output" / feed)
        assert item["title"] == title
        assert active_content(item["content"], fragment=True) == []


def test_a_control_character_in_a_title_is_removed_with_a_warning_naming_file_and_line(site):
    root = site({"content/jobs/a.md": article("Tom\x01 & Jerry\x1b")})
    result = build_site(root)
    assert [w.format() for w in result.warnings] == [
        "content/jobs/a.md:2: warning: invisible control characters (U+0001, U+001B) were removed\n"
        "  hint: they usually come from copying and pasting; retype the line if it looks wrong"]
    for feed in FEED_NAMES:
        assert [i["title"] for i in feed_items(root / "output" / feed)] == ["Tom & Jerry"]


def test_a_control_character_written_as_a_yaml_escape_never_breaks_a_feed(site):
    root = site({"content/jobs/a.md": article("Tom\\x01 & Jerry", tags='["a\\x02b"]', author='"mod\\x01erator"')})
    build_site(root)
    for feed in FEED_NAMES:
        assert [i["title"] for i in feed_items(root / "output" / feed)] == ["Tom & Jerry"]
    assert parse(root / "output/atom.xml").entries[0].author == "moderator"
    check_every_feed(root / "output", "https://example.org/")
