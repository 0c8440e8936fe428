"""OutputFiles -> the output folder, all or nothing.

The only module that writes the site. Files go into a staging folder beside the output
folder; only when every file is written is the staging folder swapped in, in one atomic
exchange where the kernel offers it (Linux renameat2), so a failed or interrupted build
leaves the previous output exactly as it was. A post-write step (the search index) runs
on the complete staging folder before the swap, never on the live output.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .model import BuildFailed, Diagnostic, OutputFile
from .urls import contained

STAGING_MARK = ".staging-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def check_collisions(files: Iterable[OutputFile]) -> list[Diagnostic]:
    """Two outputs claiming one path: an error naming both."""
    owners: dict[str, OutputFile] = {}
    problems = []
    for file in files:
        other = owners.setdefault(file.path, file)
        if other is not file:
            problems.append(Diagnostic(file.path, 0, f"two outputs would be written to '{file.path}': "
                                       f"{other.origin} and {file.origin}",
                                       "rename one of them (a static file may not replace a page)"))
    return problems


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


PostWrite = Callable[[Path], Sequence[Diagnostic]]
"""A step run on the complete staging folder before it is swapped in (the search index):
it may add files there, return warnings, or raise BuildFailed to keep the old output."""


def write_site(files: list[OutputFile], output_dir: Path, post_write: PostWrite | None = None
               ) -> tuple[Diagnostic, ...]:
    """Write ``files`` as the new content of ``output_dir``, atomically; ``post_write``
    runs on the staging folder once every file is in it. Returns its warnings."""
    problems = check_collisions(files)
    if problems:
        raise BuildFailed(problems)
    output_dir = output_dir.absolute()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(output_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}{STAGING_MARK}", dir=output_dir.parent))
    try:
        os.chmod(staging, 0o755)
        for file in files:
            target = contained(staging, file.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.content)
        warnings = tuple(post_write(staging)) if post_write else ()
        _swap_in(staging, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
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
