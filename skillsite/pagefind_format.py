"""The one place that reads and rewrites Pagefind's own index files: filter values in a
fixed order, and escaped.

Determinism: Pagefind (1.5) writes the values of each filter in hash-map order, which
changes from run to run (Pagefind issue #638), so the same pages give other filter files
each time (tests/test_search_format.py shows it still does). ``settle`` rewrites each
filter file with its values sorted, and the files that name them by content hash (the
language's ``pagefind.<lang>_<hash>.pf_meta``, then ``pagefind-entry.json``) to name the
new files: the index is then a function of its pages.

Safety: Pagefind takes a filter's values from the page's text (decoded: a tag written
``<img src=x onerror=...>`` is shown escaped on the page, and is that raw text in the
index), and its UI puts filter names and values into a page as HTML. So every filter name
and value is HTML-escaped here: Pagefind's own UI then shows the text as written, whatever
a theme marks as a filter, and the theme's search page decodes them once, as text.

The files are gzip'd CBOR behind a "pagefind_dcd" signature; only the few CBOR types
Pagefind uses are read and written, and a file of another shape is refused
(``FormatChanged``) rather than rewritten wrongly. tests/test_search_format.py pins the
format: it fails when a Pagefind release writes these files otherwise.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
from collections.abc import Mapping

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"


class FormatChanged(ValueError):
    """An index file is not of the shape this module knows."""


def decode_index_file(raw: bytes):
    """The value a .pf_meta or .pf_filter file holds."""
    data = gzip.decompress(raw)
    if not data.startswith(SIGNATURE):
        raise FormatChanged("not a Pagefind index file")
    value, end = _cbor_decode(data, len(SIGNATURE))
    if end != len(data):
        raise FormatChanged("trailing bytes in a Pagefind index file")
    return value


def encode_index_file(value) -> bytes:
    return gzip.compress(SIGNATURE + _cbor_encode(value), mtime=0)


def settle(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """An index's files (path in the bundle -> bytes) with every filter's values sorted and
    escaped, and the files naming them renamed to match (see the module's docstring)."""
    files = dict(files)
    entry = json.loads(files[ENTRY].decode("utf-8"))
    for language, details in sorted(_shaped(entry.get("languages"), dict, ENTRY).items()):
        meta_path = f"pagefind.{details['hash']}.pf_meta"
        meta = decode_index_file(files.pop(meta_path))
        filters = _shaped(meta[3] if isinstance(meta, list) and len(meta) == 6 else None, list, meta_path)
        for position, pair in enumerate(filters):
            name, file_hash = _shaped(pair, list, meta_path)
            old_path = f"filter/{file_hash}.pf_filter"
            filter_name, values = _shaped(decode_index_file(files.pop(old_path)), list, old_path)
            values = sorted(([html.escape(value, quote=False), *rest] for value, *rest in _shaped(values, list, old_path)),
                            key=lambda item: item[0])
            content = encode_index_file([html.escape(filter_name, quote=False), values])
            new_hash = f"{language}_{hashlib.sha256(content).hexdigest()[:7]}"
            files[f"filter/{new_hash}.pf_filter"] = content
            filters[position] = [html.escape(name, quote=False), new_hash]
        filters.sort(key=lambda item: item[0])
        content = encode_index_file(meta)
        details["hash"] = f"{language}_{hashlib.sha256(content).hexdigest()[:10]}"
        files[f"pagefind.{details['hash']}.pf_meta"] = content
    files[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return files


def _shaped(value, kind: type, where: str):
    if not isinstance(value, kind):
        raise FormatChanged(f"{where} is not of the shape this version of skillsite knows")
    return value


def _cbor_decode(data: bytes, at: int):
    """(value, next offset) of the CBOR item at ``at``: unsigned ints, byte and text
    strings, arrays (all Pagefind's index files use)."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info >= 24:
        if info > 27:
            raise FormatChanged("a CBOR length Pagefind's index does not use")
        size = 1 << (info - 24)
        info, at = int.from_bytes(data[at:at + size], "big"), at + size
    if major == 0:
        return info, at
    if major in (2, 3):
        raw = data[at:at + info]
        return (raw if major == 2 else raw.decode()), at + info
    if major == 4:
        items = []
        for _ in range(info):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    raise FormatChanged(f"CBOR major type {major} is not used by Pagefind's index")


def _cbor_encode(value) -> bytes:
    def head(major: int, number: int) -> bytes:
        if number < 24:
            return bytes([major << 5 | number])
        size = next(s for s in (1, 2, 4, 8) if number < 1 << (8 * s))
        return bytes([major << 5 | (24 + size.bit_length() - 1)]) + number.to_bytes(size, "big")
    if isinstance(value, bool) or not isinstance(value, (int, bytes, str, list)):
        raise FormatChanged(f"cannot write {type(value).__name__} into a Pagefind index file")
    if isinstance(value, int):
        return head(0, value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode()
        return head(3, len(encoded)) + encoded
    return head(4, len(value)) + b"".join(_cbor_encode(item) for item in value)
