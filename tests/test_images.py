"""Images that do not shift the page, and smaller versions for phones.

Every image of the site (static/ or beside its article) gets its intrinsic width and
height; a large one gets WebP versions in srcset, made once by Pillow and named by the
original's content; feeds carry only the original; an image on another site keeps its
address. In Chromium, a 3000 px photograph in an article is loaded by a 375 px phone as a
version under 100 KB, and by a wide screen at 2x as a larger one.
"""

from __future__ import annotations

import io
import re

import feedparser
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from conftest import MINIMAL_CONFIG, NOW, article, elements, write_tree
from clients import serve
from skillsite.build import BuildOptions, build
from skillsite.images import VERSION_WIDTHS, image_info, make_version
from test_browser import PHONE, open_page
from test_validation import vnu_errors


def photograph(width: int, height: int, kind: str = "JPEG") -> bytes:
    """A picture like a phone's photograph (shapes, edges and a sensor's grain; 3000x2000
    is 2.9 MB): it compresses no better than a real one."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for i in range(120):
        x, y = (i * 7919) % width, (i * 104729) % height
        radius = 20 + (i * 37) % (width // 8)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius),
                     fill=((i * 53) % 256, (i * 97) % 256, (i * 151) % 256))
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    image = ImageChops.add(image.filter(ImageFilter.GaussianBlur(2)), grain, scale=2.0, offset=-64)
    out = io.BytesIO()
    image.save(out, kind, quality=90)
    return out.getvalue()


BIG = photograph(3000, 2000)
SMALL = photograph(400, 300, "PNG")
BODY = ("A photograph beside the article:\n\n![The team at work](team.jpg)\n\n"
        "One from static/: ![A chart](/images/chart.png)\n\n"
        "One from another site: ![A logo](https://example.org/logo.png)\n\n"
        '<img src="/images/chart.png" alt="Sized by its author" width="200" height="150">\n')


@pytest.fixture(scope="module")
def image_site(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("images"), {
        "site.yaml": MINIMAL_CONFIG,
        "content/jobs/photos.md": article("Photographs", BODY),
        "content/jobs/team.jpg": BIG,
        "content/jobs/again.md": article("Again", "The same chart: ![A chart](/images/chart.png)\n\n"
                                                  "![The team again](/images/team-copy.jpg)\n", slug="again"),
        "static/images/chart.png": SMALL,
        "static/images/team-copy.jpg": BIG})
    result = build(root, BuildOptions(now=NOW))
    return root, result


def _images(html: str) -> list[dict]:
    return [attributes for tag, attributes in elements(html) if tag == "img"]


def test_every_image_of_the_site_has_its_size_and_a_remote_one_keeps_its_address(image_site):
    root, result = image_site
    assert [w.format() for w in result.warnings] == []
    images = _images((root / "output/articles/photos/index.html").read_text())
    assert [(i["src"], i.get("width"), i.get("height")) for i in images] == [
        ("team.jpg", "3000", "2000"), ("/images/chart.png", "400", "300"),
        ("https://example.org/logo.png", None, None), ("/images/chart.png", "200", "150")]
    assert "srcset" not in images[1] and "srcset" not in images[2]


def test_a_large_image_offers_webp_versions_named_by_its_content_made_once(image_site):
    root, _ = image_site
    team = _images((root / "output/articles/photos/index.html").read_text())[0]
    copy = _images((root / "output/articles/again/index.html").read_text())[1]
    digest = image_info(BIG).digest
    assert team["srcset"] == ", ".join([f"/_images/{digest}-{w}.webp {w}w" for w in VERSION_WIDTHS] + ["team.jpg 3000w"])
    assert copy["srcset"].split(", ")[:3] == team["srcset"].split(", ")[:3]  # same bytes: the same files
    assert team["sizes"] and team["loading"] == "lazy"
    versions = sorted(p.name for p in (root / "output/_images").iterdir())
    assert versions == [f"{digest}-{w}.webp" for w in sorted(VERSION_WIDTHS, key=str)]
    for width in VERSION_WIDTHS:
        with Image.open(root / f"output/_images/{digest}-{width}.webp") as version:
            assert version.format == "WEBP" and version.size == (width, round(2000 * width / 3000))
    assert (root / "output/articles/photos/team.jpg").read_bytes() == BIG  # the original stays linked


def test_versions_are_made_once_and_a_rebuild_makes_none(image_site):
    root, _ = image_site
    again = build(root, BuildOptions(now=NOW))
    assert not [key for key in again.made if key.startswith(("image-version:", "image-info:"))]


def test_a_changed_image_gets_its_new_size_and_new_versions(tmp_path):
    root = write_tree(tmp_path, {"site.yaml": MINIMAL_CONFIG,
                                 "content/jobs/a.md": article("A", "![Team](team.jpg)\n"),
                                 "content/jobs/team.jpg": BIG})
    build(root, BuildOptions(now=NOW))
    (root / "content/jobs/team.jpg").write_bytes(photograph(1300, 1300))
    result = build(root, BuildOptions(now=NOW))
    image = _images((root / "output/articles/a/index.html").read_text())[0]
    assert (image["width"], image["height"]) == ("1300", "1300")
    assert {p.name.split("-")[1] for p in (root / "output/_images").iterdir()} == {"480.webp", "800.webp"}
    assert any(key.startswith("image-version:") for key in result.made)


def test_feeds_carry_the_original_only(image_site):
    root, _ = image_site
    feed = feedparser.parse((root / "output/feed.xml").read_bytes())
    content = next(e for e in feed.entries if e.title == "Photographs").content[0].value
    assert "srcset" not in content and "_images" not in content
    assert 'src="https://example.org/articles/photos/team.jpg"' in content and 'width="3000"' in content


def test_a_drawing_is_sized_by_its_root_and_a_damaged_image_keeps_its_address_unsized(tmp_path):
    root = write_tree(tmp_path, {"site.yaml": MINIMAL_CONFIG,
                                 "content/jobs/a.md": article("A", "![Broken](/images/broken.png) ![A tree](tree.svg)"
                                                                   " ![Wide](/images/wide.svg)\n"),
                                 "static/images/broken.png": b"not a picture",
                                 "content/jobs/tree.svg": b'<?xml version="1.0"?>\n<!-- a tree -->\n<svg '
                                                          b'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 180">'
                                                          b'<rect width="10" height="10"/></svg>',
                                 "static/images/wide.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="100%"/>'})
    build(root, BuildOptions(now=NOW))
    images = _images((root / "output/articles/a/index.html").read_text())
    assert [(i["src"], i.get("width"), i.get("height"), i.get("srcset")) for i in images] == [
        ("/images/broken.png", None, None, None), ("tree.svg", "320", "180", None), ("/images/wide.svg", None, None, None)]


def test_a_version_keeps_no_metadata_and_follows_the_camera_s_rotation():
    image = Image.new("RGB", (1200, 800), "navy")
    exif = image.getexif()
    exif[0x0112] = 6  # taken with the phone turned: shown 800 wide, 1200 high
    exif[0x8825] = {1: "N"}  # a GPS position
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    info = image_info(out.getvalue())
    assert (info.width, info.height, info.versions) == (800, 1200, (480,))  # 800 is not smaller
    with Image.open(io.BytesIO(make_version(out.getvalue(), 480))) as version:
        assert version.size == (480, 720) and not version.getexif()


def test_the_page_with_images_is_valid_html(image_site):
    count, errors = vnu_errors(image_site[0] / "output")
    assert count > 3 and errors == []


@pytest.mark.parametrize("width, scale, largest", [(PHONE, 1, 100_000), (PHONE, 2, 100_000), (1280, 2, None)])
def test_a_3000_px_photograph_reaches_a_phone_as_a_file_under_100_kb(browser, image_site, width, scale, largest):
    root, _ = image_site
    with serve(root / "output") as url:
        context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=scale)
        page = context.new_page()
        sizes: dict[str, int] = {}
        page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
        page.goto(url + "articles/photos/")
        page.locator("img[alt='The team at work']").scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector(\"img[alt='The team at work']\").complete")
        page.wait_for_load_state("networkidle")
        shown = page.evaluate("document.querySelector(\"img[alt='The team at work']\").currentSrc")
        context.close()
    print(f"\n{width} px at {scale}x: {shown.rsplit('/', 1)[1]}, {sizes.get(shown)} bytes")
    assert re.search(r"/_images/\w+-\d+\.webp$", shown), shown
    if largest is not None:  # a phone: a version, small
        assert sizes[shown] < largest, (shown, sizes[shown])
        assert not any(u.endswith("team.jpg") for u in sizes), "the phone loaded the original too"
    else:  # a wide screen at 2x: the largest version
        assert shown.endswith("-1600.webp")
