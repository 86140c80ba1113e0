"""search_files: the same index in any filter order gives the same bytes and names."""

from __future__ import annotations

import json

from builder.render.search_files import _dump, _load, canonical


def index(values: list[tuple[str, list[int]]], filters: list[str]) -> list[tuple[str, bytes]]:
    """A Pagefind-shaped index whose hash maps came out in the given orders."""
    tag = _dump(["tag", [[v, pages] for v, pages in values]])
    year = _dump(["year", [["2025", [0, 1]]]])
    hashes = {"tag": "en_aaaaaaa", "year": "en_bbbbbbb"}
    meta = _dump(
        [
            "1.5.2",
            [["en_1234567", 12]],
            [["a", "z", "en_7654321"]],
            [[name, hashes[name]] for name in filters],
            [],
            ["title"],
        ]
    )
    entry = json.dumps(
        {
            "version": "1.5.2",
            "languages": {"en": {"hash": "en_ccccccccccccc", "wasm": "en", "page_count": 2}},
        }
    ).encode()
    return [
        ("filter/en_aaaaaaa.pf_filter", tag),
        ("filter/en_bbbbbbb.pf_filter", year),
        ("pagefind.en_ccccccccccccc.pf_meta", meta),
        ("pagefind-entry.json", entry),
        ("fragment/en_1234567.pf_fragment", b"left alone"),
    ]


def test_filter_order_does_not_change_the_bytes_or_the_names() -> None:
    one = canonical(index([("Water", [1]), ("Cities", [0, 1])], ["tag", "year"]))
    two = canonical(index([("Cities", [0, 1]), ("Water", [1])], ["year", "tag"]))
    assert one == two
    files = dict(one)
    assert files["fragment/en_1234567.pf_fragment"] == b"left alone"
    entry = json.loads(files["pagefind-entry.json"])
    meta_name = f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    meta = _load(files[meta_name])
    assert [name for name, _ in meta[3]] == ["tag", "year"]
    tag_file = f"filter/{dict(meta[3])['tag']}.pf_filter"
    assert _load(files[tag_file]) == ["tag", [["Cities", [0, 1]], ["Water", [1]]]]
    assert sorted(files) == sorted(  # every reference points at a file of the index
        [
            tag_file,
            f"filter/{dict(meta[3])['year']}.pf_filter",
            meta_name,
            "pagefind-entry.json",
            "fragment/en_1234567.pf_fragment",
        ]
    )


def test_cbor_round_trips_what_pagefind_writes() -> None:
    value = ["1.5.2", [["en_1", 300, -2, True, None]], {"k": b"\x00\x01"}, "é" * 30, 70000]
    assert _load(_dump(value)) == value


def test_an_index_it_cannot_read_is_left_as_pagefind_wrote_it() -> None:
    files = index([("Water", [1])], ["tag", "year"])
    files[0] = ("filter/en_aaaaaaa.pf_filter", b"not gzip")
    assert canonical(files) == sorted(files)
