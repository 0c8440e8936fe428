"""The command line: parse options, call the library, print, map to exit codes.

Exit codes: 0 built; 1 content errors (or the build could not be written); 2 usage or
configuration errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import BuildOptions, BuildResult, build
from .model import BuildFailed, Diagnostic


def _print_diagnostics(diagnostics) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: (d.path, d.line, d.message)):
        click.echo(diagnostic.format(), err=True)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _held_back(result: BuildResult) -> list[str]:
    """Lines saying what was not published and when it will be."""
    publication = result.publication
    lines = []
    for document in sorted(publication.scheduled, key=lambda d: d.meta.date):
        lines.append(f"  scheduled: {document.path} goes live {document.meta.date.isoformat(' ', 'minutes')}")
    for document in publication.expired:
        lines.append(f"  expired:   {document.path} (expired {document.meta.expires.isoformat(' ', 'minutes')})")
    for document in publication.drafts:
        lines.append(f"  draft:     {document.path} (publish with --drafts, or set draft: false)")
    return lines


def _fail(failed: BuildFailed, output_dir: str = "") -> None:
    _print_diagnostics(failed.diagnostics)
    errors = [d for d in failed.diagnostics if d.severity == "error"]
    files = {d.path for d in errors}
    warnings = len(failed.diagnostics) - len(errors)
    kept = " Nothing was written; the previous output is unchanged." if failed.exit_code == 1 else ""
    click.echo(f"Build failed: {_count(len(errors), 'error')} in {_count(len(files), 'file')}"
               f"{', ' + _count(warnings, 'warning') if warnings else ''}.{kept}", err=True)
    sys.exit(failed.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skillsite")
def main() -> None:
    """skillsite: build a static site of curated career articles."""


@main.command("build")
@click.argument("site_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Build into this folder instead of site.yaml's output.")
@click.option("--base-url", help="Publish under this URL instead of site.yaml's base_url.")
@click.option("--drafts", is_flag=True, help="Publish drafts too.")
@click.option("--future", is_flag=True, help="Publish articles dated in the future too.")
@click.option("--expired", is_flag=True, help="Publish expired articles too.")
def build_command(site_dir: Path, output: Path | None, base_url: str | None, drafts: bool, future: bool,
                  expired: bool) -> None:
    """Build the site in SITE_DIR (default: the current folder) into its output folder."""
    options = BuildOptions(drafts=drafts, future=future, expired=expired, base_url=base_url, output=output)
    try:
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
               f"{_count(result.feeds, 'feed')} into {result.output_dir} in {result.seconds:.2f} s")
    for line in _held_back(result):
        click.echo(line)
