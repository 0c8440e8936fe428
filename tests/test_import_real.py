"""Real content imported whole and built, judged by real clients: the corpus's originals
(the Open Source Guides as Jekyll reads them, the Tech Interview Handbook as Docusaurus
reads it) and three real Hugo sites (tests/fixtures/import/hugo/, see SOURCE.md there).

Every article is imported, the imported site builds with no hand edit, no template syntax
shows on any page (but what the import reported as kept), the Nu checker finds no error,
every line of every code sample is on the page as its generator showed it, and old
addresses answer with the new page."""

from __future__ import annotations

import html
import re
import shutil
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from click.testing import CliRunner

from skillsite.build import build
from skillsite.cli import main
from skillsite.frontmatter import split
from skillsite.markdown import make_markdown
from clients import REPO, serve
from conftest import CORPUS, elements
from test_validation import vnu_errors

ORIGINALS = CORPUS / "originals"
HUGO = REPO / "tests/fixtures/import/hugo"
# Template syntax a reader must never see: Liquid, Hugo shortcodes, admonitions, alerts, MDX.
TEMPLATE_SYNTAX = re.compile(r"\{%[^%]{0,300}%\}|\{\{[^}]{0,300}\}\}|^[ \t]*:::+\s*\w*|\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]"
                             r"|^import\s+\w+\s+from\s|\{/\*|className=|<[A-Z][a-z]\w*\s*/?>", re.MULTILINE)
_SHORTCODE_ESCAPE = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.DOTALL)
_HIGHLIGHT = re.compile(r"\{\{<\s*highlight[^>]*>\}\}\n?(.*?)\{\{<\s*/highlight\s*>\}\}"
                        r"|\{%-?\s*highlight[^%]*%\}\n?(.*?)\{%-?\s*endhighlight\s*-?%\}", re.DOTALL)
_CODE_BLOCK = re.compile(r"<pre[^>]*><code[^>]*>(.*?)</code></pre>", re.DOTALL)
_INLINE_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)


def run_import(root: Path, *args: str):
    result = CliRunner().invoke(main, ["import", *args, "--publish", "--site", str(root)], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def new_site(tmp_path_factory, name: str) -> Path:
    root = tmp_path_factory.mktemp(name)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    return root


class _VisibleText(HTMLParser):
    """The text a reader sees (code excepted: code shows what it shows)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("code", "pre", "script", "style", "head")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("code", "pre", "script", "style", "head")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_template_syntax(output: Path) -> list[tuple[str, str]]:
    """(article, syntax) for every piece of template syntax in the visible text of an article page."""
    found = []
    for page in sorted(output.glob("articles/**/index.html")):
        parser = _VisibleText()
        parser.feed(page.read_text(encoding="utf-8"))
        text = "".join(parser.parts)
        found += [(page.parent.name, " ".join(match.group().split())) for match in TEMPLATE_SYNTAX.finditer(text)]
    return found


def source_code_samples(path: Path) -> list[str]:
    """The code samples of a source file as its generator shows them: code blocks, inline
    code and highlight blocks, Hugo's escapes and Jekyll's {% raw %} decoded."""
    text = path.read_text(encoding="utf-8")
    body = split(text, str(path)).body if text.startswith("---\n") else text.split("\n+++\n", 1)[-1]
    samples = [m.group(1) or m.group(2) for m in _HIGHLIGHT.finditer(body)]
    for token in make_markdown().parse(body):
        if token.type in ("fence", "code_block"):
            samples.append(token.content)
        for child in token.children or ():
            if child.type == "code_inline":
                samples.append(child.content)
    decoded = [re.sub(r"\{%-?\s*(?:raw|endraw)\s*-?%\}", "", _SHORTCODE_ESCAPE.sub(r"{{\1\2\3}}", s)) for s in samples]
    return [s.strip("\n") for s in decoded if s.strip()]


def page_code(page: Path) -> str:
    """Every code block and inline code of a built page, as text, one after another."""
    text = page.read_text(encoding="utf-8")
    return "\n\x00\n".join(html.unescape(re.sub(r"<[^>]+>", "", m)) for pattern in (_CODE_BLOCK, _INLINE_CODE)
                           for m in pattern.findall(text))


def pages_of(result_output: str) -> dict[Path, str]:
    """Source file -> the slug of its article, from an import's summary ('  SOURCE -> content/c/SLUG.md')."""
    pages = {}
    for line in result_output.splitlines():
        if line.startswith("  ") and " -> content/" in line:
            source, target = line.strip().split(" -> ")
            target = Path(target.split(" (")[0].split(", with ")[0])
            pages[Path(source)] = target.parent.name if target.name == "index.md" else target.stem
    return pages


def missing_code(pages: dict[Path, str], output: Path) -> list[tuple[str, str]]:
    """(source, first line) of every code sample of the imported files not found whole on its
    page (inline code, which the page may wrap, compared word by word)."""
    missing = []
    for source, slug in sorted(pages.items()):
        shown = page_code(output / "articles" / slug / "index.html")
        words = " ".join(shown.split())
        for sample in source_code_samples(source):
            if sample not in shown and ("\n" in sample or " ".join(sample.split()) not in words):
                missing.append((source.name, sample.split("\n")[0]))
    return missing


def code_samples(pages: dict[Path, str]) -> int:
    return sum(len(source_code_samples(source)) for source in pages)


def kept_as_text(result_output: str) -> list[str]:
    """What an import's summary lists as kept as text."""
    section = result_output.split("Kept as text, to edit by hand (no equivalent here):\n", 1)
    if len(section) == 1:
        return []
    kept = []
    for line in section[1].splitlines():
        if not line.startswith("  "):
            break  # the next section
        kept.append(line.split(": ", 1)[1].rsplit(": kept as text", 1)[0])
    return kept


# --- the corpus's originals ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    if not ORIGINALS.is_dir():
        pytest.skip(f"the corpus's originals are not beside the checkout ({ORIGINALS})")
    root = new_site(tmp_path_factory, "originals")
    jekyll = run_import(root, str(ORIGINALS / "opensource-guide-jekyll"), "--category", "career")
    docusaurus = run_import(root, str(ORIGINALS / "tech-interview-handbook-docusaurus"), "--category", "jobs")
    built = build(root)  # undated articles are imported 'today': built now, they are published
    return root, jekyll, docusaurus, built


def test_the_originals_import_wholly_and_build_with_no_hand_edit(originals):
    root, jekyll, docusaurus, built = originals
    assert jekyll.exit_code == 0 and docusaurus.exit_code == 0, jekyll.output + docusaurus.output
    assert jekyll.output.splitlines()[0] == "Imported 13 of 13 files (13 Jekyll):"
    assert docusaurus.output.splitlines()[0] == "Imported 48 of 48 files (48 Docusaurus):"
    assert built.articles == 61
    assert [w.format() for w in built.warnings if w.severity == "error"] == []


def test_no_page_of_the_imported_originals_shows_template_syntax(originals):
    root, jekyll, docusaurus, _ = originals
    assert visible_template_syntax(root / "output") == []
    assert kept_as_text(jekyll.output) == kept_as_text(docusaurus.output) == []


def test_every_code_sample_of_the_originals_is_on_its_page(originals):
    root, jekyll, docusaurus, _ = originals
    pages = {**pages_of(jekyll.output), **pages_of(docusaurus.output)}
    assert len(pages) == 61
    assert code_samples(pages) == 194
    assert missing_code(pages, root / "output") == []


def image_sizes(output) -> tuple[int, int, int, list[str]]:
    """(images of the site with width and height, images on other sites, images whose file
    is missing, the site's own images without a size) on every page of ``output``."""
    sized, remote, missing, unsized = 0, 0, 0, []
    for page in sorted(output.rglob("*.html")):
        for tag, attributes in elements(page.read_text(encoding="utf-8")):
            if tag != "img":
                continue
            if attributes["src"].startswith("https://"):
                remote += 1  # left on its own site: the build downloads nothing, so knows no size
            elif attributes.get("width") and attributes.get("height"):
                sized += 1
            elif not (output / urljoin("/" + page.relative_to(output).as_posix(), attributes["src"])[1:]).is_file():
                missing += 1  # the build warned of it: no file, no size
            else:
                unsized.append(f"{page.relative_to(output)}: {attributes['src']}")
    return sized, remote, missing, unsized


def test_the_imported_originals_images_are_all_on_other_sites_and_keep_their_address(originals):
    # the originals ship no image files: an image on another site stays there, one of the
    # original site's own is missing (the build warns of each)
    sized, remote, missing, unsized = image_sizes(originals[0] / "output")
    print(f"\nimported originals: {sized} sized, {remote} on other sites, {missing} missing, {len(unsized)} unsized")
    assert (sized, remote, unsized) == (0, 59, []) and missing > 10


def test_the_imported_originals_are_valid_html(originals):
    count, errors = vnu_errors(originals[0] / "output")
    assert count > 250
    assert errors == []


# --- real Hugo sites -----------------------------------------------------------------------------

HUGO_SITES = {"hugoBasicExample": 5, "hugo-theme-stack": 6, "hugoDocs": 4}


@pytest.fixture(scope="module")
def hugo(tmp_path_factory):
    """Each Hugo site imported into a site of its own (two posts are in two of them), and built."""
    sites = {}
    for name in HUGO_SITES:
        root = new_site(tmp_path_factory, name)
        result = run_import(root, str(HUGO / name), "--category", "career")
        sites[name] = (root, result, build(root))
    return sites


def test_every_real_hugo_post_is_imported_and_builds(hugo):
    for name, expected in HUGO_SITES.items():
        root, result, built = hugo[name]
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0] == f"Imported {expected} of {expected} files ({expected} Hugo):"
        assert built.articles == expected
        assert [w.format() for w in built.warnings if w.severity == "error"] == []
    assert ("Skipped 2 files of the folders given, as no articles (partials, section pages, LICENSE and README "
            f"files): {HUGO}/hugoDocs/LICENSE.md, {HUGO}/hugoDocs/content/en/_common/syntax-highlighting-options.md"
            in hugo["hugoDocs"][1].output.splitlines())


def test_hugo_pages_show_only_the_template_syntax_the_import_reported_as_kept(hugo):
    for name in HUGO_SITES:
        root, result, _ = hugo[name]
        shown = {syntax for _, syntax in visible_template_syntax(root / "output")}
        assert shown <= set(kept_as_text(result.output)), name  # an address kept as text is removed by the build
    assert kept_as_text(hugo["hugoBasicExample"][1].output) == kept_as_text(hugo["hugo-theme-stack"][1].output) == []
    assert kept_as_text(hugo["hugoDocs"][1].output) == [  # the Hugo documentation's own shortcodes
        "{{< new-in 0.164.0 />}}", "{{< new-in 0.140.2 />}}", "{{< chroma-lexers >}}", "{{% eturl figure %}}",
        "{{< hl >}}", "{{< /hl >}}", "{{< new-in 0.164.0 />}}", "{{< new-in 0.140.2 />}}", "{{% eturl highlight %}}",
        "{{< code-toggle config=privacy.youTube />}}", "{{% eturl youtube %}}"]


def test_every_code_sample_of_the_hugo_posts_is_on_its_page(hugo):
    samples = {}
    for name in HUGO_SITES:
        root, result, _ = hugo[name]
        pages = pages_of(result.output)
        samples[name] = code_samples(pages)
        assert missing_code(pages, root / "output") == [], name
    assert samples == {"hugoBasicExample": 20, "hugo-theme-stack": 117, "hugoDocs": 150}


def test_every_image_of_the_imported_hugo_sites_has_its_size(hugo):
    found = {name: image_sizes(hugo[name][0] / "output") for name in HUGO_SITES}
    assert all(unsized == [] for *_, unsized in found.values()), found
    assert found["hugo-theme-stack"] == (4, 0, 0, []), found  # its gallery: four photographs beside their post


def test_the_imported_hugo_sites_are_valid_html(hugo):
    for name in HUGO_SITES:
        count, errors = vnu_errors(hugo[name][0] / "output")
        assert count > 20 and errors == [], name


def test_old_hugo_addresses_answer_a_browser_with_the_new_page(hugo, browser):
    for name, old, new in (("hugoDocs", "extras/highlight/", "articles/syntax-highlighting/"),
                           ("hugoDocs", "tools/syntax-highlighting/", "articles/syntax-highlighting/"),
                           ("hugoBasicExample", "post/migrate-from-jekyl/", "articles/markdown-syntax/")):
        output = hugo[name][0] / "output"
        assert f"/{old} /{new} 301" in (output / "_redirects").read_text().splitlines()
        with serve(output) as url:
            page = browser.new_page()
            page.goto(url + old)
            page.wait_for_url(url + new)
            page.close()


def test_a_leaf_bundles_images_are_copied_beside_the_imported_article(hugo):
    root = hugo["hugo-theme-stack"][0]
    gallery = HUGO / "hugo-theme-stack/content/post/Image Gallery"
    for image in sorted(gallery.glob("*.jpg")):
        assert (root / "content/career/image-gallery" / image.name).read_bytes() == image.read_bytes()
    text = (root / "content/career/image-gallery/index.md").read_text()
    assert "![Photo by Florian Klauer on Unsplash](florian-klauer-nptLmg6jqDo-unsplash.jpg)" in text


def test_a_leaf_bundles_images_load_on_the_built_page(hugo):
    root = hugo["hugo-theme-stack"][0]
    page = (root / "output/articles/image-gallery/index.html").read_text()
    sources = re.findall(r'<img src="([^"]+\.jpg)"', page)
    assert len(sources) == 4
    with serve(root / "output") as url:
        for src in sources:
            name = src.rsplit("/", 1)[-1]
            with urllib.request.urlopen(urljoin(url + "articles/image-gallery/", src)) as response:
                assert response.read() == (HUGO / "hugo-theme-stack/content/post/Image Gallery" / name).read_bytes()


# --- real Jekyll posts ---------------------------------------------------------------------------

JEKYLL = REPO / "tests/fixtures/import/jekyll"
KEPT_LINKS = ["{% link _docs/history.md %}"] * 3  # a documentation page, not among the files


@pytest.fixture(scope="module")
def jekyll(tmp_path_factory):
    root = new_site(tmp_path_factory, "jekyll")
    result = run_import(root, str(JEKYLL / "docs/_posts"), "--category", "career")
    return root, result, build(root)


def test_every_real_jekyll_post_is_imported_and_builds(jekyll):
    root, result, built = jekyll
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Imported 45 of 45 files (45 Jekyll):"
    assert built.articles == 45
    assert [w.format() for w in built.warnings if w.severity == "error"] == []


def test_jekyll_pages_show_only_the_liquid_the_import_reported_as_kept(jekyll):
    root, result, _ = jekyll
    assert kept_as_text(result.output) == KEPT_LINKS
    assert sorted(syntax for _, syntax in visible_template_syntax(root / "output")) == KEPT_LINKS
    page = (root / "output/articles/jekyll-1-0-1-released/index.html").read_text()
    assert '<a href="https://github.com/jekyll/jekyll/issues/1037">#1037</a>' in page  # a {% for %}, rendered


def test_every_code_sample_of_the_jekyll_posts_is_on_its_page(jekyll):
    root, result, _ = jekyll
    pages = pages_of(result.output)
    assert code_samples(pages) == 288
    assert missing_code(pages, root / "output") == []


def test_the_imported_jekyll_posts_are_valid_html(jekyll):
    count, errors = vnu_errors(jekyll[0] / "output")
    assert count > 45 and errors == []


@pytest.fixture(scope="module")
def jekyll_docs(tmp_path_factory):
    root = new_site(tmp_path_factory, "jekyll-docs")
    result = run_import(root, str(JEKYLL / "docs/_docs"), "--category", "career")
    return root, result, build(root)


class _Headings(HTMLParser):
    """The level and text of every heading of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.levels, self.texts, self._in = [], [], False

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
            self.texts.append("")
            self._in = True

    def handle_endtag(self, tag):
        self._in = self._in and not re.fullmatch(r"h[1-6]", tag)

    def handle_data(self, data):
        if self._in:
            self.texts[-1] += data


def test_jekyll_documentation_pages_place_their_h5_notes_under_their_own_headings(jekyll_docs):
    root, result, built = jekyll_docs
    assert result.output.splitlines()[0] == "Imported 8 of 8 files (8 Jekyll):"
    assert built.articles == 8
    notes = []  # the text of each <h5> note of the sources (those without Liquid in them)
    for source in (JEKYLL / "docs/_docs").rglob("*.md"):
        notes += [html.unescape(re.sub(r"<[^>]+>", "", note)) for note in
                  re.findall(r"<h5>(.*?)</h5>", source.read_text(encoding="utf-8")) if "{" not in note]
    shown = []
    for page in sorted((root / "output/articles").glob("*/index.html")):
        parser = _Headings()
        parser.feed(page.read_text(encoding="utf-8"))
        levels = parser.levels
        assert levels.count(1) == 1 and levels[0] == 1, (page, levels)  # the title, first, and no other
        assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:])), (page, levels)
        shown += parser.texts
    assert len(notes) == 25 and set(notes) <= set(shown)
    count, errors = vnu_errors(root / "output")
    assert count > 8 and errors == []


def test_old_jekyll_addresses_redirect_and_links_to_them_lead_to_the_new_pages(jekyll):
    root = jekyll[0]
    output = root / "output"
    assert "/news/2016/04/19/jekyll-3-0-4-released/ /articles/jekyll-3-0-4-released/ 301" in \
        (output / "_redirects").read_text().splitlines()
    redirect = (output / "news/2016/04/19/jekyll-3-0-4-released/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/articles/jekyll-3-0-4-released/">' in redirect
    linking = (root / "content/career/jekyll-3-1-4-released.md").read_text()
    assert "(jekyll-3-0-4-released.md)" in linking and "/news/2016/04/19/" not in linking
    assert 'href="/articles/jekyll-3-0-4-released/"' in (output / "articles/jekyll-3-1-4-released/index.html").read_text()
