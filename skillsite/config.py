"""site.yaml -> SiteConfig: typed, every key checked, unknown keys refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import schema
from .authors import Author, read_authors
from .model import BuildFailed, Diagnostic
from .schema import FieldProblem
from .urls import is_valid_slug
from .yamlread import Mapping, Node, YamlError, read_yaml

CONFIG_NAME = "site.yaml"
_AUTHORITY_RE = re.compile(r"[a-z0-9.-]+\.[a-z]{2,}(@[a-z0-9.-]+)?,\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True, slots=True)
class Group:
    """A category or an audience, as declared in site.yaml."""

    key: str
    """URL name, used in front matter (``category: jobs``)."""
    title: str
    """Display name."""
    description: str = ""
    """A sentence shown on its page."""


@dataclass(frozen=True, slots=True)
class MenuItem:
    """An entry of the main menu."""

    title: str
    """The link text."""
    url: str
    """A path on this site starting with '/', or a full http(s) URL."""


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """Options of the feeds."""

    id_authority: str
    """The naming authority of feed ids (``domain,year``); set once, never changed."""
    length: int = 20
    """Number of newest articles in each feed."""
    per_tag: bool = False
    """Give each tag its feeds too (``tag/<key>/feed.xml``...)."""
    per_author: bool = False
    """Give each author their feeds too (``author/<key>/feed.xml``...)."""
    logo: str | None = None
    """The feeds' picture: a path on this site (``/images/logo.png``) or a full URL."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The site's configuration, validated."""

    site_dir: Path
    """The folder holding site.yaml."""
    title: str
    """The site's name."""
    base_url: str
    """Where the site is published, ending in '/'."""
    feeds: FeedConfig
    """Feed options."""
    categories: tuple[Group, ...]
    """The categories, in menu order."""
    tagline: str = ""
    """The motto shown under the title."""
    description: str = ""
    """A sentence about the site, for search engines and feeds."""
    language: str = "en"
    """BCP 47 language of the site."""
    timezone: str = "UTC"
    """IANA time zone for dates written without an offset, and for display."""
    audiences: tuple[Group, ...] = ()
    """The reader groups articles can address."""
    authors: tuple[Author, ...] = ()
    """The authors site.yaml declares (names, bios, links, avatars)."""
    menu: tuple[MenuItem, ...] = ()
    """The main menu, shown on every page."""
    announcement: str = ""
    """An optional line shown on every page (the forum's "News:")."""
    per_page: int = 10
    """Articles per listing page."""
    theme: str = "default"
    """Theme name: ``themes/<name>`` in the site, else a built-in theme."""
    output_dir: Path = field(default=Path("output"))
    """Where the site is built (absolute)."""
    content_dir: Path = field(default=Path("content"))
    """Where the articles are (absolute)."""
    dates_from_git: bool = True
    """Fill in ``updated`` from the last commit that modified an article."""
    search: bool = True
    """Build the search index (Pagefind) and show the search box and page."""
    search_shards: int | None = None
    """How many shards each language's search index is split into (1: one index); None:
    chosen from the site's size (search.py)."""
    against: str | None = None
    """The site as published, which the feed contract compares with (see published.py): a
    URL ending in '/' or an absolute folder; None: the output folder."""

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. '/' or '/forum/'."""
        return urlsplit(self.base_url).path

    def shown_path(self, path: Path) -> str:
        """A file as messages name it: from the site folder when inside it (``content/jobs/a.md``)."""
        return path.relative_to(self.site_dir).as_posix() if path.is_relative_to(self.site_dir) else str(path)

    def absolute_url(self, site_path: str) -> str:
        """The full URL of a site path such as ``articles/x/`` (or ``tag/مرحبا/``: encoded;
        an already encoded path is left as it is)."""
        return self.base_url + quote(site_path, safe="/%")


def load_config(site_dir: Path, base_url: str | None = None, output: Path | None = None) -> SiteConfig:
    """Read and validate ``site_dir/site.yaml``. Raises BuildFailed (exit code 2)."""
    from .inputs import InputProblem, Reader
    try:
        raw = Reader(site_dir).read(CONFIG_NAME, MAX_CONFIG_BYTES)
    except InputProblem as problem:
        raise BuildFailed([config_unreadable(problem, site_dir)], 2) from None
    return parse_config(raw, site_dir, base_url, output)


MAX_CONFIG_BYTES = 1024 * 1024


def config_unreadable(problem, site_dir: Path) -> Diagnostic:
    """The error for a site.yaml that cannot be read (an inputs.InputProblem)."""
    if problem.missing:
        return Diagnostic(CONFIG_NAME, 0, f"no {CONFIG_NAME} in {site_dir}",
                          "run skillsite in the site's folder, or give the folder: skillsite build path/to/site")
    return Diagnostic(CONFIG_NAME, 0, f"cannot read {CONFIG_NAME}: {problem.reason}",
                      "check that it is a file this user may read")


def parse_config(raw: bytes, site_dir: Path, base_url: str | None = None, output: Path | None = None) -> SiteConfig:
    """Validate the bytes of site.yaml. Raises BuildFailed (exit code 2)."""
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise BuildFailed([Diagnostic(CONFIG_NAME, text_line(exc), "the file is not UTF-8 text",
                                      "save it as UTF-8 in your editor")], 2) from None
    try:
        root = read_yaml(text, CONFIG_NAME)
    except YamlError as exc:
        raise BuildFailed(exc.diagnostics, 2) from None
    reader = _ConfigReader(site_dir.resolve())
    config = reader.read(root)
    if reader.problems:
        raise BuildFailed(reader.problems, 2)
    if base_url is not None:
        config = replace(config, base_url=_normalise_base_url(base_url, "--base-url"))
    if output is not None:
        config = replace(config, output_dir=output.resolve())
    return config


def is_web_address(text: str) -> bool:
    """True for a URL (``scheme://...``) as ``--against`` and ``against:`` take it; else a folder."""
    return "://" in text


def against_value(text: str, relative_to: Path, where: str = CONFIG_NAME) -> str:
    """What ``--against`` or site.yaml's ``against:`` names: a URL ending in '/', or an
    absolute folder (a relative one is taken from ``relative_to``). Raises BuildFailed (exit
    code 2) for a URL that is not a web address."""
    if is_web_address(text):
        return _normalise_base_url(text, where)
    return str((relative_to / text).resolve())


def text_line(exc: UnicodeDecodeError) -> int:
    """The 1-based line of the first byte that is not UTF-8."""
    return exc.object[: exc.start].count(b"\n") + 1


@dataclass(frozen=True, slots=True)
class Rules:
    """What reading an article depends on besides its file: the site's categories and
    audiences, its time zone, where the content is, and the feed ids' naming authority."""

    categories: tuple[Group, ...]
    audiences: tuple[Group, ...]
    timezone: str
    content: str
    """The content folder's name (site-relative where inside the site)."""
    id_authority: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _normalise_base_url(url: str, where: str = CONFIG_NAME, key: str = "base_url") -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        named = f"{key}: " if where == CONFIG_NAME else ""  # an option names itself where the line starts
        raise BuildFailed([Diagnostic(where, 0, f"{named}'{url}' is not a web address",
                                      "use the address the site is published at, e.g. https://forum.skill.jobs/")], 2)
    return url if url.endswith("/") else url + "/"


class _ConfigReader:
    """Reads the top-level mapping field by field, collecting every problem."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self.problems: list[Diagnostic] = []

    def _problem(self, problem: FieldProblem) -> None:
        self.problems.append(Diagnostic(CONFIG_NAME, problem.line, problem.message, problem.hint))

    def read(self, root: Node | None) -> SiteConfig | None:
        if not isinstance(root, Mapping):
            self.problems.append(Diagnostic(CONFIG_NAME, getattr(root, "line", 1), "site.yaml must be a set of fields",
                                            "start with lines like: title: My site"))
            return None
        readers: dict[str, Callable[[Node], object]] = {
            "title": lambda n: schema.one_line(n, "title"),
            "tagline": lambda n: schema.one_line(n, "tagline") or "",
            "description": lambda n: schema.one_line(n, "description") or "",
            "base_url": self._base_url,
            "language": self._language,
            "timezone": self._timezone,
            "categories": lambda n: self._groups(n, "categories"),
            "audiences": lambda n: self._groups(n, "audiences"),
            "authors": lambda n: read_authors(n, self._fields),
            "menu": self._menu,
            "announcement": lambda n: schema.one_line(n, "announcement") or "",
            "per_page": lambda n: schema.integer(n, "per_page"),
            "theme": self._theme,
            "output": lambda n: self._folder(n, "output"),
            "content": lambda n: self._folder(n, "content"),
            "feeds": self._feeds,
            "dates_from_git": lambda n: schema.boolean(n, "dates_from_git"),
            "search": lambda n: schema.boolean(n, "search"),
            "search_shards": _search_shards,
            "against": self._against,
        }
        values: dict[str, object] = {}
        for key, node in root.items:
            if key.text not in readers:
                self._problem(schema.unknown_key_problem(key, readers, "site.yaml"))
                continue
            try:
                values[key.text] = readers[key.text](node)
            except FieldProblem as problem:
                self._problem(problem)
        given = {key.text: key.line for key, _ in root.items}
        for required in ("title", "base_url", "categories", "feeds"):
            if required not in given:
                self.problems.append(Diagnostic(CONFIG_NAME, 1, f"{required}: is missing", _REQUIRED_HINTS[required]))
            elif required in values and values[required] is None:
                self.problems.append(Diagnostic(CONFIG_NAME, given[required], f"{required}: is empty",
                                                _REQUIRED_HINTS[required]))
        if self.problems:
            return None
        output = values.pop("output", Path("output"))
        content = values.pop("content", Path("content"))
        values.setdefault("menu", _default_menu(values["categories"]))
        return SiteConfig(site_dir=self.site_dir, output_dir=self.site_dir / output,
                          content_dir=self.site_dir / content, **values)

    def _base_url(self, node: Node) -> str:
        value = schema.http_url(node, "base_url")
        if value is None:
            raise FieldProblem(node.line, "base_url: is empty", _REQUIRED_HINTS["base_url"])
        try:
            return _normalise_base_url(value)
        except BuildFailed as failed:
            raise FieldProblem(node.line, failed.diagnostics[0].message, failed.diagnostics[0].hint) from None

    def _against(self, node: Node) -> str | None:
        value = schema.one_line(node, "against")
        if not value:
            raise FieldProblem(node.line, "against: is empty",
                               "name where the site is published, e.g. against: https://forum.skill.jobs/")
        if is_web_address(value):
            try:
                return _normalise_base_url(value, CONFIG_NAME, "against")
            except BuildFailed as failed:
                raise FieldProblem(node.line, failed.diagnostics[0].message, failed.diagnostics[0].hint) from None
        return against_value(value, self.site_dir)

    def _language(self, node: Node) -> str:
        value = schema.one_line(node, "language")
        if value is None:
            raise FieldProblem(node.line, "language: is empty", "use a BCP 47 tag such as en, bn, ar or en-GB")
        if not schema.LANGUAGE_TAG.fullmatch(value):
            raise FieldProblem(node.line, f"language: '{value}' is not a language tag",
                               "use a BCP 47 tag such as en, bn, ar or en-GB")
        return value

    def _timezone(self, node: Node) -> str:
        value = schema.one_line(node, "timezone") or ""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise FieldProblem(node.line, f"timezone: '{value}' is not a time zone name",
                               "use an IANA name such as Asia/Dhaka, Europe/London or UTC") from None
        return value

    def _theme(self, node: Node) -> str:
        value = schema.one_line(node, "theme") or "default"
        if not is_valid_slug(value):
            raise FieldProblem(node.line, f"theme: '{value}' is not a theme name",
                               "use the name of a folder under themes/, e.g. theme: default")
        return value

    def _folder(self, node: Node, name: str) -> Path:
        value = schema.one_line(node, name)
        if not value:
            raise FieldProblem(node.line, f"{name}: is empty", f"name a folder, e.g. {name}: {name}")
        return Path(value)

    def _groups(self, node: Node, name: str) -> tuple[Group, ...]:
        groups = []
        for item in schema.sequence(node, name):
            article = "an" if name[0] in "aeiou" else "a"
            fields = self._fields(item, f"{article} {name} entry", {"key", "title", "description"}, required=("key",))
            key = schema.one_line(fields["key"], "key")
            if key is None or not is_valid_slug(key):
                raise FieldProblem(fields["key"].line, f"{name}: key '{key}' is not a URL name",
                                   "use lowercase letters, digits and hyphens, e.g. key: self-employed")
            if any(group.key == key for group in groups):
                raise FieldProblem(fields["key"].line, f"{name}: '{key}' is listed twice", "remove one of them")
            title = schema.one_line(fields["title"], "title") if "title" in fields else None
            description = schema.one_line(fields["description"], "description") if "description" in fields else None
            groups.append(Group(key, title or key.replace("-", " ").capitalize(), description or ""))
        if name == "categories" and not groups:
            raise FieldProblem(node.line, "categories: at least one category is needed", _REQUIRED_HINTS["categories"])
        return tuple(groups)

    def _menu(self, node: Node) -> tuple[MenuItem, ...]:
        items = []
        for item in schema.sequence(node, "menu"):
            fields = self._fields(item, "a menu entry", {"title", "url"}, required=("title", "url"))
            title = schema.one_line(fields["title"], "title")
            url = schema.http_url(fields["url"], "url", allow_site_path=True)
            if not title or not url:
                raise FieldProblem(item.line, "menu: every entry needs a title and a url",
                                   "e.g. - {title: Jobs, url: /category/jobs/}")
            items.append(MenuItem(title, url))
        return tuple(items)

    def _feeds(self, node: Node) -> FeedConfig:
        fields = self._fields(node, "feeds", {"id_authority", "length", "per_tag", "per_author", "logo"}, required=())
        if "id_authority" not in fields:
            raise FieldProblem(node.line, "feeds: 'id_authority' is missing", _REQUIRED_HINTS["feeds"])
        authority = schema.one_line(fields["id_authority"], "id_authority") or ""
        if not _AUTHORITY_RE.fullmatch(authority):
            raise FieldProblem(fields["id_authority"].line,
                               f"feeds.id_authority: '{authority}' is not a domain and a date",
                               _REQUIRED_HINTS["feeds"])
        length = schema.integer(fields["length"], "feeds.length") if "length" in fields else 20
        per_tag, per_author = (schema.boolean(fields[name], f"feeds.{name}") if name in fields else False
                               for name in ("per_tag", "per_author"))
        logo = schema.http_url(fields["logo"], "feeds.logo", allow_site_path=True) if "logo" in fields else None
        return FeedConfig(authority, length, per_tag, per_author, logo)

    def _fields(self, node: Node, name: str, allowed: set[str], required: tuple[str, ...]) -> dict[str, Node]:
        mapping = schema.mapping(node, name)
        fields: dict[str, Node] = {}
        for key, value in mapping.items:
            if key.text not in allowed:
                raise schema.unknown_key_problem(key, allowed, name)
            fields[key.text] = value
        for key in required:
            if key not in fields:
                raise FieldProblem(mapping.line, f"{name}: '{key}' is missing", f"add '{key}:' to it")
        return fields


_REQUIRED_HINTS = {
    "title": "add the site's name, e.g. title: Skill.jobs Forum",
    "base_url": "add the address the site is published at, e.g. base_url: https://forum.skill.jobs/",
    "categories": "list the categories, e.g.\n  categories:\n    - {key: jobs, title: Jobs}",
    "feeds": "set the feed id authority once, to a domain you own and the year you started, "
             "and never change it, e.g.\n  feeds:\n    id_authority: skill.jobs,2014",
}


def _default_menu(categories: tuple[Group, ...]) -> tuple[MenuItem, ...]:
    return (MenuItem("Home", "/"),
            *(MenuItem(c.title, f"/category/{c.key}/") for c in categories),
            MenuItem("Archive", "/archive/"))



def _search_shards(node: Node) -> int:
    value = schema.integer(node, "search_shards")
    if value not in (1, 2, 4, 8, 16):
        raise FieldProblem(node.line, f"search_shards: must be 1, 2, 4, 8 or 16, not {value}",
                           "1 makes one search index per language; leave it out to have it chosen from the "
                           "site's size")
    return value
