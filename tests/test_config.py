"""site.yaml -> SiteConfig: every mistake a moderator can make is named with its line.

MINIMAL_CONFIG's lines, for the line numbers asserted below:
1 title, 2 tagline, 3 base_url, 4 timezone, 5 categories (6-8 entries),
9 audiences (10-11 entries), 12 feeds, 13 id_authority; appended lines start at 14.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL_CONFIG, article
from skillsite.cli import main
from skillsite.config import FeedConfig, Group, MenuItem, load_config
from skillsite.model import BuildFailed

CATEGORIES = """\
categories:
  - {key: career, title: Career}
  - {key: jobs, title: Jobs}
  - {key: entrepreneurship, title: Entrepreneurship}
"""
FEEDS = "feeds:\n  id_authority: example.org,2024\n"


def edited(old: str, new: str, text: str = MINIMAL_CONFIG) -> str:
    """``text`` with ``old`` replaced; fails loudly if ``old`` is not there (no silent no-op)."""
    assert old in text, f"{old!r} is not in the config being edited"
    return text.replace(old, new)


def config_errors(site_dir: Path) -> list[str]:
    """The printed form of every problem load_config reports; config errors exit with 2."""
    with pytest.raises(BuildFailed) as caught:
        load_config(site_dir)
    assert caught.value.exit_code == 2
    return [d.format() for d in caught.value.diagnostics]


def errors_for(site, config_text: str | bytes) -> list[str]:
    return config_errors(site({"site.yaml": config_text}))


# --- reading the file -----------------------------------------------------------------------

def test_reports_a_missing_site_yaml_and_how_to_point_at_the_site(tmp_path):
    assert config_errors(tmp_path) == [
        f"site.yaml: error: no site.yaml in {tmp_path}\n"
        "  hint: run skillsite in the site's folder, or give the folder: skillsite build path/to/site"
    ]


def test_reports_a_site_yaml_that_cannot_be_read(tmp_path):
    (tmp_path / "site.yaml").mkdir()  # a folder where the file should be (root reads any file)
    assert config_errors(tmp_path) == [
        "site.yaml: error: cannot read site.yaml: Is a directory\n"
        "  hint: check that it is a file this user may read"
    ]


def test_rejects_a_site_yaml_that_is_not_utf8_naming_the_line_of_the_bad_byte(site):
    latin1 = MINIMAL_CONFIG.encode("utf-8").replace(b"example.org/", b"exampl\xe9.org/")
    assert errors_for(site, latin1) == [
        "site.yaml:3: error: the file is not UTF-8 text\n  hint: save it as UTF-8 in your editor"
    ]


def test_reads_a_site_yaml_with_bom_and_crlf_exactly_like_plain_lf(site, tmp_path):
    plain = load_config(site({}))
    other = tmp_path / "other"
    other.mkdir()
    (other / "site.yaml").write_bytes(b"\xef\xbb\xbf" + MINIMAL_CONFIG.replace("\n", "\r\n").encode("utf-8"))
    windows = load_config(other)
    assert windows.site_dir != plain.site_dir
    assert replace(windows, site_dir=plain.site_dir, output_dir=plain.output_dir,
                   content_dir=plain.content_dir) == plain


def test_reports_invalid_yaml_with_its_line_and_how_to_quote(site):
    text = edited("tagline: Be Skilled, Get Hired", "tagline: Jobs: a guide")
    assert errors_for(site, text) == [
        "site.yaml:2: error: tagline: the value has a colon and a space in it (position 14), which reads as the "
        "start of another field\n"
        "  hint: put the whole value in straight quotes: tagline: \"Jobs: a guide\""
    ]


def test_reports_an_unclosed_list_on_the_line_where_it_opens(site):
    assert errors_for(site, MINIMAL_CONFIG + "menu: [a\n") == [
        "site.yaml:14: error: menu: the list opened with [ at position 7 is never closed\n"
        "  hint: end it with ] on the same line: menu: [a]"
    ]


@pytest.mark.parametrize("text", ["", "- title: Test Board\n"], ids=["empty", "a-list"])
def test_rejects_a_site_yaml_that_is_not_a_set_of_fields(site, text):
    assert errors_for(site, text) == [
        "site.yaml:1: error: site.yaml must be a set of fields\n  hint: start with lines like: title: My site"
    ]


def test_rejects_a_duplicate_key_naming_both_lines(site):
    assert errors_for(site, MINIMAL_CONFIG + "title: Another Board\n") == [
        "site.yaml:14: error: 'title' is given twice (lines 1 and 14)\n"
        "  hint: keep one 'title:' line and delete the other"
    ]


def test_refuses_yaml_anchors_and_aliases(site):
    text = edited("tagline: Be Skilled, Get Hired", "tagline: &motto Be Skilled") + "description: *motto\n"
    assert errors_for(site, text) == [
        "site.yaml:2: error: tagline: a value cannot start with & (position 10) unless it is in quotes\n"
        "  hint: put the value in straight quotes: tagline: \"&motto Be Skilled\" (a value cannot repeat another "
        "with & and *: write each out in full)",
        "site.yaml:14: error: description: a value cannot start with * (position 14) unless it is in quotes\n"
        "  hint: put the value in straight quotes: description: \"*motto\" (a value cannot repeat another with & "
        "and *: write each out in full)",
    ]


def test_refuses_yaml_tags_without_running_them(site, tmp_path):
    marker = tmp_path / "tag-was-executed"
    text = edited("tagline: Be Skilled, Get Hired",
                  f"tagline: !!python/object/apply:os.system ['touch {marker}']")
    assert errors_for(site, text) == [
        "site.yaml:2: error: tagline: a value cannot start with ! (position 10) unless it is in quotes\n"
        f"  hint: put the value in straight quotes: tagline: \"!!python/object/apply:os.system ['touch {marker}']\""
    ]
    assert not marker.exists()


def test_refuses_an_alias_bomb_without_expanding_it(site):
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        levels.append(f"{level}: &{level} [{', '.join(['*' + previous] * 9)}]")
    errors = errors_for(site, MINIMAL_CONFIG + "\n".join(levels) + "\n")
    assert errors[0].startswith("site.yaml:14: error: a: a value cannot start with & (position 4) unless it is in quotes\n")
    assert len(errors) == 17  # each line's & and * once, not each of its 9 references
    assert all("a value cannot start with & " in e or "a value cannot start with * " in e for e in errors)


def test_refuses_a_second_yaml_document(site):
    assert errors_for(site, MINIMAL_CONFIG + "---\ntitle: Second\n") == [
        "site.yaml:14: error: a second set of fields starts here\n  hint: remove the extra '---' or '...' line"
    ]


# --- keys and types ---------------------------------------------------------------------------

def test_rejects_unknown_top_level_key_with_did_you_mean_and_its_line(site):
    errors = errors_for(site, edited("title: Test Board", "titel: Test Board"))
    assert (
        "site.yaml:1: error: unknown field 'titel' (did you mean 'title'?)\n"
        "  hint: fields allowed in site.yaml: against, announcement, audiences, authors, base_url, categories, content, dates_from_git, "
        "description, feeds, language, menu, output, per_page, search, search_shards, tagline, theme, timezone, title"
    ) in errors


def test_names_the_line_of_an_unknown_key_further_down(site):
    errors = errors_for(site, MINIMAL_CONFIG + "per_pag: 5\n")
    assert [e.split("\n")[0] for e in errors] == [
        "site.yaml:14: error: unknown field 'per_pag' (did you mean 'per_page'?)"
    ]


def test_rejects_unknown_key_in_a_category_entry_with_did_you_mean(site):
    text = edited("{key: career, title: Career}", "{key: career, titel: Career}")
    assert errors_for(site, text) == [
        "site.yaml:6: error: unknown field 'titel' (did you mean 'title'?)\n"
        "  hint: fields allowed in a categories entry: description, key, title"
    ]


def test_names_an_unknown_key_in_an_audiences_entry_in_plain_english(site):
    text = edited("{key: jobseekers, title: Jobseekers}", "{key: jobseekers, titel: Jobseekers}")
    assert errors_for(site, text) == [
        "site.yaml:10: error: unknown field 'titel' (did you mean 'title'?)\n"
        "  hint: fields allowed in an audiences entry: description, key, title"
    ]


@pytest.mark.parametrize("value", ["ten", "0", "10.5", "'10'"])
def test_rejects_per_page_that_is_not_a_positive_whole_number(site, value):
    shown = value.strip("'")
    assert errors_for(site, MINIMAL_CONFIG + f"per_page: {value}\n") == [
        f"site.yaml:14: error: per_page: must be a whole number of at least 1, not '{shown}'\n"
        "  hint: e.g. per_page: 10"
    ]


def test_rejects_categories_written_as_a_string(site):
    assert errors_for(site, edited(CATEGORIES, "categories: jobs\n")) == [
        "site.yaml:5: error: categories: must be a list, not 'jobs'\n"
        "  hint: write one '- ' entry per line under 'categories:'"
    ]


def test_rejects_an_empty_category_list(site):
    assert errors_for(site, edited(CATEGORIES, "categories: []\n")) == [
        "site.yaml:5: error: categories: at least one category is needed\n"
        "  hint: list the categories, e.g.\n  categories:\n    - {key: jobs, title: Jobs}"
    ]


def test_rejects_a_category_listed_twice(site):
    text = edited("{key: entrepreneurship, title: Entrepreneurship}", "{key: jobs, title: Vacancies}")
    assert errors_for(site, text) == [
        "site.yaml:8: error: categories: 'jobs' is listed twice\n  hint: remove one of them"
    ]


def test_rejects_a_menu_entry_without_a_url(site):
    text = MINIMAL_CONFIG + "menu:\n  - {title: Home, url: /}\n  - {title: Jobs}\n"
    assert errors_for(site, text) == [
        "site.yaml:16: error: a menu entry: 'url' is missing\n  hint: add 'url:' to it"
    ]


@pytest.mark.parametrize("url", ["'javascript:alert(1)'", "//evil.example/"])
def test_rejects_menu_urls_that_are_neither_web_addresses_nor_site_paths(site, url):
    errors = errors_for(site, MINIMAL_CONFIG + f"menu:\n  - {{title: Evil, url: {url}}}\n")
    assert errors == [
        f"site.yaml:15: error: url: '{url.strip(chr(39))}' is not a web address\n"
        "  hint: use a full http:// or https:// address or a path on this site starting with '/'"
    ]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd"])
def test_rejects_a_timezone_that_is_not_an_iana_name(site, zone):
    assert errors_for(site, edited("timezone: Asia/Dhaka", f"timezone: {zone}")) == [
        f"site.yaml:4: error: timezone: '{zone}' is not a time zone name\n"
        "  hint: use an IANA name such as Asia/Dhaka, Europe/London or UTC"
    ]


@pytest.mark.parametrize("url, hint", [
    ("ftp://example.org/", "use a full http:// or https:// address"),
    ("'javascript:alert(1)'", "use a full http:// or https:// address"),
    ("https://example.org/?page=1", "use the address the site is published at, e.g. https://forum.skill.jobs/"),
])
def test_rejects_a_base_url_that_is_not_an_http_address(site, url, hint):
    errors = errors_for(site, edited("base_url: https://example.org/", f"base_url: {url}"))
    assert errors == [f"site.yaml:3: error: base_url: '{url.strip(chr(39))}' is not a web address\n  hint: {hint}"]


def test_a_base_url_without_https_says_what_to_write(site):
    assert errors_for(site, edited("base_url: https://example.org/", "base_url: example.org")) == [
        "site.yaml:3: error: base_url: 'example.org' has no https:// at the start\n"
        "  hint: write the whole address: base_url: https://example.org"
    ]


def test_adds_the_missing_slash_to_a_base_url_with_a_path(site):
    config = load_config(site({"site.yaml": edited("https://example.org/", "https://example.org/forum")}))
    assert (config.base_url, config.base_path) == ("https://example.org/forum/", "/forum/")
    assert config.absolute_url("articles/x/") == "https://example.org/forum/articles/x/"


@pytest.mark.parametrize("tag", ["english!", "e", "en_US"])
def test_rejects_a_language_that_is_not_a_language_tag(site, tag):
    assert errors_for(site, MINIMAL_CONFIG + f"language: {tag}\n") == [
        f"site.yaml:14: error: language: '{tag}' is not a language tag\n"
        "  hint: use a BCP 47 tag such as en, bn, ar or en-GB"
    ]


def test_says_an_empty_language_is_empty_rather_than_showing_none(site):
    assert errors_for(site, MINIMAL_CONFIG + "language:\n") == [
        "site.yaml:14: error: language: is empty\n  hint: use a BCP 47 tag such as en, bn, ar or en-GB"
    ]


# --- required keys ------------------------------------------------------------------------------

@pytest.mark.parametrize("removed, expected", [
    ("title: Test Board\n",
     "site.yaml:1: error: title: is missing\n  hint: add the site's name, e.g. title: Skill.jobs Forum"),
    ("base_url: https://example.org/\n",
     "site.yaml:1: error: base_url: is missing\n"
     "  hint: add the address the site is published at, e.g. base_url: https://forum.skill.jobs/"),
    (CATEGORIES,
     "site.yaml:1: error: categories: is missing\n"
     "  hint: list the categories, e.g.\n  categories:\n    - {key: jobs, title: Jobs}"),
    (FEEDS,
     "site.yaml:1: error: feeds: is missing\n"
     "  hint: set the feed id authority once, to a domain you own and the year you started, and never "
     "change it, e.g.\n  feeds:\n    id_authority: skill.jobs,2014"),
], ids=["title", "base_url", "categories", "feeds"])
def test_reports_a_missing_required_key_and_how_to_add_it(site, removed, expected):
    assert errors_for(site, edited(removed, "")) == [expected]


def test_reports_a_missing_feed_id_authority(site):
    assert errors_for(site, edited(FEEDS, "feeds:\n  length: 5\n")) == [
        "site.yaml:13: error: feeds: 'id_authority' is missing\n"
        "  hint: set the feed id authority once, to a domain you own and the year you started, and never change it, e.g.\n"
        "  feeds:\n    id_authority: skill.jobs,2014"
    ]


def test_rejects_a_feed_id_authority_without_its_year(site):
    assert errors_for(site, edited("example.org,2024", "example.org")) == [
        "site.yaml:13: error: feeds.id_authority: 'example.org' is not a domain and a date\n"
        "  hint: set the feed id authority once, to a domain you own and the year you started, and never "
        "change it, e.g.\n  feeds:\n    id_authority: skill.jobs,2014"
    ]


def test_reports_an_empty_title_on_its_line(site):
    assert errors_for(site, edited("title: Test Board", "title:")) == [
        "site.yaml:1: error: title: is empty\n  hint: add the site's name, e.g. title: Skill.jobs Forum"
    ]


def test_reports_every_problem_in_site_yaml_at_once(site):
    text = edited("timezone: Asia/Dhaka", "timezone: Mars/Olympus") + "per_page: ten\nlanguage: '!!'\n"
    assert [e.split("\n")[0] for e in errors_for(site, text)] == [
        "site.yaml:4: error: timezone: 'Mars/Olympus' is not a time zone name",
        "site.yaml:14: error: per_page: must be a whole number of at least 1, not 'ten'",
        "site.yaml:15: error: language: '!!' is not a language tag",
    ]


# --- defaults ------------------------------------------------------------------------------------

def test_fills_in_defaults_for_everything_optional(site):
    root = site({"site.yaml": edited("timezone: Asia/Dhaka\n", "")})
    config = load_config(root)
    assert config.menu == (
        MenuItem("Home", "/"),
        MenuItem("Career", "/category/career/"),
        MenuItem("Jobs", "/category/jobs/"),
        MenuItem("Entrepreneurship", "/category/entrepreneurship/"),
        MenuItem("Archive", "/archive/"),
    )
    assert (config.per_page, config.language, config.timezone, config.theme) == (10, "en", "UTC", "default")
    assert (config.description, config.announcement) == ("", "")
    assert config.feeds == FeedConfig("example.org,2024", 20)
    assert (config.output_dir, config.content_dir) == (root.resolve() / "output", root.resolve() / "content")


def test_titles_a_category_from_its_key_when_no_title_is_given(site):
    config = load_config(site({"site.yaml": edited(CATEGORIES, "categories:\n  - key: self-employed\n")}))
    assert config.categories == (Group("self-employed", "Self employed", ""),)


def test_keeps_the_menu_written_in_site_yaml(site):
    text = MINIMAL_CONFIG + "menu:\n  - {title: Jobs, url: /category/jobs/}\n  - {title: Main site, url: https://skill.jobs/}\n"
    assert load_config(site({"site.yaml": text})).menu == (
        MenuItem("Jobs", "/category/jobs/"), MenuItem("Main site", "https://skill.jobs/"))


# --- the command line ---------------------------------------------------------------------------

def run_build(*args: str):
    return CliRunner().invoke(main, ["build", *args])


def test_cli_exits_2_on_a_config_error_and_prints_it_without_a_traceback(site):
    root = site({"site.yaml": edited("timezone: Asia/Dhaka", "timezone: Mars/Olympus"),
                 "content/jobs/a.md": article()})
    result = run_build(str(root))
    assert result.exit_code == 2
    assert result.stderr == (
        "site.yaml:4: error: timezone: 'Mars/Olympus' is not a time zone name\n"
        "  hint: use an IANA name such as Asia/Dhaka, Europe/London or UTC\n"
        "Build failed: 1 error in 1 file.\n"
    )
    assert "Traceback" not in result.output
    assert not (root / "output").exists()


def test_cli_exits_2_when_there_is_no_site_yaml(tmp_path):
    result = run_build(str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"site.yaml: error: no site.yaml in {tmp_path}\n")
    assert "Traceback" not in result.output


def test_cli_blames_the_base_url_option_not_site_yaml_for_a_bad_base_url(site):
    root = site({"content/jobs/a.md": article()})
    result = run_build(str(root), "--base-url", "ftp://example.org/")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "--base-url" in result.stderr
    assert not result.stderr.startswith("site.yaml"), "site.yaml is fine; the option is wrong"
    assert not (root / "output").exists()
