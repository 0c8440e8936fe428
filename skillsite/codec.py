"""Values as the build cache keeps them: JSON (never a pickle), decoded into the very
types the stages use, and refused (msgspec's ValidationError) when of another shape."""

from __future__ import annotations

from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any

import msgspec


def _enc_hook(value: Any) -> Any:
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, MappingProxyType):
        return dict(value)
    raise NotImplementedError(f"cannot keep a {type(value).__name__}")


def _dec_hook(kind: type, value: Any) -> Any:
    if kind is Path:
        return Path(value)
    raise NotImplementedError(f"cannot read a {kind}")


_ENCODER = msgspec.json.Encoder(enc_hook=_enc_hook)


def encode_value(value: Any) -> bytes:
    """A value as the store keeps it: JSON (never a pickle)."""
    return _ENCODER.encode(value)


def decode_value(raw: bytes, kind: Any) -> Any:
    """A value the store kept; raises msgspec's DecodeError or ValidationError when it is
    damaged or of another shape."""
    return msgspec.json.decode(raw, type=kind, dec_hook=_dec_hook)
