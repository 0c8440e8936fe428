"""Stable digests of content, for cache keys and "has it changed?" questions."""

from __future__ import annotations

import hashlib

RACY_NS = 2_000_000_000
"""A file or folder modified this recently (in nanoseconds) may change again within the
same tick of the file system's clock without its modification time changing: its status
does not vouch for it (as git's racy entries)."""


def digest(*parts: str | bytes) -> str:
    """A short, stable digest of ``parts`` (each length-prefixed, so parts never run together)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()
