"""Adversarial: what one 4 MB article can cost. Each shape is built by ``skillsite build``
in a child process of its own; the CPU time (user and system, the build and its workers
and Pagefind) and the peak memory (the largest resident set of any of them) are measured
by the kernel. Whatever its shape, a 4 MB article is built or refused within 10 s and
500 MB. The first shapes are the ones that took minutes and gigabytes before (now refused
at the line where a limit is passed); the rest are the costliest found just within the
limits (built). CPU time is asserted, not the wall clock: the test machine is shared.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, article, write_tree
from skillsite.bounds import MAX_HTML_NESTING, MAX_LINES, MAX_MARKS

SIZE = 4 * 1024 * 1024 - 4096  # the article file's limit is 4096 KB; room for the front matter
SECONDS, MEGABYTES = 10.0, 500


def _fill(unit: str, count: int | None = None) -> str:
    return unit * (count if count is not None else SIZE // len(unit.encode()))


def _padded(text: str) -> str:
    """``text``, then plain text up to 4 MB: the base cost of a 4 MB page, feeds and index."""
    return text + "\n\n" + "x" * max(0, SIZE - len(text.encode()) - 2)


LINES, MARKS = MAX_LINES - 10, MAX_MARKS - 10
REFUSED = {  # shape: (body, the error expected, at this line of the body)
    "a million one-line paragraphs": (_fill("a\n\n"), f"longer than {MAX_LINES:,} lines", MAX_LINES),
    "*_ two million times": (_fill("*_"), f"more than {MAX_MARKS:,} markup characters", 0),
    "4 M [ with a closing ]": (_fill("[")[:-1] + "]", "markup characters", 0),
    "50,000 identical headings": (_fill("## Heading\n\n", 50_000), "lines", MAX_LINES),
    "520 k identical links": (_fill("[a](http://example.org/x) ", 520_000)[:SIZE], "markup characters", 0),
    "840 k <div>": (_fill("<div>"), "markup characters", 0),
    "150 k entity-encoded hrefs": (_fill('<a href="http://e.org/&#97;">x</a>\n', 110_000), "lines", MAX_LINES),
    "1,001 nested <div>": (_padded("<div>\n" * 5 + "<section>" * (MAX_HTML_NESTING - 4) + "</section>"),
                           f"nested more than {MAX_HTML_NESTING:,} levels deep", 5),
}
BUILT = {
    "4 MB of one line": _padded(""),
    "500,000 different words": _padded(" ".join(f"w{number}" for number in range(500_000))),
    "list items": _fill("- " + "a" * 160 + "\n", LINES),
    "table rows": "| a | b |\n|---|---|\n" + _fill("| " + "a" * 78 + " | " + "b" * 78 + " |\n", LINES - 2),
    "headings": _padded("## H\n" * LINES),
    "distinct links": _padded("".join(f"[a](http://example.org/{i}) " for i in range(MARKS // 2))),
    "entity-encoded hrefs": _padded('<a href="http://e.org/&#97;">x</a>\n' * (MARKS // 3)),
    "emphasis": _padded("*a* " * (MARKS // 2)),
    "deep divs, again and again": _padded(("<div>" * 990 + "</div>" * 990 + "\n\n") * (MARKS // 1980)),
    "quotes 40 deep": _fill("> " * 40 + "a\n", LINES),
    "one fence of Python": _padded("```python\n" + "total = sum(a, b) + f(c) * g(d) - h(e) / i(f) % j(g)\n" * (LINES - 10)
                                   + "```\n"),
    "fences of Python, one line each": _padded("```python\nx = f(a, b)\n```\n" * (LINES // 3)),
}

_MEASURE = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "skillsite", "build", sys.argv[1]], capture_output=True, text=True)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"code": done.returncode, "output": done.stdout + done.stderr,
                      "cpu": used.ru_utime + used.ru_stime, "wall": time.monotonic() - started,
                      "megabytes": used.ru_maxrss / 1024}))
""")


def _measured_build(root: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(root)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _site(tmp_path: Path, body: str) -> Path:
    text = article("A long one", body)
    assert len(text.encode()) <= 4096 * 1024, len(text.encode())
    return write_tree(tmp_path / "site", {"site.yaml": MINIMAL_CONFIG, "content/jobs/a.md": text})


@pytest.mark.parametrize("shape", list(REFUSED))
def test_a_4_mb_article_that_would_cost_too_much_is_refused_at_its_line_in_bounded_time(tmp_path, shape):
    body, message, line = REFUSED[shape]
    measured = _measured_build(_site(tmp_path, body))
    assert measured["code"] == 1, measured["output"][-500:]
    assert f"content/jobs/a.md:{7 + line}: error: " in measured["output"] and message in measured["output"]
    assert "hint: " in measured["output"] and "Traceback" not in measured["output"]
    print(f"{shape}: refused, {measured['cpu']:.1f} s CPU ({measured['wall']:.1f} s wall), {measured['megabytes']:.0f} MB")
    assert measured["cpu"] <= SECONDS and measured["megabytes"] <= MEGABYTES


@pytest.mark.parametrize("shape", list(BUILT))
def test_a_4_mb_article_just_within_the_limits_is_built_in_bounded_time_and_memory(tmp_path, shape):
    measured = _measured_build(_site(tmp_path, BUILT[shape]))
    assert measured["code"] == 0, measured["output"][-500:]
    print(f"{shape}: built, {measured['cpu']:.1f} s CPU ({measured['wall']:.1f} s wall), {measured['megabytes']:.0f} MB")
    assert measured["cpu"] <= SECONDS and measured["megabytes"] <= MEGABYTES


def test_heading_ids_are_those_of_the_anchors_plugin_made_in_linear_time():
    import time

    from mdit_py_plugins.anchors import anchors_plugin

    from skillsite.markdown import make_markdown
    from skillsite.urls import heading_anchor
    body = "".join(f"## {title}\n\n" for title in ["A", "A", "a-1", "A", "B {#a-3}", "A", "", "", "A b", "a b"] * 3)
    ours = make_markdown()
    plugin = make_markdown()
    plugin.core.ruler.disable("heading_ids")
    plugin.use(anchors_plugin, min_level=1, max_level=6, slug_func=lambda text: heading_anchor(text) or "section")

    def ids(md, text):
        return [token.attrGet("id") for token in md.parse(text, {}) if token.type == "heading_open"]
    assert ids(ours, body) == ids(plugin, body)
    started = time.process_time()
    assert len(set(ids(ours, "## Same\n\n" * 12_000))) == 12_000
    assert time.process_time() - started < 5  # the plugin took minutes for 50,000
