"""OutputFiles -> the output folder, all or nothing.

The only module that writes the site. Files go into a staging folder beside the output
folder; only when every file is written is the staging folder swapped in, in one atomic
exchange where the kernel offers it (Linux renameat2), so a failed or interrupted build
leaves the previous output exactly as it was. A post-write step (the search index) runs
on the complete staging folder before the swap, never on the live output. Unchanged files
are hard links to the old ones: not rewritten, their modification times kept.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from .digests import digest
from .incremental import unchanged_on_disk
from .model import BuildFailed, Diagnostic, KeptFile, OutputFile
from .urls import contained

STAGING_MARK = ".staging-"
STANDBY_MARK = ".standby"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


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


class PostWrite(Protocol):
    """A step run on the complete staging folder before it is swapped in (the search index).
    It writes into ``folder`` only; it is skipped, and its files of the last build kept, when
    its inputs have not changed."""

    folder: str
    """The folder of the output it writes (``pagefind/``)."""

    def inputs_key(self, manifest: Mapping[str, dict]) -> str:
        """A digest of what it reads, from the entries of the files written so far."""

    def run(self, staging: Path) -> Sequence[Diagnostic]:
        """Do the step; return warnings, or raise BuildFailed to keep the old output."""


def write_site(files: Iterable[OutputFile | KeptFile], output_dir: Path, previous: Mapping[str, dict] | None = None,
               post_write: PostWrite | None = None) -> tuple[dict[str, dict], tuple[Diagnostic, ...]]:
    """Write ``files`` as the new content of ``output_dir``, atomically, and return what was
    written (path -> key, digest, size, mtime, inode) and the post-write step's warnings.

    ``previous`` is what the last build wrote. A file it wrote that is unchanged (kept, or
    made again with the same bytes) is hard-linked from the old output instead of written:
    it keeps its modification time, so deploy tools upload only what changed.

    Where the system can swap two folders in one step, the output the last build replaced
    is kept beside the output (``.<output>.standby``) and brought up to date for the next
    build, file by file, instead of building a whole new tree: a rebuild touches only the
    files that changed. Its files are never written in place (they may be the live output's
    files too): a changed file is written beside and renamed over."""
    previous = previous or {}
    output_dir = output_dir.absolute()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(output_dir)
    standby = output_dir.parent / f".{output_dir.name}{STANDBY_MARK}"
    reuse = standby.is_dir() and not standby.is_symlink() and output_dir.is_dir() and _can_exchange(output_dir.parent)
    if not reuse:
        shutil.rmtree(standby, ignore_errors=True)
    staging = standby if reuse else Path(tempfile.mkdtemp(prefix=f".{output_dir.name}{STAGING_MARK}",
                                                          dir=output_dir.parent))
    manifest: dict[str, dict] = {}
    origins: dict[str, str] = {}
    folders: set[str] = {str(staging)}
    try:
        os.chmod(staging, 0o755)
        for file in files:
            _check_collision(file, origins)
            target = _staged(staging, file.path)
            _make_room(staging, target, folders)
            manifest[file.path] = _place(file, target, output_dir / file.path, previous.get(file.path))
        warnings = _post_write(post_write, staging, output_dir, manifest, previous) if post_write else ()
        _remove_extras(staging, manifest)
        old = _swap_in(staging, output_dir)
        if old is not None and old != standby:
            os.rename(old, standby)  # the replaced output, kept to become the next build's
    except BaseException:
        if staging != standby:
            shutil.rmtree(staging, ignore_errors=True)
        raise  # a half-synced standby is brought up to date by the next build, file by file
    return manifest, warnings


def _staged(staging: Path, path: str) -> Path:
    try:
        return contained(staging, path)
    except ValueError:
        raise BuildFailed([Diagnostic(path, 0, "refused to write a file outside the output folder",
                                      "this path comes from a file or name of the site; rename it")]) from None


def _check_collision(file: OutputFile | KeptFile, origins: dict[str, str]) -> None:
    """Two outputs claiming one path: an error naming both."""
    origin = getattr(file, "origin", "") or "a page kept from the last build"
    if file.path in origins:
        other = origins[file.path]
        raise BuildFailed([Diagnostic(file.path, 0, f"two outputs would be written to '{file.path}': {other} and {origin}",
                                      "rename one of them (a static file may not replace a page)")])
    origins[file.path] = origin


def _place(file: OutputFile | KeptFile, target: Path, old: Path, recorded: dict | None) -> dict:
    """Put one file into the staging folder; its manifest entry."""
    if isinstance(file, KeptFile):
        _link(old, target, recorded["inode"])
        return {**recorded, "key": file.key}
    content_digest = digest(file.content)
    if recorded is not None and recorded.get("digest") == content_digest and unchanged_on_disk(old, recorded):
        _link(old, target, recorded["inode"])
        return {**recorded, "key": file.key}
    _clear(target)
    _write_beside(target, file.content)
    return _entry(target, file.key, content_digest)


def _entry(file: Path, key: str, content_digest: str) -> dict:
    status = os.stat(file)
    return {"key": key, "digest": content_digest, "size": status.st_size, "mtime": status.st_mtime_ns,
            "inode": status.st_ino}


def _clear(target: Path) -> os.stat_result | None:
    """What is at ``target`` now; a folder (where a file must go) is removed first."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(status.st_mode):
        shutil.rmtree(target)
        return None
    return status


def _write_beside(target: Path, content: bytes) -> None:
    """Write ``target`` without touching the file now there (the live output may share it)."""
    temporary = target.with_name(f".{target.name}.new-{os.getpid()}")
    temporary.write_bytes(content)
    os.replace(temporary, target)


def _link(old: Path, new: Path, inode: int) -> None:
    """``new`` becomes the same file as ``old`` (inode ``inode``), unless it already is (a
    copy keeping its times where links fail)."""
    now_there = _clear(new)
    if now_there is not None and now_there.st_ino == inode:
        return
    temporary = new.with_name(f".{new.name}.link-{os.getpid()}")
    try:
        os.link(old, temporary)
    except OSError:
        shutil.copy2(old, temporary)
    os.replace(temporary, new)


def _make_room(root: Path, target: Path, folders: set[str]) -> None:
    """The folders ``target`` goes in (``folders`` remembers those known to be there); a
    file where a folder must be is removed."""
    parent = os.path.dirname(target)
    if parent in folders:
        return
    if not os.path.isdir(parent) or os.path.islink(parent):
        folder = root
        for part in target.relative_to(root).parts[:-1]:
            folder = folder / part
            if folder.is_symlink() or folder.exists() and not folder.is_dir():
                folder.unlink()
            folder.mkdir(exist_ok=True)
    folders.add(parent)


def _remove_extras(staging: Path, manifest: Mapping[str, dict]) -> None:
    """Remove from the staging folder what the new site does not have (a reused standby
    holds the site as it was two builds ago, and leftovers of an interrupted build)."""
    root_length = len(str(staging)) + 1
    kept_folders: set[str] = set()
    for root, folders, names in os.walk(staging, topdown=False):
        relative = root[root_length:]
        for name in names:
            if (f"{relative}/{name}" if relative else name) in manifest:
                kept_folders.add(root)
            else:
                os.unlink(os.path.join(root, name))
        for name in folders:
            folder = os.path.join(root, name)
            if os.path.islink(folder):
                os.unlink(folder)
            elif folder in kept_folders:
                kept_folders.add(root)
            else:
                shutil.rmtree(folder, ignore_errors=True)


def _post_write(step: PostWrite, staging: Path, output_dir: Path, manifest: dict[str, dict],
                previous: Mapping[str, dict]) -> tuple[Diagnostic, ...]:
    """Run ``step`` unless its inputs are unchanged and its last files intact; record its files."""
    key = step.inputs_key(manifest)
    kept = {path: entry for path, entry in previous.items() if path.startswith(step.folder)}
    claimed = any(path.startswith(step.folder) for path in manifest)
    if kept and not claimed and all(entry.get("key") == key and unchanged_on_disk(output_dir / path, entry)
                    for path, entry in kept.items()):
        folders: set[str] = set()
        for path, entry in kept.items():
            target = _staged(staging, path)
            _make_room(staging, target, folders)
            _link(output_dir / path, target, entry["inode"])
            manifest[path] = entry
        return ()
    if not claimed:  # the step writes its folder afresh: the standby's old files go first
        shutil.rmtree(staging / step.folder, ignore_errors=True)
    warnings = tuple(step.run(staging))  # raises if files of the site already claim its folder
    for file in sorted((staging / step.folder).rglob("*")):
        if file.is_file():
            path = file.relative_to(staging).as_posix()
            content = file.read_bytes()
            manifest[path] = _place(OutputFile(path, content, key=key), file, output_dir / path, previous.get(path))
    return warnings


def _remove_stale_staging(output_dir: Path) -> None:
    """Staging folders left by a build that was killed; an output parked by a swap that was
    interrupted is put back first."""
    leftovers = sorted(output_dir.parent.glob(f".{output_dir.name}{STAGING_MARK}*"))
    for leftover in leftovers:
        if leftover.name.endswith("-old") and not output_dir.exists():
            os.rename(leftover, output_dir)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, output_dir: Path) -> Path | None:
    """Make ``staging`` the output folder. Where the two were exchanged in one step,
    ``staging`` now holds the old output, returned to be kept as the standby; else the old
    output is removed and None returned."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return None
    if _exchange(staging, output_dir):
        return staging
    parked = staging.with_name(staging.name + "-old")
    os.rename(output_dir, parked)
    try:
        os.rename(staging, output_dir)
    except OSError:
        os.rename(parked, output_dir)
        raise
    shutil.rmtree(parked, ignore_errors=True)
    return None


def _can_exchange(folder: Path) -> bool:
    """True when this system swaps two folders in one step (probed once per folder)."""
    probe = Path(tempfile.mkdtemp(prefix=".skillsite-probe-", dir=folder))
    try:
        (probe / "a").mkdir()
        (probe / "b").mkdir()
        return _exchange(probe / "a", probe / "b")
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux); False when the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))
