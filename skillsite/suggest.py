"""Where the answer to a broken link is known: the article or file with that name,
elsewhere on the site."""

from __future__ import annotations

import difflib
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping

MAX_SUGGESTIONS = 3


def articles_named(by_file: Mapping[str, str], name: str) -> str | None:
    """The content paths (one per line, sorted) of the articles whose file is called
    ``name``; where none is, the one whose file name is closest to it; else None."""
    same = sorted(path for path in by_file if posixpath.basename(path) == name)
    if same:
        return "\n".join(same[:MAX_SUGGESTIONS])
    names: dict[str, str] = {}
    for path in sorted(by_file):
        names.setdefault(posixpath.basename(path), path)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    return names[close[0]] if close else None


def did_you_mean_file(paths: str | None, from_content_path: str) -> str:
    """' (did you mean ../jobs/cv.md?)': ``paths`` (content paths, one per line) as links
    from the article at ``from_content_path``; '' for None."""
    if not paths:
        return ""
    folder = posixpath.dirname(from_content_path) or "."
    links = [posixpath.relpath(path, folder) for path in paths.split("\n")]
    return f" (did you mean {' or '.join(links)}?)"


def files_by_name(paths: Iterable[str]) -> dict[str, list[str]]:
    """Output paths by their file's name (pages: by their folder's name, the slug)."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):
        head, name = posixpath.split(path)
        found[posixpath.basename(head) + "/" if name == "index.html" else name].append(path)
    return found


def did_you_mean_path(by_name: Mapping[str, list[str]], site_path: str) -> str:
    """' (did you mean /images/2024/chart.png?)' where a file of the site has the name of
    ``site_path``'s (a page: a name close to it, as a misspelt slug); else ''."""
    head, name = posixpath.split(site_path)
    if not name:  # a page: /articles/writng-a-cv/
        name = posixpath.basename(head) + "/"
        close = difflib.get_close_matches(name, [key for key in by_name if key.endswith("/")], n=1, cutoff=0.8)
        found = by_name[close[0]][:1] if close else []
        shown = ["/" + posixpath.dirname(path) + "/" for path in found]
    else:
        shown = ["/" + path for path in by_name.get(name, ())[:MAX_SUGGESTIONS]]
    return f" (did you mean {' or '.join(shown)}?)" if shown else ""
