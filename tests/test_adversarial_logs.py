"""Adversarial: what a site's files can make skillsite print into a terminal or a CI log.

A file name, a link's address, a tag: all come from whoever wrote the article, and build,
check, serve and import print them. In GitHub Actions a printed line that starts with
``::`` (after white space) is a workflow command (a fake annotation, ``stop-commands``,
``add-mask``), and so is ``##[command]`` anywhere in a line. The runner's own parser
(actions/runner, ActionCommand.TryParseV2 and TryParse) is ported below, made stricter
than the runner: it also reads each line with the characters a culture-aware comparison
ignores taken out. No string from the site may make it find a command skillsite did not
mean to print.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path


from conftest import MINIMAL_CONFIG, article, write_tree
from skillsite.printable import printable

# The commands an actions runner registers (ActionCommandManager and its extensions).
RUNNER_COMMANDS = {"error", "warning", "notice", "debug", "add-mask", "stop-commands", "set-output", "set-env",
                   "add-path", "group", "endgroup", "echo", "save-state", "add-matcher", "remove-matcher"}


def _ignorable_removed(line: str) -> str:
    return "".join(c for c in line if unicodedata.category(c)[0] not in "CM")


def workflow_commands(output: str) -> list[tuple[str, str]]:
    """(command, properties and data) of every line an actions runner would take as a
    workflow command. Lines are split as .NET's ReadLine splits them (LF, CR, CRLF)."""
    found = []
    for raw in re.split(r"\r\n|\r|\n", output):
        for line in {raw, _ignorable_removed(raw)}:
            trimmed = line.lstrip()
            if trimmed.startswith("::") and trimmed.find("::", 2) >= 0:  # TryParseV2
                info = trimmed[2:trimmed.find("::", 2)]
                if info.split(" ", 1)[0].lower() in RUNNER_COMMANDS:
                    found.append((info.split(" ", 1)[0], trimmed))
                    break
            at = line.find("##[")  # TryParse, the older form: anywhere in the line
            if at >= 0 and line.find("]", at) >= 0:
                info = line[at + 3:line.find("]", at)]
                if info.split(" ", 1)[0].lower() in RUNNER_COMMANDS:
                    found.append((info.split(" ", 1)[0], line[at:]))
                    break
    return found


# File names a pull request can add (git keeps any byte but NUL and '/').
HOSTILE_NAMES = [
    "x\n::error file=README.md,line=1::this build is fine.md",
    "x\r::stop-commands::pwned.md",
    "x\n  \u00a0::add-mask::hunter2.md",
    "x\u2028::warning::separator.md",
    "x\n\u200d::error::joiner.md",
    "y ##[add-mask]secret.md",
    "y #\u200b#[error]zero-width.md",
    "x\x1b[2K\x1b[1Aescape.md",
    "x\x85::error::next-line.md",
]

# Addresses that end up in warnings (entities are decoded before an address is looked at).
HOSTILE_LINKS = [
    '<a href="http://a.example/&#10;::error file=README.md::fake">a</a>',
    '<a href="http://a.example/ ##[add-mask]secret">b</a>',
    '<a href="http://a.example/&#13;::stop-commands::t0k">c</a>',
    '<img src="/x&#10;::set-output name=ok::1" alt="d">',
    '[e](<http://a.example/a b&#x0A;::add-mask::leak>)',
]


def _hostile_site(root: Path) -> Path:
    files = {f"content/jobs/{name}": article("Fine", "Text.\n", slug=f"s{index}", category="jbos" if index % 2 else "jobs")
             for index, name in enumerate(HOSTILE_NAMES)}
    files["content/jobs/links.md"] = article("Links", "\n\n".join(HOSTILE_LINKS) + "\n", slug="links")
    files["content/jobs/draft.md"] = article("Draft", slug="draft-one", draft="true")
    return write_tree(root, {"site.yaml": MINIMAL_CONFIG, **files})


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skillsite", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def _assert_no_injected_commands(done: subprocess.CompletedProcess, allowed: int = 0) -> None:
    output = done.stdout + done.stderr
    commands = workflow_commands(output)
    assert "Traceback" not in output
    assert len(commands) == allowed, "\n".join(f"{name}: {line!r}" for name, line in commands)


def test_printable_breaks_every_command_and_keeps_ordinary_text():
    for name in HOSTILE_NAMES:
        shown = printable(name)
        assert "\n" not in shown and "\r" not in shown and workflow_commands(shown) == []
        assert shown.isprintable() or "\u00a0" in shown or "\u200d" in shown
    for ordinary in ("content/jobs/cv.md", "বাংলা ট্যাগ", "C# and F#", "https://example.org/a?b=c#d", "std::vector",
                     "👩\u200d💻 coder", "آموزش\u200cها"):
        assert printable(ordinary) == ordinary


def test_check_and_build_print_no_workflow_command_from_file_names_or_addresses(tmp_path):
    root = _hostile_site(tmp_path / "site")
    for args in (("check", str(root)), ("build", str(root)), ("check", str(root), "--strict")):
        done = _run(*args)
        assert done.returncode == 1, done.stderr
        _assert_no_injected_commands(done)
        assert "jbos" in done.stderr  # the problems are printed all the same
        assert "content/jobs/x\\r::stop-commands::pwned.md:5: error: category: 'jbos'" in done.stderr


def test_github_format_prints_only_its_own_annotations(tmp_path):
    root = _hostile_site(tmp_path / "site")
    done = _run("check", str(root), "--format", "github")
    diagnostics = [line for line in done.stdout.splitlines() if line.startswith(("::error ", "::warning "))]
    assert len(diagnostics) >= len(HOSTILE_NAMES)
    commands = workflow_commands(done.stdout + done.stderr)
    assert [name for name, _ in commands] == [line[2:].split(" ", 1)[0] for line in diagnostics]
    for _, line in commands:  # each points at a file of the site, never at another file it names
        assert re.match(r"::(error|warning) file=content/jobs/", line), line


def test_build_lists_held_back_drafts_and_its_warnings_safely(tmp_path):
    root = write_tree(tmp_path / "site", {
        "site.yaml": MINIMAL_CONFIG,
        "content/jobs/x\n::error file=a,line=1::draft.md": article("Draft", slug="d", draft="true"),
        "content/jobs/links.md": article("Links", "\n\n".join(HOSTILE_LINKS) + "\n", slug="links"),
    })
    done = _run("build", str(root))
    assert done.returncode == 0, done.stderr
    _assert_no_injected_commands(done)
    assert "draft:     content/jobs/x\\n::error file=a,line=1::draft.md" in done.stdout
    assert "it was encoded as" in done.stderr


def test_import_prints_source_and_target_names_safely(tmp_path):
    root = write_tree(tmp_path / "site", {"site.yaml": MINIMAL_CONFIG})
    sources = write_tree(tmp_path / "in", {
        "::error file=a::x.md": "---\ntitle: Imported\ndate: 2024-01-01\n---\nText.\n",
        "b\n::add-mask::secret.md": "---\ntitle: Also imported\ndate: 2024-01-01\n---\nText.\n",
        "##[stop-commands]x.md": "not front matter at all\n",
    })
    done = _run("import", *sorted(os.listdir(sources)), "--site", str(root), "--category", "jobs",
                "--author", "m", cwd=sources)
    _assert_no_injected_commands(done)
    assert "\\x3a:error file=a::x.md -> " in done.stdout


def test_serve_logs_problems_safely(tmp_path):
    root = _hostile_site(tmp_path / "site")
    process = subprocess.Popen([sys.executable, "-m", "skillsite", "serve", str(root), "--port", "0"],
                               stderr=subprocess.PIPE, text=True)
    log = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            log.append(line)
            if line.startswith("build 1:"):
                break
    finally:
        process.terminate()
        process.wait(timeout=10)
    text = "".join(log)
    assert "build 1:" in text and "jbos" in text
    assert workflow_commands(text) == []
