"""OutputFiles -> the output folder, all or nothing.

The only module that writes the site. Files go into a staging folder beside the output
folder; only when every file is written is the staging folder swapped in, in one atomic
exchange where the kernel offers it (Linux renameat2), so a failed or interrupted build
leaves the previous output exactly as it was. Unchanged files are hard links to the old
ones: not rewritten, their modification times kept.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import swap
from .claims import PathClaims
from .swap import STAGING_MARK
from .digests import RACY_NS, digest
from .lock import exclusive
from .model import BuildFailed, Diagnostic, KeptFile, OutputFile
from .urls import contained

STANDBY_MARK = ".standby"
LOCK_MARK = ".lock"


def unchanged_on_disk(file: Path | str, recorded: dict) -> bool:
    """True when ``file`` is still the very file the last build wrote (same inode, size and
    modification time): nobody replaced or edited it since."""
    try:
        status = os.stat(file, follow_symlinks=False)
    except OSError:
        return False
    return (status.st_ino, status.st_size, status.st_mtime_ns) == (
        recorded.get("inode"), recorded.get("size"), recorded.get("mtime"))


def refuse_dangerous_output(output_dir: Path, site_dir: Path, content_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy something else."""
    output = output_dir.resolve()
    forbidden = {Path("/"): "the root folder", Path.home().resolve(): "your home folder",
                 site_dir.resolve(): "the site folder", content_dir.resolve(): "the content folder"}
    reason = forbidden.get(output)
    if reason is None and (site_dir.resolve().is_relative_to(output) or output.is_relative_to(content_dir.resolve())):
        reason = "a folder that holds the site or its content"
    if reason:
        raise BuildFailed([Diagnostic("site.yaml", 0, f"output: '{output}' is {reason}; building there would replace it",
                                      "set output: to a folder of its own, e.g. output: output")], 2)
    if output.is_dir() and not (output / OUTPUT_MARKER).is_file() and any(output.iterdir()):
        raise BuildFailed([Diagnostic("site.yaml", 0, f"output: '{output}' holds files that skillsite did not write "
                                      f"(it has no {OUTPUT_MARKER} file); building there would replace them",
                                      "set output: to a new or empty folder, or move those files away first")], 2)


OUTPUT_MARKER = ".skillsite-output"
"""The file by which skillsite knows an output folder as its own: a non-empty folder
without it is never replaced."""


def output_marker() -> OutputFile:
    """The marker file every build writes into its output."""
    return OutputFile(OUTPUT_MARKER, b"This folder is written by skillsite build, which replaces it whole: "
                                     b"do not keep other files in it.\n", "skillsite's output marker")


def write_site(files: Iterable[OutputFile | KeptFile], output_dir: Path, previous: Mapping[str, dict] | None = None,
               standby_folders: Mapping | None = None) -> tuple[dict[str, dict], dict]:
    """Write ``files`` as the new content of ``output_dir``, atomically, and return what was
    written (path -> key, digest, size, mtime, inode) and what its folders hold (see
    ``_folders_written``).

    ``previous`` is what the last build wrote. A file it wrote that is unchanged (kept, or
    made again with the same bytes) is hard-linked from the old output instead of written:
    it keeps its modification time, so deploy tools upload only what changed.

    Where the system can swap two folders in one step, the output the last build replaced
    is kept beside the output (``.<output>.standby``) and brought up to date for the next
    build, file by file, instead of building a whole new tree: a rebuild touches only the
    files that changed. Its files are never written in place (they may be the live output's
    files too): a changed file is written beside and renamed over. ``standby_folders`` is
    what the build that wrote the standby returned about its folders: a folder whose
    modification time is still the one recorded holds what it held, and is not listed."""
    previous = previous or {}
    output_dir = _through_links(output_dir.absolute())
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    with _output_lock(output_dir):
        return _write_site(files, output_dir, previous, standby_folders)


def restore_parked_output(output_dir: Path) -> None:
    """Put back the output that a swap by two renames parked and never replaced (a build
    killed between them, where the system cannot exchange two folders in one step). Called
    before a build can fail, so that the last good site is live again whatever comes."""
    output_dir = _through_links(output_dir.absolute())
    if output_dir.exists() or not output_dir.parent.is_dir():
        return
    with _output_lock(output_dir):
        swap.put_back_parked(output_dir)


def _output_lock(output_dir: Path):
    """The lock beside the output folder, held while a build writes into it: another site
    built into the same folder at once would remove this one's staging folder."""
    return exclusive(output_dir.parent / f".{output_dir.name}{LOCK_MARK}", lambda holder: Diagnostic(
        str(output_dir), 0, f"another build is writing into this output folder{holder}; this one wrote nothing",
        "wait until it has finished (two sites built into one folder at once would replace each other's "
        "files), or give each site an output folder of its own"))


def _through_links(output_dir: Path) -> Path:
    """The folder a symlinked output folder leads to (a web root linked to the output is
    kept a link: the site is swapped in where the link points), else ``output_dir``."""
    return output_dir.resolve() if output_dir.is_symlink() else output_dir


def _write_site(files: Iterable[OutputFile | KeptFile], output_dir: Path, previous: Mapping[str, dict],
                standby_folders: Mapping | None) -> tuple[dict[str, dict], dict]:
    swap.remove_stale_staging(output_dir)
    standby = output_dir.parent / f".{output_dir.name}{STANDBY_MARK}"
    reuse = standby.is_dir() and not standby.is_symlink() and output_dir.is_dir() and swap.can_exchange(output_dir.parent)
    if not reuse:
        _remove(str(standby))  # a symlink (left by an older skillsite) is unlinked, never followed
    staging = standby if reuse else Path(tempfile.mkdtemp(prefix=f".{output_dir.name}{STAGING_MARK}",
                                                          dir=output_dir.parent))
    # the loop below runs once per file of the site (17,500 at 10,000 articles), mostly for
    # unchanged files: plain str paths and os calls, no Path objects
    tree = _Tree(str(staging), str(output_dir), reuse,
                 _recorded_folders(staging, standby_folders) if reuse and standby_folders else {})
    manifest: dict[str, dict] = {}
    claims = PathClaims()  # by origin, not by file: a file's bytes, once written, may go
    try:
        os.chmod(staging, 0o755)
        for file in files:
            claims.claim(file.path, file.origin)
            manifest[file.path] = _place(tree, file, previous.get(file.path))
        if tree.standby:  # a reused standby still holds files of an older build; a new tree nothing else
            _remove_extras(tree, manifest)
        folders = _folders_written(tree, manifest)
        old = swap.swap_in(staging, output_dir)
        if old is not None and old != standby:
            os.rename(old, standby)  # the replaced output, kept to become the next build's
    except BaseException:
        if staging != standby:
            shutil.rmtree(staging, ignore_errors=True)
        raise  # a half-synced standby is brought up to date by the next build, file by file
    return manifest, folders


@dataclass(slots=True)
class _Tree:
    """The staging folder being filled, with the output it will replace."""

    root: str
    """The staging folder."""
    output: str
    """The live output, whose unchanged files are linked from."""
    standby: bool
    """True when ``root`` is the reused standby, which may already hold the right files."""
    recorded: Mapping[str, tuple[int, list[str]]] = field(default_factory=dict)
    """What the standby's folders held when they were written: (modification time, names),
    by folder (see ``_recorded_folders``)."""
    folders: set[str] = field(default_factory=lambda: {""})
    """The folders (relative; '' is the root) that hold files of the new site, each made or
    checked to be a real folder by this build: a symlink there could lead writes out of the
    tree. The only folders _remove_extras looks into."""
    found: dict[str, int] = field(default_factory=dict)
    """Folders of ``folders`` that were there already: their modification time then."""
    started: int = field(default_factory=time.time_ns)
    """When this build began to look at the tree."""


def _staged(root: str, path: str) -> str:
    """``root/path``, refused when ``path`` could lead out of ``root``. Only a path with an
    empty or '.'-leading segment, a backslash or a NUL can: those are judged by
    urls.contained, the one place for the rules; the rest are joined as written."""
    probe = f"/{path}/"
    if "/." in probe or "//" in probe or "\\" in path or "\0" in path:
        try:
            contained(Path(root), path)
        except ValueError:
            raise BuildFailed([Diagnostic(path, 0, "refused to write a file outside the output folder",
                                          "this path comes from a file or name of the site; rename it")]) from None
    return f"{root}/{path}"


def _place(tree: _Tree, file: OutputFile | KeptFile, recorded: dict | None) -> dict:
    """Put one file into the staging folder; its manifest entry."""
    target = _staged(tree.root, file.path)
    folder = file.path.rpartition("/")[0]
    if folder not in tree.folders:
        _make_room(tree, folder)
    kept = isinstance(file, KeptFile)
    content_digest = "" if kept else digest(file.content)
    if kept or (recorded is not None and recorded.get("digest") == content_digest):
        # the common case: the standby already holds the very file (linked two builds ago)
        if tree.standby and unchanged_on_disk(target, recorded):
            return {**recorded, "key": file.key}
        old = f"{tree.output}/{file.path}"
        as_written = unchanged_on_disk(old, recorded)
        if kept or as_written:
            if tree.standby:
                _link(old, target, recorded["inode"])
            else:  # a new tree: nothing is there yet
                _link_new(old, target, recorded["inode"])
            # a file kept for its bytes (an output carried to a new checkout) is recorded as it is now
            return {**recorded, "key": file.key} if as_written else _entry(target, file.key, recorded["digest"])
    if tree.standby or not _write_new(target, file.content):
        _clear(target)
        _write_beside(target, file.content)
    return _entry(target, file.key, content_digest)


def _entry(file: str, key: str, content_digest: str) -> dict:
    status = os.stat(file)
    return {"key": key, "digest": content_digest, "size": status.st_size, "mtime": status.st_mtime_ns,
            "inode": status.st_ino}


def _clear(target: str) -> os.stat_result | None:
    """What is at ``target`` now; a folder (where a file must go) is removed first."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(status.st_mode):
        shutil.rmtree(target)
        return None
    return status


def _beside(target: str, purpose: str) -> str:
    """A temporary name in ``target``'s folder, for a file about to be renamed over it:
    short whatever the file's name (a name near the file system's 255 bytes stays
    writable), and one at a time per folder, so one name per purpose and process."""
    return f"{target.rpartition('/')[0]}/.skillsite-{purpose}-{os.getpid()}"


def _write_beside(target: str, content: bytes) -> None:
    """Write ``target`` without touching the file now there (the live output may share it)."""
    temporary = _beside(target, "new")
    try:
        with open(temporary, "wb") as stream:
            stream.write(content)
        os.replace(temporary, target)
    except BaseException:
        _remove(temporary)  # a half-written file (a full disk) would fill the standby until the next build
        raise


def _link(old: str, new: str, inode: int) -> None:
    """``new`` becomes the same file as ``old`` (inode ``inode``), unless it already is (a
    copy keeping its times where links fail)."""
    now_there = _clear(new)
    if now_there is not None and now_there.st_ino in (inode, os.stat(old).st_ino):
        return  # already that file (renaming a link over the same file does nothing, and leaves it behind)
    temporary = _beside(new, "link")
    _remove(temporary)  # never copied into: a name left there may be a link to a live file
    try:
        os.link(old, temporary)
    except OSError:
        shutil.copy2(old, temporary)
    os.replace(temporary, new)


def _write_new(target: str, content: bytes) -> bool:
    """Write ``target`` where nothing is (one call, not three); False if something is."""
    try:
        with open(target, "xb") as stream:
            stream.write(content)
    except FileExistsError:
        return False
    return True


def _link_new(old: str, new: str, inode: int) -> None:
    """``_link``, in one call where nothing is at ``new``."""
    try:
        os.link(old, new)
    except OSError:
        _link(old, new, inode)


def _make_room(tree: _Tree, folder: str) -> None:
    """Make ``folder`` (relative) and the folders above it real folders, each checked once
    per build: a file or symlink where a folder must be is removed."""
    if folder in tree.folders:
        return
    above = folder.rpartition("/")[0]
    _make_room(tree, above)
    path = f"{tree.root}/{folder}"
    if not tree.standby:  # a new tree: nothing is there yet
        try:
            os.mkdir(path)
            tree.folders.add(folder)
            return
        except FileExistsError:
            pass
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        status = None
    if status is not None and not stat.S_ISDIR(status.st_mode):
        os.unlink(path)
    if status is None or not stat.S_ISDIR(status.st_mode):
        os.mkdir(path)
    else:
        tree.found[folder] = status.st_mtime_ns
    tree.folders.add(folder)


def _remove(path: str) -> None:
    """Remove what is at ``path``, a folder with all it holds; nothing there is fine."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except FileNotFoundError:
        pass


def _remove_extras(tree: _Tree, manifest: Mapping[str, dict]) -> None:
    """Remove from the staging folder what the new site does not have (a reused standby
    holds the site as it was two builds ago, and leftovers of an interrupted build). Only
    the folders of the new site are looked into (any other folder is an extra in one of
    them, removed whole), and only those not found as recorded are listed: listing every
    folder of a large site costs seconds when the system has evicted them from its cache."""
    for folder in tree.folders:
        prefix = f"{folder}/" if folder else ""
        recorded = tree.recorded.get(folder)
        # found with the time recorded: nothing was added, removed or renamed in it since
        names = recorded[1] if recorded is not None and recorded[0] == tree.found.get(folder) else None
        for name in os.listdir(f"{tree.root}/{folder}" if folder else tree.root) if names is None else names:
            path = prefix + name
            if path not in manifest and path not in tree.folders:
                _remove(f"{tree.root}/{path}")


def _folders_written(tree: _Tree, manifest: Mapping[str, dict]) -> dict:
    """What the folders of a tree just written hold, for the build that will write into it
    again (see ``_recorded_folders``): the tree's identity, and per folder the modification
    time it had when this build found it, and the names it holds now. A folder this build
    added to or removed from has a later time now, so the next build lists it; a folder
    made by this build, or modified in the two seconds before this build began, is left
    out: a change within the same tick of the clock would not change its time (as git's
    racy entries). In a new tree, every folder was made by this build: each is recorded
    with the time it has now, unless that is within the last two seconds."""
    if tree.standby:
        recent, modified = tree.started - RACY_NS, tree.found
    else:  # a new tree: each folder as this build left it, unless made or changed just now
        recent, modified = time.time_ns() - RACY_NS, {folder: _modified(tree.root, folder) for folder in tree.folders}
    names: dict[str, list[str]] = {folder: [] for folder, found in modified.items() if found < recent}
    one_of_each: dict[str, str] = {}  # one string per name: 17,500 folders hold an index.html each
    for path in (*manifest, *tree.folders):
        folder, _, name = path.rpartition("/")
        if path and folder in names:
            names[folder].append(one_of_each.setdefault(name, name))
    for held in names.values():
        held.sort()
    root = os.lstat(tree.root)
    return {"root": [root.st_dev, root.st_ino],
            "folders": {folder: [modified[folder], held] for folder, held in names.items()}}


def _modified(root: str, folder: str) -> int:
    return os.lstat(f"{root}/{folder}" if folder else root).st_mtime_ns


def _recorded_folders(standby: Path, written: Mapping) -> Mapping[str, tuple[int, list[str]]]:
    """The folders recorded in ``written`` (see ``_folders_written``), when it was recorded
    of this very standby; else nothing."""
    try:
        root = os.lstat(standby)
        if written.get("root") != [root.st_dev, root.st_ino]:
            return {}
        return {folder: (int(modified), [str(name) for name in held])
                for folder, (modified, held) in written["folders"].items()}
    except (OSError, KeyError, TypeError, ValueError, AttributeError):
        return {}  # another tree's, or damaged: every folder is listed
