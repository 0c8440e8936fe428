"""The paths of a site's output files, each taken once, before anything is written.

Two files at one path, a file where another needs a folder, or two names that a host which
folds case or accents (macOS, Windows, many web hosts) would see as one: each is refused,
naming both, instead of one file silently replacing the other.
"""

from __future__ import annotations

import unicodedata
from typing import NoReturn

from .model import BuildFailed, Diagnostic


class PathClaims:
    """The paths of a site's files, each taken once. Two files at one path, or a file at a
    path another file needs as its folder (the writer would replace the one by that folder,
    silently), raise BuildFailed naming both."""

    def __init__(self):
        self._origins: dict[str, str] = {}  # what made each file, by path
        self._folders: dict[str, tuple[str, str]] = {}  # each folder the files need: the first (path, origin)
        self._alike: dict[str, str] = {}  # each path taken, file or folder, by the form hosts may fold it to

    def claim(self, path: str, origin: str) -> None:
        """Take ``path`` for a file made by ``origin``."""
        other = self._origins.get(path)
        if other is not None:
            raise BuildFailed([Diagnostic(path, 0, f"two outputs would be written to '{path}': {other} and {origin}",
                                          "rename one of them (a static file may not replace a page)")])
        if path in self._folders:
            self._collision(path, origin, *self._folders[path])
        self._take_alike(path, origin)
        self._origins[path] = origin
        folder = path.rpartition("/")[0]
        while folder and folder not in self._folders:  # the folders above one taken are taken already
            if folder in self._origins:
                self._collision(folder, self._origins[folder], path, origin)
            self._take_alike(folder, origin, folder=True)
            self._folders[folder] = (path, origin)
            folder = folder.rpartition("/")[0]

    def _take_alike(self, path: str, origin: str, folder: bool = False) -> None:
        """Refuse ``path`` when a path already taken differs from it only in case or in how
        its accents are written (NFC or NFD): a host that does not tell them apart (macOS,
        Windows, many web hosts) keeps one of the two. Two folders may (they merge)."""
        other = self._alike.setdefault(_folded(path), path)
        if other == path or (folder and other not in self._origins):
            return
        what = self._origins[other] if other in self._origins else f"the folder of {self._folders[other][1]}"
        looks = (" (they look the same: one writes an accented letter as one character, the other as a letter and "
                 "an accent mark)" if unicodedata.normalize("NFC", path) == unicodedata.normalize("NFC", other) else "")
        raise BuildFailed([Diagnostic(path, 0, f"'{path}' ({origin}) and '{other}' ({what}) differ only in capital "
                                      f"letters or in how an accent is written{looks}: copied to a host that does not "
                                      "tell them apart (macOS, Windows, many web hosts), one would replace the other",
                                      "rename one of them")])

    @staticmethod
    def _collision(path: str, origin: str, inside: str, inside_origin: str) -> NoReturn:
        raise BuildFailed([Diagnostic(path, 0, f"'{path}' would be both a file ({origin}) and the folder "
                                      f"holding '{inside}' ({inside_origin})",
                                      "rename one of them (a static file may not take a path the site's pages, "
                                      "feeds or search index need)")])


def _folded(path: str) -> str:
    """``path`` as a case- and normalisation-insensitive file system sees it."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())
