"""Queries over the theme and the static files: which theme folders there are, the
templates' texts, the files published as they are, the theme's versioned asset URLs.
Strata 2-4 (see query.py)."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from ..config import SiteConfig
from ..i18n import FOLDER as I18N_FOLDER, Translations, candidates, merge
from ..inputs import TREE, InputProblem, read_input
from ..model import Diagnostic
from ..outputs.static import THEME_ASSETS, asset_url, choose_static
from ..query import Query
from ..templates import make_environment, missing_theme, template_loops, theme_candidates
from .content import CONFIG


@dataclass(frozen=True, slots=True)
class ThemeFolders:
    """The theme folders there are, the first winning: the site's own, the built-in one,
    the default."""

    folders: tuple[str, ...]
    problems: tuple[Diagnostic, ...]
    """A theme folder that is a link or a file: named, never followed."""


def _themes(ask, _: str) -> ThemeFolders:
    config: SiteConfig = ask.get(CONFIG)
    names = [ask.reader.name(folder) for folder in theme_candidates(config)]
    listings = {name: ask.get(TREE, name) for name in names}
    found = tuple(name for name in names if listings[name].exists)
    problems = tuple(problem for listing in listings.values() for problem in listing.problems)
    if names[0] not in found and names[1] not in found and not problems:
        raise missing_theme(config)
    return ThemeFolders(found, problems)


THEMES = Query("themes", 2, _themes, ThemeFolders)


@dataclass(frozen=True, slots=True)
class Templates:
    """The theme's templates, as read."""

    sources: dict[str, tuple[str, str | None]]
    """Template name -> (its file, its text; None when it is not UTF-8)."""
    problems: tuple[Diagnostic, ...]


def _templates(ask, _: str) -> Templates:
    sources: dict[str, tuple[str, str | None]] = {}
    problems: list[Diagnostic] = []
    themes = ask.get(THEMES)
    problems += themes.problems
    for theme in themes.folders:
        folder = f"{theme}/templates"
        listing = ask.get(TREE, folder)
        problems += listing.problems
        for relative in listing.files:
            if relative in sources:
                continue  # a theme before this one has it
            name = f"{folder}/{relative}"
            try:
                raw = read_input(ask, name)
            except InputProblem as problem:
                problems.append(problem.diagnostic)
                continue
            try:
                sources[relative] = (name, raw.decode("utf-8"))
            except UnicodeDecodeError:  # an error only for a page that uses it
                sources[relative] = (name, None)
    return Templates(dict(sorted(sources.items())), tuple(problems))


TEMPLATES = Query("templates", 3, _templates, Templates)

_environments: dict[int, tuple[Templates, jinja2.Environment, dict[str, Diagnostic]]] = {}


def _made(templates: Templates) -> tuple[Templates, jinja2.Environment, dict[str, Diagnostic]]:
    """The compiled templates and their loops, made once per process for one value of TEMPLATES."""
    made = _environments.get(id(templates))
    if made is None or made[0] is not templates:
        _environments.clear()
        env = make_environment(templates.sources)
        made = _environments[id(templates)] = (templates, env, template_loops(env, templates.sources))
    return made


def environment(templates: Templates) -> jinja2.Environment:
    """The compiled templates, made once per process for one value of TEMPLATES."""
    return _made(templates)[1]


def template_loop(templates: Templates, template: str) -> Diagnostic | None:
    """The loop of includes rendering ``template`` would run into (templates.template_loops)."""
    return _made(templates)[2].get(template)


@dataclass(frozen=True, slots=True)
class Static:
    """The files published as they are."""

    files: dict[str, str]
    """Output path -> the file published there, by name."""
    problems: tuple[Diagnostic, ...]


def _static(ask, _: str) -> Static:
    config: SiteConfig = ask.get(CONFIG)
    themes = [(f"{theme}/static", ask.get(TREE, f"{theme}/static")) for theme in ask.get(THEMES).folders]
    own = ask.reader.name(config.site_dir / "static")
    site = (own, ask.get(TREE, own))
    problems = tuple(problem for _, listing in (*themes, site) for problem in listing.problems)
    return Static(choose_static(themes, site), problems)


STATIC = Query("static", 3, _static, Static)


def _assets(ask, _: str) -> dict[str, str]:
    config: SiteConfig = ask.get(CONFIG)
    files = ask.get(STATIC).files
    urls = {}
    for path in THEME_ASSETS:
        if path in files:
            try:
                urls[path] = asset_url(config.base_path, path, read_input(ask, files[path]))
            except InputProblem:
                continue  # reported with the static files
    return urls


ASSETS = Query("assets", 4, _assets, dict[str, str])
"""The theme's stylesheet, script and icon, by a URL carrying a digest of their bytes."""

def _translations(ask, _: str) -> Translations:
    language = ask.get(CONFIG).language
    files, problems = [], []
    for wanted in candidates(language):
        for theme in ask.get(THEMES).folders:
            folder = f"{theme}/{I18N_FOLDER}"
            listing = ask.get(TREE, folder)
            problems += [problem for problem in listing.problems if problem not in problems]
            if f"{wanted}.yaml" not in listing.files:
                continue
            try:
                files.append((f"{folder}/{wanted}.yaml", wanted, read_input(ask, f"{folder}/{wanted}.yaml")))
            except InputProblem as problem:
                problems.append(problem.diagnostic)
    translations = merge(language, files)
    return Translations(translations.language, translations.texts, (*problems, *translations.problems))


TRANSLATIONS = Query("translations", 3, _translations, Translations)
"""The theme's texts in the site's language (see i18n.py): its files, the site's theme's
first, the built-in one's after, English for what they leave out."""

QUERIES = (THEMES, TEMPLATES, STATIC, ASSETS, TRANSLATIONS)
