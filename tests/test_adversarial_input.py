"""Adversarial: input that used to crash with "a bug in skillsite" or a file-system error
instead of a message at the line to fix. A template that fails while it runs is named at
its file and line by build and serve; tags, authors and slugs too long to name a folder
at theirs, by build and check. The previous output stays byte for byte as it was."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import NOW, article, tree_bytes
from skillsite.build import BuildOptions
from skillsite.cli import main
from skillsite.frontmatter import MAX_NAME_BYTES
from skillsite.server import Preview


def run_cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


# --- a template that fails while it runs ---------------------------------------------------------

RUNTIME_ERRORS = {
    "a division by zero": ("<p>{{ 1/0 }}</p>", "template error: a division by zero"),
    "a bad format": ('<p>{{ "%d items"|format("many") }}</p>',
                     "template error: %d format: a real number is required, not str (TypeError)"),
    "a loop over a number": ("{% for x in 5 %}{{ x }}{% endfor %}",
                             "template error: 'int' object is not iterable (TypeError)"),
    "a method that does not exist": ("{{ article.title.no_such_method() }}",
                                     "template error: 'str object' has no attribute 'no_such_method'"),
    "a bad index": ("{{ article.tags[99].title }}", "template error: "),
    "an include of itself": ('{% include "article.html" %}',  # named where the recursion gave up: its line 1
                             "template error: templates include or call each other without end"),
    "an int of text": ('{{ range("x"|int - 1, 3)|list|first // 0 }}', "template error: "),
}


@pytest.mark.parametrize("name", list(RUNTIME_ERRORS))
def test_a_template_failing_as_it_runs_is_an_error_at_its_line(sample_site, name):
    code, message = RUNTIME_ERRORS[name]
    assert run_cli("build", str(sample_site)).exit_code == 0
    before = tree_bytes(sample_site / "output")
    override = sample_site / "themes/default/templates/article.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "base.html" %}\n{% block content %}\n<h1>x</h1>\n' + code + "\n{% endblock %}\n")
    result = run_cli("build", str(sample_site))  # (check renders no page: it runs no template)
    assert result.exit_code == 1, result.output
    line = 4  # an include of itself too: the line of the include
    assert f"themes/default/templates/article.html:{line}: error: {message}" in result.output
    assert "views.py" in result.output.partition(message)[2].split("\n")[1]  # the hint
    assert tree_bytes(sample_site / "output") == before


def test_a_template_failing_as_it_runs_is_shown_by_serve(sample_site):
    override = sample_site / "themes/default/templates/base.html"
    override.parent.mkdir(parents=True)
    override.write_text("<!DOCTYPE html>\n<title>x</title>\n{{ 1/0 }}\n")
    preview = Preview(sample_site, BuildOptions(now=NOW, drafts=True, jobs=1), log=lambda _: None)
    preview.rebuild()
    assert [problem.format() for problem in preview.problems][:1] == [
        f"themes/default/templates/{override.name}:3: error: template error: a division by zero\n"
        "  hint: fix the expression on this line of the "
        "template (the values it receives are listed in skillsite/views.py)"]


def test_an_error_in_skillsite_itself_is_still_reported_as_a_bug(sample_site, monkeypatch):
    from skillsite.queries import pages

    def broken(env, template, values):
        raise KeyError("not from a template")
    monkeypatch.setattr(pages, "render_page", broken)
    result = CliRunner().invoke(main, ["build", str(sample_site)], catch_exceptions=False)
    assert result.exit_code == 70 and "internal error: KeyError" in result.output


# --- names too long for a folder -------------------------------------------------------------------

BENGALI_TAG = "চাকরির" * 14 + "খোঁজ"  # 86 characters, 258 bytes: over the file system's 255
LONG_NAMES = {
    "a Bengali tag": (f'["{BENGALI_TAG}", ok]', "tags", 6),
    "a long Latin tag": (f'["{"career-" * 40}"]', "tags", 6),
    "a tag that grows when folded": ('["' + "\ufdfa" * 12 + '"]', "tags", 6),  # one letter, 18 when folded
    "a long author": ('"' + "আব্দুল্লাহ " * 10 + '"', "author", 4),
    "a long slug": ("-".join(["word"] * 60), "slug", 6),
    "a long alias": ("[" + "-".join(["old"] * 80) + "]", "aliases", 6),
}


@pytest.mark.parametrize("name", list(LONG_NAMES))
def test_a_name_too_long_for_a_folder_is_an_error_at_its_line(site, name):
    value, field, line = LONG_NAMES[name]
    root = site({"content/jobs/a.md": article("Fine", **{field: value}), "content/jobs/b.md": article("Other", slug="b")})
    assert run_cli("build", str(root), "--output", str(root / "first")).exit_code == 1
    for command in ("build", "check"):
        result = run_cli(command, str(root))
        assert result.exit_code == 1, result.output
        assert f"content/jobs/a.md:{line}: error: {field}: " in result.output, result.output
        assert f"at most {MAX_NAME_BYTES} bytes" in result.output
        assert "File name too long" not in result.output
    assert not (root / "output").exists()


def test_the_longest_names_allowed_build(site):
    tag = "ক" * (MAX_NAME_BYTES // 3)  # three bytes each
    slug = "a" * MAX_NAME_BYTES
    root = site({"content/jobs/a.md": article("Fine", tags=f"[{tag}]", slug=slug, author="b" * MAX_NAME_BYTES,
                                              aliases=f"[{'c' * MAX_NAME_BYTES}]")})
    result = run_cli("build", str(root))
    assert result.exit_code == 0, result.output
    assert (root / "output" / "tag" / tag / "index.html").is_file()
    assert (root / "output" / "articles" / slug / "index.html").is_file()


def test_a_loop_through_another_template_is_named_where_it_starts_before_any_page_renders(sample_site):
    templates = sample_site / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "partial.html").write_text("<p>\n{% include 'other.html' %}\n</p>\n")
    (templates / "other.html").write_text("{% include 'partial.html' %}\n")
    (templates / "article.html").write_text('{% extends "base.html" %}\n{% block content %}\n'
                                            '{% include "partial.html" %}\n{% endblock %}\n')
    result = run_cli("build", str(sample_site))
    assert result.exit_code == 1, result.output
    # the first template of the loop by name, at its include: fixing either line ends it
    assert ("themes/default/templates/other.html:1: error: template error: templates include or call each other "
            "without end") in result.output
    assert "leads back to itself" in result.output
