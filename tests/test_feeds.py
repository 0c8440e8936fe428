"""The feeds, read back by a real feed reader's parser (feedparser)."""

from __future__ import annotations

import time
from pathlib import Path

import feedparser
import pytest

from skillsite.build import BuildOptions, build
from conftest import MINIMAL_CONFIG, NOW, active_content, article


def parse(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def build_site(root: Path, **options):
    return build(root, BuildOptions(now=NOW, **options))


def guids(output: Path, name: str = "feed.xml") -> dict[str, str]:
    """title -> guid of every item."""
    return {entry.title: entry.id for entry in parse(output / name).entries}


def test_sample_site_feeds_parse_as_rss_and_atom_with_dated_unique_items(sample_site):
    build_site(sample_site)
    output = sample_site / "output"
    feeds = sorted(output.glob("**/feed.xml")) + sorted(output.glob("**/atom.xml"))
    assert len(feeds) == 8  # the site's and three categories', RSS and Atom
    for path in feeds:
        parsed = parse(path)
        assert parsed.version == ("rss20" if path.name == "feed.xml" else "atom10")
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids))
        for entry in parsed.entries:
            assert entry.published_parsed and entry.updated_parsed
            assert entry.link.startswith("https://forum.skill.jobs/articles/")
            assert entry.id.startswith("tag:skill.jobs,2014:")
    site_feed = parse(output / "feed.xml")
    assert len(site_feed.entries) == 15  # 17 articles, less a draft and a scheduled one


def test_items_carry_full_content_with_absolute_links_and_the_source(site):
    root = site({
        "content/jobs/a.md": article("A", "See [b](./b.md#part), [home](/), ![logo](/images/l.png) and [^1].\n\n[^1]: Note.\n"),
        "content/jobs/b.md": article("B", "Text.\n", source="https://original.example.com/post/b/"),
    })
    build_site(root)
    entries = {e.title: e for e in parse(root / "output" / "feed.xml").entries}
    content = entries["A"].content[0].value
    assert 'href="https://example.org/articles/b/#part"' in content
    assert 'href="https://example.org/"' in content
    assert 'src="https://example.org/images/l.png"' in content
    assert 'href="https://example.org/articles/a/#fn1"' in content
    assert entries["A"].summary == "See b, home, logo and."
    assert "https://original.example.com/post/b/" in entries["B"].content[0].value


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


def test_guids_survive_title_body_category_edits_renames_and_a_new_base_url(site):
    original = article("Interview tips", "First body.\n", date="2024-03-05 10:30")
    root = site({"content/jobs/interview-tips.md": original,
                 "content/jobs/other.md": article("Other", id="https://old.example.net/2014/other.html")})
    build_site(root)
    before = guids(root / "output")
    assert before["Interview tips"] == "tag:example.org,2024:2024-03-05:interview-tips"
    assert before["Other"] == "https://old.example.net/2014/other.html"

    # new title, new body, new category, new slug (the old one kept as an alias), new domain
    (root / "content/jobs/interview-tips.md").unlink()
    (root / "content/career").mkdir()
    (root / "content/career/interviews.md").write_text(
        article("Interviews: the complete guide", "Rewritten body.\n", date="2024-03-05 10:30",
                category="career", aliases="[interview-tips]"), encoding="utf-8")
    build_site(root, base_url="http://new-domain.example.com/board/")
    after = guids(root / "output")
    assert after["Interviews: the complete guide"] == before["Interview tips"]
    assert after["Other"] == before["Other"]

    redirect = (root / "output/articles/interview-tips/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/board/articles/interviews/">' in redirect
    assert '<link rel="canonical" href="http://new-domain.example.com/board/articles/interviews/">' in redirect


def test_hostile_titles_read_back_exactly_and_content_is_inert(site):
    title = "<script>alert(\"x\")</script> Tom & Jerry's \"CV\" ]]> tips"
    root = site({"content/jobs/a.md": article(title.replace('"', '\\"'), "Body <script>alert(1)</script>"
                                             "<img src=x onerror=alert(1)> [x](javascript:alert(1))\n")})
    build_site(root)
    for name in ("feed.xml", "atom.xml"):
        entry = parse(root / "output" / name).entries[0]
        assert entry.title == title
        assert active_content(entry.content[0].value) == []


@pytest.mark.parametrize("feed", ["feed.xml", "atom.xml"])
def test_each_category_has_its_own_feed_of_its_articles(site, feed):
    root = site({"content/jobs/a.md": article("A job article"),
                 "content/career/b.md": article("A career article", category="career")})
    build_site(root)
    titles = [e.title for e in parse(root / "output/category/career" / feed).entries]
    assert titles == ["A career article"]
    assert parse(root / "output/category/entrepreneurship" / feed).entries == []


def test_feed_length_is_configurable_and_newest_first(site):
    config = MINIMAL_CONFIG + "  length: 2\n"
    root = site({"site.yaml": config, **{f"content/jobs/a{i}.md": article(f"A{i}", date=f"2024-01-0{i} 10:00")
                                          for i in range(1, 5)}})
    build_site(root)
    assert [e.title for e in parse(root / "output" / "feed.xml").entries] == ["A4", "A3"]
