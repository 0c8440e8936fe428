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
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from .digests import digest
from .incremental import unchanged_on_disk
from .model import BuildFailed, Diagnostic, KeptFile, OutputFile
from .urls import contained

STAGING_MARK = ".staging-"
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
    it keeps its modification time, so deploy tools upload only what changed."""
    previous = previous or {}
    output_dir = output_dir.absolute()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(output_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}{STAGING_MARK}", dir=output_dir.parent))
    manifest: dict[str, dict] = {}
    origins: dict[str, str] = {}
    try:
        os.chmod(staging, 0o755)
        for file in files:
            _check_collision(file, origins)
            target = contained(staging, file.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            manifest[file.path] = _place(file, target, output_dir / file.path, previous.get(file.path))
        warnings = _post_write(post_write, staging, output_dir, manifest, previous) if post_write else ()
        _swap_in(staging, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest, warnings


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
        _link(old, target)
        return {**recorded, "key": file.key}
    content_digest = digest(file.content)
    if recorded is not None and recorded.get("digest") == content_digest and unchanged_on_disk(old, recorded):
        _link(old, target)
        return {**recorded, "key": file.key}
    target.write_bytes(file.content)
    return _entry(target, file.key, content_digest)


def _entry(file: Path, key: str, content_digest: str) -> dict:
    status = os.stat(file)
    return {"key": key, "digest": content_digest, "size": status.st_size, "mtime": status.st_mtime_ns,
            "inode": status.st_ino}


def _link(old: Path, new: Path) -> None:
    """``new`` becomes the same file as ``old`` (a copy keeping its times where links fail)."""
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)


def _post_write(step: PostWrite, staging: Path, output_dir: Path, manifest: dict[str, dict],
                previous: Mapping[str, dict]) -> tuple[Diagnostic, ...]:
    """Run ``step`` unless its inputs are unchanged and its last files intact; record its files."""
    key = step.inputs_key(manifest)
    kept = {path: entry for path, entry in previous.items() if path.startswith(step.folder)}
    claimed = any(path.startswith(step.folder) for path in manifest)
    if kept and not claimed and all(entry.get("key") == key and unchanged_on_disk(output_dir / path, entry)
                    for path, entry in kept.items()):
        for path, entry in kept.items():
            target = contained(staging, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            _link(output_dir / path, target)
            manifest[path] = entry
        return ()
    warnings = tuple(step.run(staging))  # raises if files of the site already claim its folder
    for file in sorted((staging / step.folder).rglob("*")):
        if file.is_file():
            path = file.relative_to(staging).as_posix()
            content = file.read_bytes()
            file.unlink()
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


def _swap_in(staging: Path, output_dir: Path) -> None:
    """Make ``staging`` the output folder; afterwards ``staging`` holds the old output (if any)."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    if _exchange(staging, output_dir):
        return
    parked = staging.with_name(staging.name + "-old")
    os.rename(output_dir, parked)
    try:
        os.rename(staging, output_dir)
    except OSError:
        os.rename(parked, output_dir)
        raise
    os.rename(parked, staging)


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
