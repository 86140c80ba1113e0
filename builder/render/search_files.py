"""Pagefind's index files put in one order, so that the same site gives the same bytes.

Pagefind keeps filters in hash maps whose order changes from run to run,
so its filter files, the metadata file naming them and the entry file
naming that come out different each time, and with them their names (the
files are named for their content). Broadsheet's builds are reproducible
(tests/e2e/test_reproducible.py), so the three are decoded, sorted and
renamed here: each filter's values by value, the metadata's filters by
name, the entry's languages by tag. Nothing else of the index is touched.

The files are gzip of `pagefind_dcd` and a CBOR value; this module reads
and writes just the CBOR Pagefind uses (integers, strings, arrays, maps,
simple values). Should a later Pagefind write something else, the files
are left as Pagefind made them: search still works, only the bytes vary.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from typing import Any

MAGIC = b"pagefind_dcd"
FILTER_DIR = "filter/"
_FILTERS = 3  # the place of [[filter name, file hash], ...] in the metadata array


class _Unknown(ValueError):
    """CBOR this module does not read: leave the index as Pagefind wrote it."""


def canonical(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The index files with filters, metadata and entry in a stable order, by name."""
    try:
        return sorted(_canonical(dict(files)).items())
    except (_Unknown, ValueError, KeyError, IndexError, TypeError, OSError):
        return sorted(files)


def _canonical(files: dict[str, bytes]) -> dict[str, bytes]:
    renamed: dict[str, str] = {}  # old hash → new hash
    result: dict[str, bytes] = {}
    for name, data in files.items():
        if name.startswith(FILTER_DIR) and name.endswith(".pf_filter"):
            key, values = _load(data)
            data = _dump([key, sorted(values, key=lambda entry: str(entry[0]))])
            old = name.removeprefix(FILTER_DIR).removesuffix(".pf_filter")
            renamed[old] = _hashed(old, data, 7)
            name = f"{FILTER_DIR}{renamed[old]}.pf_filter"
        result[name] = data
    for name in [n for n in result if n.startswith("pagefind.") and n.endswith(".pf_meta")]:
        meta = _load(result.pop(name))
        meta[_FILTERS] = sorted([key, renamed.get(h, h)] for key, h in meta[_FILTERS])
        data = _dump(meta)
        old = name.removeprefix("pagefind.").removesuffix(".pf_meta")
        renamed[old] = _hashed(old, data, 13)
        result[f"pagefind.{renamed[old]}.pf_meta"] = data
    entry = json.loads(result["pagefind-entry.json"])
    for info in entry["languages"].values():
        info["hash"] = renamed.get(info["hash"], info["hash"])
    result["pagefind-entry.json"] = json.dumps(
        entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    return result


def _hashed(old: str, data: bytes, length: int) -> str:
    """A file's new hash: its language as Pagefind wrote it, and a digest of its bytes."""
    language = old.rpartition("_")[0]
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def _load(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(MAGIC):
        raise _Unknown("not a Pagefind file")
    value, end = _decode(raw, len(MAGIC))
    if end != len(raw):
        raise _Unknown("trailing bytes")
    return value


def _dump(value: Any) -> bytes:
    return gzip.compress(MAGIC + _encode(value), compresslevel=9, mtime=0)


# --------------------------------------------------------------------------
# The CBOR Pagefind writes (RFC 8949), shortest forms
# --------------------------------------------------------------------------
_SIMPLE = {20: False, 21: True, 22: None}


def _decode(raw: bytes, at: int) -> tuple[Any, int]:
    first = raw[at]
    major, info = first >> 5, first & 31
    at += 1
    if major == 7:
        if info in _SIMPLE:
            return _SIMPLE[info], at
        raise _Unknown(f"CBOR simple value {info}")
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg = int.from_bytes(raw[at : at + size], "big")
        at += size
    else:
        raise _Unknown("indefinite-length CBOR")
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        chunk = raw[at : at + arg]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _decode(raw, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs: dict[Any, Any] = {}
        for _ in range(arg):
            key, at = _decode(raw, at)
            pairs[key], at = _decode(raw, at)
        return pairs, at
    raise _Unknown(f"CBOR major type {major}")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if arg < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, arg)
    raise _Unknown("integer too large")


def _encode(value: Any) -> bytes:
    if value is None or isinstance(value, bool):
        return bytes([0xE0 | {False: 20, True: 21, None: 22}[value]])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise _Unknown(f"cannot write {type(value).__name__}")
