"""Swapping a staged output folder in for the live one, in one step where the system can.

Linux's renameat2(RENAME_EXCHANGE) and macOS's renamex_np(RENAME_SWAP) exchange two folders
atomically: readers see the old site or the new one, never neither. Where neither exists
(other systems, some file systems), the live folder is parked and the staged one renamed
into place; a build killed between the two renames leaves the parked folder, which the next
build puts back first (``put_back_parked``).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path

STAGING_MARK = ".staging-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_RENAME_SWAP = 2  # macOS's renamex_np flag


def remove_stale_staging(output_dir: Path) -> None:
    """Staging folders left by a build that was killed; an output parked by a swap that was
    interrupted is put back first."""
    put_back_parked(output_dir)
    for leftover in sorted(output_dir.parent.glob(f".{output_dir.name}{STAGING_MARK}*")):
        shutil.rmtree(leftover, ignore_errors=True)


def put_back_parked(output_dir: Path) -> None:
    """Where there is no output folder, the one a two-rename swap parked becomes it again."""
    if output_dir.exists():
        return
    for parked in sorted(output_dir.parent.glob(f".{output_dir.name}{STAGING_MARK}*-old")):
        if parked.is_dir() and not parked.is_symlink():
            os.rename(parked, output_dir)
            return


def swap_in(staging: Path, output_dir: Path) -> Path | None:
    """Make ``staging`` the output folder. Where the two were exchanged in one step,
    ``staging`` now holds the old output, returned to be kept as the standby; else the old
    output is removed and None returned."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return None
    if exchange(staging, output_dir):
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


def can_exchange(folder: Path) -> bool:
    """True when this system swaps two folders in one step (probed once per folder)."""
    probe = Path(tempfile.mkdtemp(prefix=".skillsite-probe-", dir=folder))
    try:
        (probe / "a").mkdir()
        (probe / "b").mkdir()
        return exchange(probe / "a", probe / "b")
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step: renameat2(RENAME_EXCHANGE) on Linux, renamex_np
    (RENAME_SWAP) on macOS; False when the system or the file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if (renameat2 := getattr(libc, "renameat2", None)) is not None:
        result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    elif (renamex_np := getattr(libc, "renamex_np", None)) is not None:
        result = renamex_np(os.fsencode(first), os.fsencode(second), _RENAME_SWAP)
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))
