"""Whole builds through the command line: exit codes, atomic output, determinism, scheduling."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from skillsite import parallel
from skillsite.build import BuildOptions, build
from skillsite.cli import main
from conftest import NOW, REPO, article, tree_bytes


def run_cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_sample_site_builds_and_prints_a_summary(sample_site):
    result = run_cli("build", str(sample_site))
    assert result.exit_code == 0, result.output
    assert "Built 15 articles, " in result.output and " feeds into " in result.output
    assert "scheduled: content/career/career-fair-guide-coming-soon.md goes live 2027-06-01 09:00+06:00" in result.output
    assert "draft:     content/jobs/salary-negotiation-scripts.md" in result.output
    assert (sample_site / "output" / "index.html").is_file()


def test_python_dash_m_runs_the_same_command_line():
    result = subprocess.run([sys.executable, "-m", "skillsite", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("skillsite, version ")


def test_two_builds_are_byte_identical_whatever_the_hash_seed_and_time_zone(sample_site, tmp_path):
    outputs = []
    for seed, zone in (("1", "UTC"), ("2", "America/Los_Angeles")):
        target = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": zone}
        done = subprocess.run([sys.executable, "-m", "skillsite", "build", str(sample_site), "--output", str(target)],
                              env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(tree_bytes(target))
    assert "pagefind/pagefind.js" in outputs[0]  # the search index too
    assert outputs[0] == outputs[1]


def test_failed_build_exits_1_reports_every_problem_and_leaves_the_output_as_it_was(sample_site):
    assert run_cli("build", str(sample_site)).exit_code == 0
    before = tree_bytes(sample_site / "output")
    (sample_site / "content/jobs/broken.md").write_text(article("Broken", category="job", draft="yes"), encoding="utf-8")
    (sample_site / "content/jobs/no-front-matter.md").write_text("Just text.\n", encoding="utf-8")
    result = run_cli("build", str(sample_site))
    assert result.exit_code == 1
    assert "content/jobs/broken.md:5: error: category: 'job' is not a category of this site (did you mean 'jobs'?)" in result.output
    assert "content/jobs/broken.md:6: error: draft: must be true or false, not 'yes'" in result.output
    assert "content/jobs/no-front-matter.md:1: error: the file has no front matter" in result.output
    assert result.output.rstrip().endswith(
        "Build failed: 3 errors in 2 files. Nothing was written; the previous output is unchanged.")
    assert tree_bytes(sample_site / "output") == before
    # no staging debris (the output's lock, empty, stays beside it)
    assert [p.name for p in sample_site.iterdir() if p.name.startswith(".output")] in ([], [".output.lock"])


def test_template_error_fails_the_build_naming_the_template_and_keeps_the_output(sample_site):
    assert run_cli("build", str(sample_site)).exit_code == 0
    before = tree_bytes(sample_site / "output")
    override = sample_site / "themes/default/templates/article.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "base.html" %}\n{% block content %}\n{{ article.no_such_field }}\n{% endblock %}\n')
    result = run_cli("build", str(sample_site))
    assert result.exit_code == 1
    assert "themes/default/templates/article.html:3: error: template error: 'dict object' has no attribute 'no_such_field'" in result.output
    assert tree_bytes(sample_site / "output") == before


def test_configuration_errors_exit_2(site):
    root = site({"site.yaml": "title: x\n", "content/jobs/a.md": article()})
    result = run_cli("build", str(root))
    assert result.exit_code == 2
    assert "site.yaml:1: error: base_url: is missing" in result.output
    assert not (root / "output").exists()


def test_unknown_option_is_a_usage_error():
    assert CliRunner().invoke(main, ["build", "--no-such-option"]).exit_code == 2


def test_drafts_and_future_articles_appear_nowhere_unless_asked_for(site):
    root = site({
        "content/jobs/published.md": article("Published"),
        "content/jobs/a-draft.md": article("A draft", draft="true"),
        "content/jobs/tomorrow.md": article("Tomorrow", date="2026-11-28 09:00"),
        "content/jobs/gone.md": article("Gone", expires="2025-01-01"),
    })
    build(root, BuildOptions(now=NOW))
    everything = b"".join(tree_bytes(root / "output").values())
    assert b"Published" in everything
    for slug in (b"a-draft", b"tomorrow", b"gone"):
        assert slug not in everything
    build(root, BuildOptions(now=NOW, drafts=True, future=True, expired=True))
    everything = b"".join(tree_bytes(root / "output").values())
    for slug in (b"a-draft", b"tomorrow", b"gone"):
        assert b"/articles/" + slug + b"/" in everything
    assert b'<span class="draft-mark">Draft</span>' in (root / "output/articles/a-draft/index.html").read_bytes()


def test_future_article_publishes_once_its_moment_has_come(site):
    root = site({"content/jobs/tomorrow.md": article("Tomorrow", date="2026-11-28 09:00")})
    # 09:00 in Asia/Dhaka is 03:00 UTC
    assert build(root, BuildOptions(now=NOW.replace(day=28, hour=2, minute=59))).articles == 0
    assert build(root, BuildOptions(now=NOW.replace(day=28, hour=3, minute=0))).articles == 1


@pytest.mark.parametrize("output", [".", "content", ".."])
def test_refuses_an_output_folder_that_holds_the_site_or_its_content(site, output):
    root = site({"content/jobs/a.md": article()})
    result = run_cli("build", str(root), "--output", str(root / output))
    assert result.exit_code == 2
    assert "building there would replace it" in result.output
    assert (root / "content/jobs/a.md").is_file()


def test_a_static_file_may_not_replace_a_page(site):
    root = site({"content/jobs/a.md": article(), "static/articles/a/index.html": "<p>sneaky</p>"})
    result = run_cli("build", str(root))
    assert result.exit_code == 1
    assert "two outputs would be written to 'articles/a/index.html'" in result.output


@pytest.mark.parametrize("static, message", [
    ("static/articles/a/index.html/notes.txt", "'articles/a/index.html' would be both a file (article.html) "
                                               "and the folder holding 'articles/a/index.html/notes.txt'"),
    ("static/category", "'category' would be both a file (static file"),
    ("static/pagefind", "'pagefind' would be both a file (static file"),
])
def test_a_static_file_may_not_turn_a_page_into_a_folder_or_take_a_pages_folder(site, static, message):
    root = site({"content/jobs/a.md": article()})
    assert run_cli("build", str(root)).exit_code == 0
    before = tree_bytes(root / "output")
    (root / static).parent.mkdir(parents=True, exist_ok=True)
    (root / static).write_text("sneaky")
    for _ in range(2):  # a new tree, then the standby
        result = run_cli("build", str(root))
        assert result.exit_code == 1
        assert message in result.output
        assert "Traceback" not in result.output
        assert tree_bytes(root / "output") == before


def test_nothing_is_written_outside_the_output_folder(site):
    root = site({"content/jobs/a.md": article()})
    before = sorted(p.name for p in root.parent.iterdir())
    site_before = tree_bytes(root)
    assert run_cli("build", str(root), "--output", str(root.parent / "public")).exit_code == 0
    assert sorted(p.name for p in root.parent.iterdir()) == sorted(before + ["public", ".public.lock"])
    # the build cache (.skillsite-cache, git-ignored) is the one thing a build keeps beside its output
    assert {k: v for k, v in tree_bytes(root).items() if not k.startswith(".skillsite-cache/")} == site_before


def test_site_templates_override_the_built_in_theme(site):
    root = site({"content/jobs/a.md": article("Overridden"),
                 "themes/default/templates/404.html": "<!DOCTYPE html><title>x</title><p>Custom 404 for {{ site.title }}</p>\n"})
    assert run_cli("build", str(root)).exit_code == 0
    assert (root / "output/404.html").read_text() == "<!DOCTYPE html><title>x</title><p>Custom 404 for Test Board</p>\n"
    assert ">Overridden</h1>" in (root / "output/articles/a/index.html").read_text()


def test_files_in_a_themes_templates_that_no_page_uses_do_not_stop_a_parallel_build(sample_site, monkeypatch):
    # pages go to worker processes: the templates are compiled once before, every one of them
    monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", 1)
    templates = sample_site / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "unused.html").write_text("{% if %}")  # does not compile
    (templates / "sketch.html").write_bytes(b"\xff\xfe not UTF-8")
    (templates / "notes.txt").write_bytes(b"\xff")
    build(sample_site, BuildOptions(now=NOW, jobs=2))
    assert (sample_site / "output/index.html").is_file()


def test_readme_quickstart_has_exactly_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == [
        'python3 -m venv .venv && .venv/bin/python -m pip install -e ".[dev]" && .venv/bin/skillsite build',
        ".venv/bin/python -m pytest",
    ]
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    assert all(command in ci for command in block.splitlines())
