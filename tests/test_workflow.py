"""A moderator's day: check, new, serve with live reload, scheduling, git dates (import: test_import.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillsite.build import BuildOptions, build
from skillsite.cli import main
from clients import ServeProcess
from conftest import NOW, article, committed, git


def run_cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


# --- check ----------------------------------------------------------------------------------------

def test_check_passes_a_clean_site_and_lists_what_is_held_back(site):
    root = site({"content/jobs/a.md": article("Published"),
                 "content/jobs/later.md": article("Later", date="2099-01-01 09:00"),
                 "content/jobs/wip.md": article("Work in progress", draft="true")})
    result = run_cli("check", str(root))
    assert result.exit_code == 0, result.output
    assert "Checked 3 articles: 0 errors, 0 warnings." in result.output
    assert "scheduled: content/jobs/later.md goes live 2099-01-01 09:00+06:00" in result.output
    assert "draft:     content/jobs/wip.md" in result.output
    assert not (root / "output").exists()


def test_check_validates_drafts_and_reports_broken_links_and_images_with_their_lines(site):
    root = site({
        "content/jobs/a.md": article("A", "Intro.\n\nSee [b](/articles/b/), [nothing](/articles/nothing/) and\n"
                                          "![chart](/images/missing.png).\n"),
        "content/jobs/b.md": article("B", draft="true", category="jbos"),
    })
    result = run_cli("check", str(root))
    assert result.exit_code == 1
    assert ("content/jobs/a.md:9: error: the link '/articles/nothing/' leads to no page or file of this site"
            in result.output)
    assert ("content/jobs/a.md:10: error: the image '/images/missing.png' leads to no page or file of this site"
            in result.output)
    assert "content/jobs/b.md:5: error: category: 'jbos' is not a category of this site" in result.output
    assert "'/articles/b/' leads" not in result.output  # b's errors are its own; the link itself is fine
    assert "Checked 2 articles: 3 errors, 0 warnings." in result.output


def test_check_warns_about_mojibake_and_invisible_characters_in_titles_tags_and_authors(site):
    root = site({"content/jobs/a.md": article("Businessâ€™ Relationship", author='"mod\u200berator"',
                                             tags='["caf\u00c3\u00a9", "ok"]'),
                 "content/jobs/b.md": article("Evil \u202etxt.exe")})
    result = run_cli("check", str(root))
    assert result.exit_code == 0  # warnings alone pass...
    assert ("content/jobs/a.md:2: warning: title: 'Businessâ€™ Relationship' looks garbled, as if its encoding "
            "was mixed up (mojibake)\n  hint: perhaps it should read 'Business' Relationship'") in result.output
    # printed with the invisible character written out, so the moderator sees where it is
    assert "content/jobs/a.md:4: warning: author: 'mod\\u200berator' contains invisible characters (U+200B ZERO WIDTH SPACE)" in result.output
    assert "content/jobs/a.md:6: warning: tags: 'caf\u00c3\u00a9' looks garbled" in result.output
    assert "content/jobs/b.md:2: warning: title: 'Evil \\u202etxt.exe' contains invisible characters (U+202E RIGHT-TO-LEFT OVERRIDE)" in result.output
    assert run_cli("check", str(root), "--strict").exit_code == 1  # ...unless --strict
    built = build(root, BuildOptions(now=NOW))
    assert (root / "output/articles/a/index.html").read_text().count("Businessâ€™ Relationship") >= 1  # never rewritten
    assert built.articles == 2


def test_check_prints_github_annotations(site):
    root = site({"content/jobs/a.md": article("A", category="job")})
    result = run_cli("check", str(root), "--format", "github")
    assert result.exit_code == 1
    assert ("::error file=content/jobs/a.md,line=5::category: 'job' is not a category of this site "
            "(did you mean 'jobs'?) (hint: use one of: career, jobs, entrepreneurship (categories are "
            "declared in site.yaml))") in result.output


def test_check_finds_two_articles_pinned_to_one_feed_id(site):
    root = site({"content/jobs/a.md": article("A", id="urn:x:1"), "content/jobs/b.md": article("B", id="urn:x:1")})
    result = run_cli("check", str(root))
    assert "content/jobs/b.md:6: error: the feed id 'urn:x:1' is already used by content/jobs/a.md" in result.output


def test_pre_commit_hook_runs_check():
    hooks = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text()
    assert "entry: skillsite check" in hooks


# --- new ------------------------------------------------------------------------------------------

def test_new_writes_a_valid_draft_in_the_category_folder_and_refuses_to_overwrite(site):
    root = site({})
    result = run_cli("new", "Interview prep: the “STAR” method", "--category", "jobs", "--author", "Nasrin",
                     "--site", str(root))
    assert result.exit_code == 0
    path = Path(result.output.strip())
    assert path == root / "content/jobs/interview-prep-the-star-method.md"
    text = path.read_text()
    assert 'title: "Interview prep: the “STAR” method"\n' in text and "draft: true\n" in text
    assert re.search(r"^date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+06:00$", text, re.MULTILINE)
    check = run_cli("check", str(root))
    assert check.exit_code == 0 and "0 errors, 0 warnings" in check.output
    again = run_cli("new", "Interview prep: the “STAR” method", "--category", "jobs", "--site", str(root))
    assert again.exit_code == 2 and "already exists" in again.output
    assert path.read_text() == text


def test_new_refuses_an_unknown_category_and_a_title_without_latin_letters(site):
    root = site({})
    wrong = run_cli("new", "Title", "--category", "job", "--site", str(root))
    assert wrong.exit_code == 2 and "'job' is not a category of this site (did you mean 'jobs'?)" in wrong.output
    arabic = run_cli("new", "ابدأ مشروعك", "--category", "jobs", "--site", str(root))
    assert arabic.exit_code == 2 and "give one with --slug" in arabic.output
    assert run_cli("new", "ابدأ مشروعك", "--category", "jobs", "--slug", "start-up", "--site", str(root)).exit_code == 0


# --- scheduling and dates -------------------------------------------------------------------------

def test_dates_without_offset_are_in_the_sites_zone_whatever_the_machines(site):
    root = site({"content/jobs/a.md": article("A", date="2026-11-27 18:30")})  # 12:30 UTC in Dhaka
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    code = ("from datetime import datetime, timezone; from pathlib import Path; "
            "from skillsite.build import build, BuildOptions; "
            f"r = build(Path({str(root)!r}), BuildOptions(now=datetime(2026, 11, 27, 12, 29, tzinfo=timezone.utc)));"
            "print(r.articles)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "0", done.stderr


def edited_and_committed(site, other: str, when: str) -> tuple[Path, Path]:
    """A site in git with two articles, ``edited.md`` and ``other``; ``edited.md`` then
    modified in a commit of its own at ``when``. The site and that article's file."""
    root = committed(site({"content/jobs/edited.md": article("Edited", date="2024-01-01 10:00"),
                           f"content/jobs/{other}.md": article(other.title(), date="2024-01-01 10:00")}),
                     "2024-02-01T00:00:00+00:00")
    edited = root / "content/jobs/edited.md"
    edited.write_text(edited.read_text() + "More.\n")
    git(root, "commit", "-qam", "edit", date=when)
    return root, edited


def test_updated_comes_from_the_last_commit_that_modified_the_article(site):
    root, _ = edited_and_committed(site, "untouched", "2024-05-06T07:08:09+00:00")
    build(root, BuildOptions(now=NOW))
    page = (root / "output/articles/edited/index.html").read_text()
    assert 'Updated <time datetime="2024-05-06T13:08:09+06:00">6 May 2024</time>' in page
    assert "Updated" not in (root / "output/articles/untouched/index.html").read_text()  # added, never modified
    sitemap = (root / "output/sitemap.xml").read_text()
    assert "<loc>https://example.org/articles/edited/</loc><lastmod>2024-05-06T13:08:09+06:00</lastmod>" in sitemap
    assert "<updated>2024-05-06T13:08:09+06:00</updated>" in (root / "output/atom.xml").read_text()


def test_committing_an_edit_already_built_dates_the_article_from_that_commit(site):
    root, edited = edited_and_committed(site, "other", "2024-03-04T00:00:00+00:00")
    edited.write_text(edited.read_text() + "Even more.\n")
    build(root, BuildOptions(now=NOW))  # the second edit is not committed yet: updated by the first
    page = root / "output/articles/edited/index.html"
    assert 'Updated <time datetime="2024-03-04T06:00:00+06:00">4 March 2024</time>' in page.read_text()
    git(root, "commit", "-qam", "second edit", date="2024-05-06T07:08:09+00:00")
    build(root, BuildOptions(now=NOW))  # the same bytes, from the last build's snapshot, dated again
    assert 'Updated <time datetime="2024-05-06T13:08:09+06:00">6 May 2024</time>' in page.read_text()


def test_without_git_nothing_changes(site):
    root = site({"content/jobs/a.md": article("A")})
    build(root, BuildOptions(now=NOW))
    assert "Updated" not in (root / "output/articles/a/index.html").read_text()


# --- serve ----------------------------------------------------------------------------------------

class Server(ServeProcess):
    """``skillsite serve`` in a subprocess, on a free port."""

    def __init__(self, root: Path):
        super().__init__([sys.executable, "-m", "skillsite", "serve", str(root), "--port", "0"])

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def next_reload(self, action) -> str:
        """Run ``action`` and return the reload signal it causes (bounded wait)."""
        events = urllib.request.urlopen(self.url + "_skillsite/events", timeout=20)
        first = events.readline().decode()
        events.readline()
        action()
        while True:
            line = events.readline().decode()
            if line.startswith("data:"):
                events.close()
                assert line != first
                return line



@pytest.fixture
def served(site):
    root = site({"content/jobs/a.md": article("First title", "First body.\n"),
                 "content/jobs/wip.md": article("Work in progress", draft="true")})
    server = Server(root)
    yield root, server
    server.stop()


def test_serve_shows_drafts_rebuilds_on_save_and_signals_a_reload(served):
    root, server = served
    status, page = server.get("articles/a/")
    assert status == 200 and ">First title</h1>" in page and "EventSource" in page
    assert "Draft" in server.get("articles/wip/")[1]
    path = root / "content/jobs/a.md"
    started = time.monotonic()
    signal = server.next_reload(lambda: path.write_text(article("Second title", "Second body.\n")))
    assert signal.startswith("data: ") and time.monotonic() - started < 15
    assert ">Second title</h1>" in server.get("articles/a/")[1]
    # later saves are read alone (the watcher says what changed); a new file is found too
    server.next_reload(lambda: path.write_text(article("Third title", "Third body.\n")))
    assert ">Third title</h1>" in server.get("articles/a/")[1]
    server.next_reload(lambda: (root / "content/jobs/b.md").write_text(article("Another one")))
    assert ">Another one</h1>" in server.get("articles/b/")[1]
    assert not (root / "output").exists()  # serving never writes the output folder


def test_serve_shows_errors_in_the_browser_and_recovers_when_fixed(served):
    root, server = served
    path = root / "content/jobs/a.md"
    server.next_reload(lambda: path.write_text(article("Broken", category="jbos")))
    status, page = server.get("articles/a/")
    assert status == 500 and "content/jobs/a.md:5: error: category: &#x27;jbos&#x27;" in page
    assert server.process.poll() is None  # still serving
    server.next_reload(lambda: path.write_text(article("Fixed")))
    assert ">Fixed</h1>" in server.get("articles/a/")[1]


def test_the_site_workflow_checks_pull_requests_and_publishes_main_hourly():
    import yaml
    workflow = yaml.safe_load((Path(__file__).parent.parent / "docs/site-workflow.yml").read_text())
    check_steps = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    publish_steps = [step.get("run", "") for step in workflow["jobs"]["publish"]["steps"]]
    assert 'skillsite check --format github --against "$PUBLISHED"' in check_steps
    assert 'skillsite build --output _site --against "$PUBLISHED"' in publish_steps
    assert workflow["env"]["PUBLISHED"].startswith("https://")
    assert workflow[True]["schedule"] == [{"cron": "7 * * * *"}]  # YAML 1.1 reads the key 'on' as True


def test_serve_shows_warnings_in_the_terminal_and_in_a_banner_and_says_what_a_save_changed(site):
    root = site({"content/jobs/a.md": article("A", "Intro.\n\n![chart](/images/missing.png)\n"),
                 "content/jobs/b.md": article("B", "Plain.\n")})
    served = ServeProcess([sys.executable, "-m", "skillsite", "serve", str(root), "--port", "0"])
    try:
        warning = ("content/jobs/a.md:9: warning: the image '/images/missing.png' leads to no page or file of this "
                   "site\n")
        assert warning in served.log  # as build prints it: file:line, then the hint
        page = urllib.request.urlopen(served.url + "articles/b/").read().decode()
        banner = page.split('<aside id="skillsite-warnings"', 1)[1].split("</aside>", 1)[0]
        assert "skillsite: 1 warning in this site" in banner and "a.md:9: warning: the image" in banner
        assert 'onclick="this.parentElement.remove()"' in banner  # it can be closed
        (root / "content/jobs/b.md").write_text(article("B", "Plain.\n\nA second paragraph.\n"))  # same summary
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(line.startswith("saved content/jobs/b.md") for line in served.log):
            time.sleep(0.1)
        [said] = [line for line in served.log if line.startswith("saved content/jobs/b.md")]
        assert re.fullmatch(r"saved content/jobs/b\.md: 1 page updated \(/articles/b/\) and \d+ other files "
                            r"in \d+\.\d\d s\n", said), said
        assert served.log.count(warning) == 1  # not said again: the warnings are the same
        (root / "content/jobs/a.md").write_text(article("A", "Intro, no image now.\n"))
        time.sleep(0.2)
        deadline = time.monotonic() + 30
        page = ""
        while time.monotonic() < deadline and "skillsite-warnings" in (page := urllib.request.urlopen(
                served.url + "articles/b/").read().decode()):
            time.sleep(0.1)
        assert "skillsite-warnings" not in page  # no warnings: no banner
    finally:
        served.stop()


def test_serve_started_in_the_background_by_a_script_still_stops_on_ctrl_c(site):
    # a background job of a script (or a CI runner's step) starts with SIGINT ignored, and
    # Python keeps that: serve would go on serving after Ctrl+C (seen in CI, waiting 30 s)
    import signal
    root = site({"content/jobs/a.md": article("A", "Text.\n")})
    served = ServeProcess([sys.executable, "-m", "skillsite", "serve", str(root), "--port", "0"],
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert served.interrupt() == 0
    assert served.log[-1] == "Stopped.\n"
