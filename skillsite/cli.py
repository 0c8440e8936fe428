"""The command line: parse options, call the library, print, map to exit codes.

Exit codes: 0 built; 1 content errors (or the build could not be written); 2 usage or
configuration errors.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from . import __version__
from .build import BuildOptions, build
from .config import against_value, load_config
from .model import BuildFailed, Diagnostic
from .printable import printable
from .site import HeldBack
from .urls import is_valid_slug


def _print_diagnostics(diagnostics) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: (d.path, d.line, d.message)):
        click.echo(diagnostic.format(), err=True)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _held_back(articles: tuple[HeldBack, ...]) -> list[str]:
    """Lines saying what was not published and when it will be."""
    wording = {"scheduled": "  scheduled: {} goes live {}", "expired": "  expired:   {} (expired {})",
               "draft": "  draft:     {} (publish with --drafts, or set draft: false)"}
    return [wording[article.reason].format(printable(article.path), printable(str(article.when)))
            for article in articles]


def _fail(failed: BuildFailed, what: str = "Build") -> None:
    """Print every problem and a summary, and exit with the failure's code."""
    _print_diagnostics(failed.diagnostics)
    errors = [d for d in failed.diagnostics if d.severity == "error"]
    files = {d.path for d in errors}
    warnings = len(failed.diagnostics) - len(errors)
    kept = " Nothing was written; the previous output is unchanged." if what == "Build" and failed.exit_code == 1 else ""
    click.echo(f"{what} failed: {_count(len(errors), 'error')} in {_count(len(files), 'file')}"
               f"{', ' + _count(warnings, 'warning') if warnings else ''}.{kept}", err=True)
    sys.exit(failed.exit_code)


class _Commands(click.Group):
    """Every command; an unexpected failure is reported in a sentence, not a traceback
    (set SKILLSITE_DEBUG=1 to see it)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug in skillsite, not a mistake of the moderator's
            if os.environ.get("SKILLSITE_DEBUG"):
                raise
            click.echo(f"skillsite: internal error: {type(exc).__name__}: {printable(str(exc))}\n"
                       "  hint: this is a bug in skillsite, not in your site; please report it with the command you "
                       "ran (SKILLSITE_DEBUG=1 shows the details). Nothing was written.", err=True)
            sys.exit(70)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skillsite")
def main() -> None:
    """skillsite: build a static site of curated career articles."""


_AGAINST_HELP = ("Compare with the site as published at this URL (or in this folder): feed ids and every "
                 "published URL. Default: site.yaml's against, else the output folder.")


def _against(text: str | None) -> str | None:
    """``--against`` as given: a URL, or a folder taken from the current one."""
    return None if text is None else against_value(text, Path.cwd(), "--against")


@main.command("build")
@click.argument("site_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Build into this folder instead of site.yaml's output.")
@click.option("--base-url", help="Publish under this URL instead of site.yaml's base_url.")
@click.option("--drafts", is_flag=True, help="Publish drafts too.")
@click.option("--future", is_flag=True, help="Publish articles dated in the future too.")
@click.option("--expired", is_flag=True, help="Publish expired articles too.")
@click.option("--strict", is_flag=True,
              help="Treat warnings as errors (a feed item's new id or unredirected URL among them): write nothing.")
@click.option("--against", metavar="URL|DIR", help=_AGAINST_HELP)
def build_command(site_dir: Path, *, output: Path | None, base_url: str | None, drafts: bool, future: bool,
                  expired: bool, strict: bool, against: str | None) -> None:
    """Build the site in SITE_DIR (default: the current folder) into its output folder."""
    try:
        options = BuildOptions(drafts=drafts, future=future, expired=expired, base_url=base_url, output=output,
                               strict=strict, against=_against(against))
        result = build(site_dir, options)
    except BuildFailed as failed:
        _fail(failed)
        return
    except OSError as exc:
        _fail(BuildFailed([Diagnostic(str(exc.filename or site_dir), 0, f"could not read or write: {exc.strerror}",
                                      "check the folder's permissions and free disk space")]))
        return
    _print_diagnostics(result.warnings)
    click.echo(f"Built {_count(result.articles, 'article')}, {_count(result.pages, 'page')}, "
               f"{_count(result.feeds, 'feed')} into {printable(str(result.output_dir))} in {result.seconds:.2f} s")
    for line in _held_back(result.held_back):
        click.echo(line)


@main.command("check")
@click.argument("site_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text",
              help="github: print problems as GitHub Actions annotations, shown on a pull request's lines.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--against", metavar="URL|DIR", help=_AGAINST_HELP)
def check_command(site_dir: Path, output_format: str, strict: bool, against: str | None) -> None:
    """Check every article of SITE_DIR (drafts and scheduled ones too) without writing anything."""
    from .check import as_github_annotation, check_site  # here: every command starts faster without ftfy
    try:
        result = check_site(site_dir, datetime.now(timezone.utc), _against(against))
    except BuildFailed as failed:
        _fail(failed, "Check")
        return
    if output_format == "github":
        for diagnostic in sorted(result.diagnostics, key=lambda d: (d.path, d.line, d.message)):
            click.echo(as_github_annotation(diagnostic))
    else:
        _print_diagnostics(result.diagnostics)
    warnings = len(result.diagnostics) - result.errors
    failed = result.errors > 0 or (strict and warnings > 0)
    click.echo(f"Checked {_count(result.articles, 'article')}: {_count(result.errors, 'error')}, "
               f"{_count(warnings, 'warning')}.", err=failed)
    for line in _held_back(result.held_back):
        click.echo(line)
    for author in result.undeclared_authors:
        click.echo(f"  author not in site.yaml's authors: {printable(author.name)} "
                   f"({printable(author.path)}:{author.line}; shown as written)")
    sys.exit(1 if failed else 0)


@main.command("new")
@click.argument("title")
@click.option("--category", "-c", required=True, help="One of the site's categories.")
@click.option("--author", "-a", help="The author's name (default: git's user.name, else 'moderator').")
@click.option("--slug", help="The URL name (default: made from the title).")
@click.option("--site", "site_dir", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="The site's folder (default: the current folder).")
def new_command(title: str, category: str, author: str | None, slug: str | None, site_dir: Path) -> None:
    """Write a new draft article titled TITLE in the category's folder and print its path."""
    from .new import create_article
    try:
        config = load_config(site_dir)
        path = create_article(config, title, category, author or _default_author(), slug,
                              datetime.now(timezone.utc))
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics)
        sys.exit(failed.exit_code)
    click.echo(printable(_shown(path)))


def _shown(path: Path) -> str:
    """A file written, as the moderator can open it from here: from the current folder when inside it."""
    here = Path.cwd()
    return os.path.relpath(path, here) if path.is_relative_to(here) else str(path)


def _default_author() -> str:
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True).stdout.strip()
    except OSError:
        name = ""
    return name or "moderator"


@main.command("serve")
@click.argument("site_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", "-p", default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--future/--no-future", default=True, show_default=True, help="Show articles dated in the future.")
def serve_command(site_dir: Path, port: int, future: bool) -> None:
    """Preview SITE_DIR on http://127.0.0.1:PORT/ with drafts shown, rebuilding and reloading
    the browser on every save. Nothing is written to the output folder."""
    from .server import serve  # here: the file watcher and the HTTP server are for serve only
    try:
        serve(site_dir, port, BuildOptions(drafts=True, future=future),
              log=lambda line: click.echo(line, err=True))
    except BuildFailed as failed:
        _fail(failed, "Serve")
    except OSError as exc:
        _fail(BuildFailed([Diagnostic("skillsite serve", 0, f"cannot serve on port {port}: {exc.strerror}",
                                      "choose another port with --port")], 2))
    # Stopped (Ctrl+C): at once, whatever a rebuild in the watcher's thread is doing (its
    # workers, a Pagefind process), which Python's exit would otherwise wait for; serve
    # writes nothing that needs finishing (its site is in memory)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@main.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--category", "-c", help="Category for articles that name none of the site's (a category the file "
                                       "names wins).")
@click.option("--author", "-a", help="Author for articles that name none.")
@click.option("--slug", help="The URL name of the article (importing one file).")
@click.option("--publish", is_flag=True, help="Publish at once (default: every article arrives as a draft).")
@click.option("--overwrite", is_flag=True, help="Replace the article file the import writes when it is there already "
                                              "(an earlier import of the same file).")
@click.option("--assets", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of the original site holding the files its articles link from its root "
                   "(/images/a.png); repeatable. The site's own folders are looked in anyway.")
@click.option("--dry-run", is_flag=True, help="Print what would be written, and write nothing.")
@click.option("--site", "site_dir", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="The site's folder (default: the current folder).")
def import_command(sources: tuple[Path, ...], category: str | None, author: str | None, slug: str | None,
                   publish: bool, overwrite: bool, assets: tuple[Path, ...], dry_run: bool, site_dir: Path) -> None:
    """Bring in articles from Jekyll, Hugo or Docusaurus (files, or folders of them) and forum
    posts saved as text, as drafts in content/<category>/, with the images they show beside
    them. Template syntax is converted where it has an equivalent; the summary says what was
    converted, what was kept as text and which links lead nowhere, each at its line."""
    from .importing.plan import ImportOptions, plan_import, source_files  # here: only import needs the importer
    from .importing.report import report_lines
    from .importing.write import write_plan
    try:
        config = load_config(site_dir)
    except BuildFailed as failed:
        _fail(failed, "Import")
        return
    if category is not None and category not in {c.key for c in config.categories}:
        _fail(BuildFailed([Diagnostic("--category", 0, f"'{category}' is not a category of this site",
                                      f"use one of: {', '.join(c.key for c in config.categories)}")], 2), "Import")
    if slug is not None and (len(source_files(sources)[0]) != 1 or not is_valid_slug(slug)):
        _fail(BuildFailed([Diagnostic("--slug", 0, f"'{slug}' cannot name the article" if not is_valid_slug(slug)
                                      else "--slug names one article, and more than one file was given",
                                      "import one file with --slug, as lowercase letters, digits and hyphens")], 2),
              "Import")
    options = ImportOptions(category, author, slug, publish, overwrite, tuple(path.resolve() for path in assets))
    plan = plan_import(sources, config, options, datetime.now(timezone.utc))
    if not dry_run:
        try:
            write_plan(plan, overwrite)
        except OSError as exc:  # a file that appeared since, a folder that is a file, a full disk
            _fail(BuildFailed([Diagnostic(str(exc.filename or config.content_dir), 0,
                                          f"cannot be written: {exc.strerror}",
                                          "check that the folder is writable and the file not there already, "
                                          "then import again (with --overwrite to replace what was written)")]),
                  "Import")
    out, errors = report_lines(plan, config.site_dir, dry_run)
    for line in out:
        click.echo(printable(line))
    for line in errors:
        click.echo(printable(line), err=True)
    if plan.refused:
        sys.exit(1)
