"""Stable digests of content, for cache keys and "has it changed?" questions."""

from __future__ import annotations

import hashlib


def digest(*parts: str | bytes) -> str:
    """A short, stable digest of ``parts`` (each length-prefixed, so parts never run together)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()
