"""The one summary an import ends with: what was imported (and where), what was converted,
what was kept as text or left out and where, which links lead nowhere, what was guessed,
and what was refused with the fix."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .body import CONVERTED, KEPT, LEFT_OUT, NOWHERE
from .plan import ImportPlan, Planned

_CONSTRUCTS = (  # how a finding's construct is named in the summary of conversions
    (re.compile(r"^\{\{[<%]/\*"), "Hugo's shortcode escapes {{</* */>}}"),
    (re.compile(r"^\{\{([<%])\s*([\w.\-/]+)"), lambda m: f"{{{{{m[1]} {m[2]} {'>' if m[1] == '<' else '%'}}}}}"),
    (re.compile(r"^\{%-?\s*(\w+)"), lambda m: f"{{% {m[1]} %}}"),
    (re.compile(r"""^\{\{-?\s*(?:"[^"]*"|'[^']*')\s*\|\s*(\w+)"""), lambda m: f'{{{{ "..." | {m[1]} }}}}'),
    (re.compile(r"^\{\{-?\s*([\w.]+)"), lambda m: f"{{{{ {m[1]} }}}}"),
    (re.compile(r"^:::+\s*(\w+)"), lambda m: f":::{m[1]}"),
    (re.compile(r"^> \[!(\w+)\]"), lambda m: f"> [!{m[1]}]"),
    (re.compile(r"^(?:import|export)\s"), "MDX import and export lines"),
    (re.compile(r"^<head>"), "<head>"),
    (re.compile(r"^\{/\*"), "JSX comments {/* */}"),
    (re.compile(r"^<([A-Z][\w.]*)"), lambda m: f"<{m[1]}>"),
    (re.compile(r"^<[a-z]"), "JSX attributes (className=, src={...})"),
    (re.compile(r"^link "), "links between the imported articles"),
    (re.compile(r"^\{:"), "kramdown attribute lists {: }"),
)


def construct(what: str) -> str:
    """The name of the construct a finding is about (``{% highlight %}``, ``:::tip``...)."""
    for pattern, name in _CONSTRUCTS:
        match = pattern.match(what)
        if match:
            return name(match) if callable(name) else name
    return what


def report_lines(plan: ImportPlan, site_dir: Path, dry_run: bool) -> tuple[list[str], list[str]]:
    """(what an import says on standard output, what it says on standard error)."""
    out: list[str] = []
    imported, asked = len(plan.articles), plan.files
    kinds = Counter(article.dialect for article in plan.articles)
    verb = "Would import" if dry_run else "Imported"
    from_what = ", ".join(f"{count} {dialect}" for dialect, count in sorted(kinds.items()))
    drafts = sum('\ndraft: true\n' in article.text for article in plan.articles)
    out.append(f"{verb} {imported} of {asked} {_files(asked)}" + (f" ({from_what})" if from_what else "")
               + (f"; {drafts} as drafts (publish one by deleting its line 'draft: true', or import again with "
                  "--publish --overwrite)" if drafts else "") + (":" if imported else "."))
    for article in plan.articles:
        beside = f", with {len(article.copies)} {_files(len(article.copies))} beside it" if article.copies else ""
        replacing = " (replacing it)" if article.replaces else ""
        out.append(f"  {article.shown} -> {_shown(article.target, site_dir)}{replacing}{beside}")
    converted = _converted(plan, site_dir)
    if converted:
        out.append("Converted (nothing to do):")
        out.extend(converted)
    for kind, title in ((KEPT, "Kept as text, to edit by hand (no equivalent here):"),
                        (LEFT_OUT, "Left out (nothing of it can show here):"),
                        (NOWHERE, "Links and images that lead nowhere (fix the address, or import again with "
                                  "--assets DIR naming the folder that holds the original site's files):")):
        lines = [f"  {_shown(a.target, site_dir)}:{line}: {' '.join(f.what.split())}" + (f": {f.outcome}" if f.outcome else "")
                 for a in plan.articles for line, f in a.findings if f.kind == kind]
        if lines:
            out.append(title)
            out.extend(lines)
    notes: dict[str, list[str]] = {}
    for article in plan.articles:
        for note in article.notes:
            notes.setdefault(note, []).append(_shown(article.target, site_dir))
    if notes:
        out.append("Notes (check these):")
        out.extend(f"  {files[0]}: {note}" if len(files) == 1 else f"  {note}: {len(files)} articles ({', '.join(files)})"
                   for note, files in notes.items())
    if plan.skipped:
        out.append(f"Skipped {len(plan.skipped)} {_files(len(plan.skipped))} of the folders given, as no articles "
                   f"(partials, section pages, LICENSE and README files): {', '.join(plan.skipped)}")
    if dry_run:
        out.append("Dry run: nothing was written.")
    errors = []
    for refused in plan.refused:
        where = f"{refused.shown}:{refused.line}" if refused.line else refused.shown
        errors.append(f"{where}: error: {refused.message}")
        if refused.hint:
            errors.append(f"  hint: {refused.hint}")
    if plan.refused:
        errors.append(f"{len(plan.refused)} of {asked} {_files(asked)} not imported.")
    return out, errors


def _converted(plan: ImportPlan, site_dir: Path) -> list[str]:
    """One line per construct: how many, what they became, where the first was."""
    groups: dict[str, list[tuple[Planned, int, str]]] = {}
    for article in plan.articles:
        for line, finding in article.findings:
            if finding.kind == CONVERTED:
                groups.setdefault(construct(finding.what), []).append((article, line, finding.outcome))
    lines = []
    for name, found in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        outcomes = list(dict.fromkeys(outcome for _, _, outcome in found))
        became = "; ".join(outcomes[:3]) + ("..." if len(outcomes) > 3 else "")
        article, line, _ = found[0]
        lines.append(f"  {name}: {len(found)} -> {became} (first at {_shown(article.target, site_dir)}:{line})")
    return lines


def _files(count: int) -> str:
    return "file" if count == 1 else "files"


def _shown(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return path.as_posix()
