"""Videos without tracking, players, and what the sanitiser removes said out loud.

A YouTube or Vimeo <iframe>, or a link to one on a line of its own, becomes a card with its
title and a play link to the player on the no-cookie domain: the page makes no request to
another site when it loads (recorded in Chromium). <video> and <audio> from this site or
https:// keep their controls and load nothing until played. Everything else the allow-list
removes is a warning at its line; no hostile vector and no real article loses anything
without one.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from conftest import MINIMAL_CONFIG, NOW, article, elements, write_tree
from skillsite.build import BuildOptions, build, load_documents
from skillsite.config import load_config
from skillsite.embeds import embed_videos, video_at
from skillsite.model import SourceDocument
from skillsite.sanitize import ALLOWED_TAGS, DROPPED_WITH_CONTENT
from skillsite.markdown import make_markdown, render_markdown
from clients import serve
from test_browser import PHONE, open_page, serious_violations
from skillsite.site import link_targets, placement
from test_hostile import MD, META, TARGETS, VECTORS
from test_markdown import A, render, warnings
from test_validation import vnu_errors

YOUTUBE_PLAYER = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
EMBED = ('<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=x" '
         'title="Answering competency questions" frameborder="0" allow="autoplay; encrypted-media" '
         "allowfullscreen></iframe>")


def card(title: str, player: str = YOUTUBE_PLAYER, site: str = "YouTube") -> str:
    return (f'<figure class="video-card"><figcaption>{title}</figcaption>'
            f'<a class="video-play" href="{player.replace("&", "&amp;")}">Play the video on {site}</a></figure>')


@pytest.mark.parametrize("url, found", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ("YouTube", "dQw4w9WgXcQ", 0)),
    ("https://youtu.be/dQw4w9WgXcQ?t=1m30s", ("YouTube", "dQw4w9WgXcQ", 90)),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=45", ("YouTube", "dQw4w9WgXcQ", 45)),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", ("YouTube", "dQw4w9WgXcQ", 0)),
    ("//www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=12", ("YouTube", "dQw4w9WgXcQ", 12)),
    ("https://vimeo.com/76979871", ("Vimeo", "76979871", 0)),
    ("https://player.vimeo.com/video/76979871?h=abc123", ("Vimeo", "76979871", 0)),
    ("https://www.youtube.com/watch?v=<script>", None),
    ("https://www.youtube.com/@channel", None),
    ("https://vimeo.com/channels/staffpicks", None),
    ("https://example.org/watch?v=dQw4w9WgXcQ", None),
    ("javascript:alert(1)//youtu.be/dQw4w9WgXcQ", None),
])
def test_finds_youtube_and_vimeo_videos_in_every_form_of_address(url, found):
    video = video_at(url)
    assert (video and (video.site, video.id, video.start)) == found


def test_a_youtube_iframe_becomes_a_card_that_loads_nothing(site):
    rendered = render(site, f"Intro.\n\n{EMBED}\n\nAfter.\n")
    assert rendered.html == f"<p>Intro.</p>\n{card('Answering competency questions')}\n<p>After.</p>\n"
    assert warnings(rendered) == []


def test_a_video_link_on_a_line_of_its_own_becomes_a_card_with_its_text_as_title(site):
    body = ("[How to pitch to investors](https://vimeo.com/76979871)\n\n"
            "https://youtu.be/dQw4w9WgXcQ?t=65\n\n"
            "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n")
    assert render(site, body).html == (
        card("How to pitch to investors", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1", "Vimeo") + "\n"
        + card("A video on YouTube", YOUTUBE_PLAYER + "&start=65") + "\n" + card("A video on YouTube") + "\n")


def test_a_video_iframe_in_an_html_block_or_amid_text_is_replaced_too(site):
    body = (f'<div class="videos">\n{EMBED}\n</div>\n\n'
            'See <iframe src="https://player.vimeo.com/video/76979871" title="the pitch"></iframe> first.\n')
    html = render(site, body).html
    assert html == (f"<div>\n{card('Answering competency questions')}\n</div>\n"
                    '<p>See <a class="video-play" href="https://player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1">'
                    "the pitch (play the video on Vimeo)</a> first.</p>\n")


def test_links_to_videos_inside_text_or_a_list_stay_links(site):
    body = ("Watch [this talk](https://youtu.be/dQw4w9WgXcQ) today.\n\n"
            "- [Talk one](https://youtu.be/dQw4w9WgXcQ)\n- [Talk two](https://vimeo.com/76979871)\n")
    assert "video-card" not in render(site, body).html


def test_any_other_iframe_is_removed_with_a_warning_that_offers_a_link(site):
    rendered = render(site, 'Text.\n\n<iframe src="https://maps.example.org/embed?q=dhaka"></iframe>\n')
    assert "iframe" not in rendered.html
    assert warnings(rendered) == [
        f"{A}:9: warning: an embedded frame (<iframe> from maps.example.org) was removed: pages load nothing from "
        "other sites into themselves\n"
        "  hint: link to it instead: [what it shows](https://maps.example.org/embed?q=dhaka) (a YouTube or Vimeo "
        "video becomes a play card by itself)"]


def test_videos_and_sounds_from_this_site_or_https_keep_controls_and_load_nothing_until_played(site):
    body = ('<video src="/media/interview.mp4" poster="/media/interview.jpg" width="640" height="360" autoplay '
            'onplay="x()"></video>\n\n'
            '<audio><source src="https://example.org/podcast.ogg" type="audio/ogg">'
            '<track src="/media/podcast.vtt" kind="captions" srclang="en" label="English" default></audio>\n')
    rendered = render(site, body, files={"static/media/interview.mp4": b"x", "static/media/interview.jpg": b"x",
                                         "static/media/podcast.vtt": b"x"})
    assert rendered.html == (
        '<p><video src="/media/interview.mp4" poster="/media/interview.jpg" width="640" height="360" controls="" '
        'preload="none"></video></p>\n'
        '<p><audio controls="" preload="none"><source src="https://example.org/podcast.ogg" type="audio/ogg">'
        '<track src="/media/podcast.vtt" kind="captions" srclang="en" label="English" default=""></audio></p>\n')
    assert warnings(rendered) == [
        f"{A}:7: warning: autoplay was removed: a video or a sound plays when its reader starts it\n  hint: delete it",
        f"{A}:7: warning: event handlers (onplay=) were removed: pages never run code from an article\n"
        "  hint: delete them"]


def test_a_player_from_a_plain_http_address_is_removed_with_a_warning(site):
    body = 'Text.\n\n<video src="http://example.org/talk.mp4"></video>\n'
    rendered = render(site, body)
    assert "video" not in rendered.html
    assert warnings(rendered) == [
        f"{A}:9: warning: 'http://example.org/talk.mp4' was removed: a video or a sound, its poster and its captions "
        "load only from https:// addresses or from this site\n"
        "  hint: use its https:// address, or put the file in the site's static/ folder or beside the article"]


def test_each_kind_of_removal_is_one_warning_at_its_first_line_naming_the_others(site):
    body = ("Text <script>alert(1)</script> and <font color=red>red</font>\n"
            'and <span style="color: red" onclick="x()">this</span>.\n\n'
            '<svg viewBox="0 0 1 1"><g><path d="M0 0"/></g></svg>\n\n'
            '<head>\n<meta name="description" content="x">\n</head>\n\n'
            '<input type="checkbox" id="a"><label for="a">Licence?</label>\n\n'
            '<input type="checkbox" id="b"><label for="b">README?</label>\n\n'
            '<div class="pquote" markdown="1" id="q">Kept, without a word.</div>\n')
    assert warnings(render(site, body)) == [
        f"{A}:7: warning: a <script> was removed, with its code: pages never run code from an article\n"
        "  hint: delete it; to show code to readers, put it between two lines of ```",
        f"{A}:7: warning: the tag <font> was removed (the text is kept): not one this site shows\n"
        "  hint: delete the tag and keep the text, or use Markdown (**bold**, *italic*, > quote, tables)",
        f"{A}:8: warning: a style= was removed: the theme decides colours, sizes and spacing\n"
        "  hint: delete it; to align a table's column, write :--: in the line under its heading",
        f"{A}:8: warning: event handlers (onclick=) were removed: pages never run code from an article\n"
        "  hint: delete them",
        f"{A}:10: warning: an inline drawing (<svg>) was removed, with everything in it\n"
        "  hint: save it as a file (a .svg) beside the article or in static/, and show it with "
        "![what it shows](drawing.svg)",
        f"{A}:12: warning: page settings (<head>, <meta>) were removed: the theme writes each page's head "
        "(also on line 13)\n  hint: delete them; a description for search engines goes in the front matter's summary:",
        f"{A}:16: warning: form controls (<input>, <label>) were removed: articles cannot hold forms "
        "(also on line 18)\n  hint: describe them in words, or link to the form where it is"]


class _Inventory(HTMLParser):
    """What a reader could lose of some HTML: its elements (headings as one kind: they are
    moved between levels, not lost) and the attributes removals are said of."""

    def __init__(self):
        super().__init__()
        self.found: Counter = Counter()
        self.inside: list[str] = []  # open elements removed with all they hold: one loss

    def handle_endtag(self, tag):
        if tag in self.inside:
            del self.inside[self.inside.index(tag):]

    def handle_starttag(self, tag, attrs):
        if self.inside:
            return
        self.found["<h>" if re.fullmatch(r"h[1-6]", tag) else f"<{tag}>"] += 1
        if tag in DROPPED_WITH_CONTENT:
            self.inside += [tag] if tag not in ("embed", "frame") else []
        if tag not in ALLOWED_TAGS:
            return  # its attributes go with it
        for name, value in attrs:
            if name in ("href", "src", "poster", "cite", "style", "srcset", "autoplay") or name.startswith("on"):
                self.found[f"{tag}[{name}]"] += 1


def _inventory(html: str) -> Counter:
    parser = _Inventory()
    parser.feed(html)
    return parser.found


_GONE_WITH_ADDRESS = {"<img>", "<a>", "<video>", "<audio>", "<source>", "<track>"}
"""Elements the sanitiser removes when their address is: said with it."""
_SAID = {"href": "address", "src": "address", "poster": "address", "cite": "address", "style": "style=",
         "srcset": "srcset=", "autoplay": "autoplay"}


def unsaid_losses(md, document, targets) -> list[str]:
    """What the sanitiser took from the HTML the parser made of ``document``'s body that no
    warning of its rendering names (tags as <tag>, attributes by what the warning says)."""
    rendered = render_markdown(md, document, targets)
    before = _inventory(md.renderer.render(embed_videos(md.parse(document.body, {})), md.options, {}))
    lost = before - _inventory(rendered.html)
    said = " ".join(w.message for w in rendered.warnings)
    said += " address" if "the link to" in said else ""  # a link by file that leads nowhere is removed
    unsaid = []
    for what in lost:
        name = what.partition("[")[2].rstrip("]")
        word = what if not name else ("event handlers" if name.startswith("on") else _SAID[name])
        if word not in said and not (what in _GONE_WITH_ADDRESS and "address" in said):
            unsaid.append(what)
    return sorted(unsaid)


@pytest.mark.parametrize("body", VECTORS.values(), ids=VECTORS.keys())
def test_nothing_a_hostile_vector_loses_goes_without_a_warning(body):
    document = SourceDocument("content/jobs/a.md", "jobs/a.md", META, body, 7, {})
    assert unsaid_losses(MD, document, TARGETS) == []


def test_nothing_a_real_article_loses_goes_without_a_warning(corpus_site):
    config = load_config(corpus_site)
    documents, _ = load_documents(config)
    md, targets = make_markdown(), link_targets(config.base_path, [placement(d) for d in documents])
    unsaid = [f"{document.path}: {what}" for document in documents for what in unsaid_losses(md, document, targets)]
    assert len(documents) > 70 and unsaid == []


# --- in a browser ---------------------------------------------------------------------------------

VIDEO_ARTICLE = (f"## Watch first\n\n{EMBED}\n\n[The pitch, explained](https://vimeo.com/76979871)\n\n"
                 '<video src="/media/clip.mp4" width="320" height="180"></video>\n\nThe rest of the article.\n')


@pytest.fixture(scope="module")
def video_site(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("video"), {
        "site.yaml": MINIMAL_CONFIG, "content/jobs/video.md": article("Interviews on video", VIDEO_ARTICLE),
        "static/media/clip.mp4": b"\x00\x00\x00\x18ftypmp42"})
    result = build(root, BuildOptions(now=NOW))
    with serve(root / "output") as url:
        yield root / "output", url, result


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_page_with_videos_makes_no_request_to_another_site_when_it_loads(browser, video_site, scheme):
    output, url, result = video_site
    assert [w.format() for w in result.warnings] == []
    page, errors = open_page(browser, url + "articles/video/", PHONE, scheme)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.reload()
    page.wait_for_load_state("networkidle")
    assert requests and all(request.startswith(url) for request in requests), requests
    assert page.locator("iframe").count() == 0
    assert page.locator("figure.video-card figcaption").all_inner_texts() == [
        "Answering competency questions", "The pitch, explained"]
    assert page.locator("a.video-play").first.get_attribute("href") == YOUTUBE_PLAYER
    assert page.locator("video").get_attribute("preload") == "none"
    assert serious_violations(page) == [] and errors == []
    page.context.close()


def test_the_page_with_videos_is_valid_html(video_site):
    count, errors = vnu_errors(video_site[0])
    assert count > 5 and errors == []
