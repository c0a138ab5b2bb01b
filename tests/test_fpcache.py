"""fpcache: reprint fingerprints kept between builds; a damaged file is noticed and ignored, never trusted."""

import json
import os
import zlib

import numpy as np
import pytest

from conftest import make_article
from newsarchive import fpcache, reprints

PARAGRAPHS = [
    "The defence ministry announced on Tuesday that a new round of talks on the ceasefire will open "
    "next month in the capital, with delegations from both governments expected to attend.",
    "Officials said the agenda includes the exchange of prisoners and the reopening of the coastal road.",
    "Farmers in the southern valley reported the best harvest in a decade after heavy winter rains.",
]


def some_prints() -> list[reprints.Fingerprint]:
    articles = [make_article("two", "\n\n".join(PARAGRAPHS[:2])), make_article("one", PARAGRAPHS[2]),
                make_article("same", PARAGRAPHS[2]),  # the same text: stored once
                make_article("short", "Three words only.")]
    return reprints.fingerprints(articles, known={})


def assert_same(loaded: dict, prints) -> None:
    assert set(loaded) == {fp.key for fp in prints}
    for fp in prints:
        got = loaded[fp.key]
        assert got.key == fp.key
        for name, dtype in (("words", np.uint16), ("paragraphs", np.int32), ("marks", np.uint32)):
            assert getattr(got, name).dtype == dtype and np.array_equal(getattr(got, name), getattr(fp, name))


def test_round_trip(tmp_path):
    prints = some_prints()
    path = tmp_path / "cache.bin"
    fpcache.save(path, prints)
    assert_same(fpcache.load(path), prints)
    fpcache.save(path, [])
    assert fpcache.load(path) == {}
    assert fpcache.load(tmp_path / "missing.bin") == {}


def test_loaded_fingerprints_outlive_the_file_they_were_read_from(tmp_path):
    # They are read from the file mapped into memory: the next build's cache is a new file
    # renamed over it, or the file is removed by hand, and those loaded are still what they were.
    prints = some_prints()
    path = tmp_path / "cache.bin"
    fpcache.save(path, prints)
    loaded = fpcache.load(path)
    fpcache.save(path, prints[1:2])
    assert_same(fpcache.load(path), prints[1:2])
    path.unlink()
    assert_same(loaded, prints)


def test_fingerprints_without_a_content_key_are_not_stored(tmp_path):
    path = tmp_path / "cache.bin"
    fpcache.save(path, reprints.fingerprints([make_article("a", PARAGRAPHS[0])]))  # made for detection only
    assert fpcache.load(path) == {}


def test_damage_the_checksum_catches_is_ignored(tmp_path):
    path = tmp_path / "cache.bin"
    fpcache.save(path, some_prints())
    data = path.read_bytes()
    for damaged in (data[:-1], data[:40], b"", b"garbage" * 10, data + b"\0",
                    data[:100] + bytes([data[100] ^ 1]) + data[101:],  # a flipped bit
                    data[:-8] + bytes([data[-8] ^ 1]) + data[-7:],  # one in a word hash: only the checksum tells
                    data.replace(reprints.VERSION.encode(), b"fp0-5-4")):
        path.write_bytes(damaged)
        assert fpcache.load(path) == {}


# A file with a correct checksum can still be wrong (written by a faulty version of this
# format): the layout below is written here from the module's description, independently of
# fpcache.save, and each test breaks one thing in it. (Offsets moved within bounds, or hashes
# changed, leave a file that looks whole: only the checksum can tell.)

def layout(prints) -> dict:
    unique = sorted({fp.key: fp for fp in prints}.items())

    def joined(name, dtype):
        parts = [getattr(fp, name) for _, fp in unique]
        offsets = np.concatenate(([0], np.cumsum([len(p) for p in parts]))).astype("<i8")
        return offsets, np.concatenate(parts).astype(dtype)

    (mo, marks), (po, paragraphs), (wo, words) = joined("marks", "<u4"), joined("paragraphs", "<i4"), \
        joined("words", "<u2")
    return {"header": {"version": reprints.VERSION, "texts": len(unique), "words": len(words),
                       "paragraphs": len(paragraphs), "marks": len(marks)},
            "keys": b"".join(bytes.fromhex(key) for key, _ in unique),
            "offsets": np.stack((mo, po, wo)), "marks": marks, "paragraphs": paragraphs, "words": words}


def write(path, parts: dict, misalign: bool = False, tail: bytes = b"") -> None:
    header = json.dumps(parts["header"], separators=(",", ":")).encode()
    header += b" " * (-(len(fpcache.MAGIC) + 8 + len(header)) % 8 + misalign)
    body = b"".join([fpcache.MAGIC, len(header).to_bytes(8, "little"), header, parts["keys"],
                     parts["offsets"].astype("<i8").tobytes(), parts["marks"].astype("<u4").tobytes(),
                     parts["paragraphs"].astype("<i4").tobytes(), parts["words"].astype("<u2").tobytes(), tail])
    path.write_bytes(body + zlib.crc32(body).to_bytes(4, "little"))


def test_the_layout_written_by_hand_is_read(tmp_path):
    prints = some_prints()
    path = tmp_path / "cache.bin"
    write(path, layout(prints))
    assert_same(fpcache.load(path), prints)
    fpcache.save(tmp_path / "saved.bin", prints)
    assert (tmp_path / "saved.bin").read_bytes() == path.read_bytes()  # save writes just this layout


def _header(field, value):
    def change(parts):
        parts["header"][field] = value
    return change


def _drop_header_field(parts):
    del parts["header"]["marks"]


def _extra_header_field(parts):
    parts["header"]["more"] = 1


def _offsets(row, at, delta):
    def change(parts):
        parts["offsets"][row, at] += delta
    return change


def _swap_marks(parts):  # the first text's first two marks out of order
    marks = parts["marks"]
    marks[0], marks[1] = marks[1], marks[0]


def _repeat_mark(parts):
    parts["marks"][1] = parts["marks"][0]


def _first_paragraph_not_at_zero(parts):
    parts["paragraphs"][0] = 1


def _paragraphs_backwards(parts):  # the text with two paragraphs: its second starts before its first
    offsets = parts["offsets"][1]
    n = next(n for n in range(len(offsets) - 1) if offsets[n + 1] - offsets[n] == 2)
    parts["paragraphs"][offsets[n] + 1] = -1


def _paragraph_beyond_words(parts):
    offsets = parts["offsets"][1]
    n = next(n for n in range(len(offsets) - 1) if offsets[n + 1] - offsets[n] == 2)
    parts["paragraphs"][offsets[n] + 1] = parts["offsets"][2][n + 1] - parts["offsets"][2][n] + 1


def _keys_out_of_order(parts):
    keys = parts["keys"]
    parts["keys"] = keys[32:64] + keys[:32] + keys[64:]


def _key_repeated(parts):
    parts["keys"] = parts["keys"][:32] * 2 + parts["keys"][64:]


@pytest.mark.parametrize("damage", [
    _header("version", "fp0-5-4"), _header("texts", 2), _header("words", -1), _header("marks", 1.5),
    _header("paragraphs", "3"), _drop_header_field, _extra_header_field,
    _offsets(0, 0, 1), _offsets(0, -1, -1), _offsets(1, 1, 5), _offsets(2, 1, 1000), _offsets(2, 2, -1000),
    _swap_marks, _repeat_mark, _first_paragraph_not_at_zero, _paragraphs_backwards, _paragraph_beyond_words,
    _keys_out_of_order, _key_repeated,
])
def test_a_file_that_does_not_add_up_is_ignored_despite_its_checksum(tmp_path, damage):
    parts = layout(some_prints())
    damage(parts)
    path = tmp_path / "cache.bin"
    write(path, parts)
    assert fpcache.load(path) == {}


def test_trailing_bytes_and_a_misaligned_header_are_ignored(tmp_path):
    path = tmp_path / "cache.bin"
    write(path, layout(some_prints()), tail=b"\0\0")
    assert fpcache.load(path) == {}
    write(path, layout(some_prints()), misalign=True)
    assert fpcache.load(path) == {}


def test_marks_may_restart_from_one_text_to_the_next(tmp_path):
    prints = some_prints()
    parts = layout(prints)
    marks, offsets = parts["marks"], parts["offsets"][0]
    assert any(marks[offsets[n]] < marks[offsets[n] - 1] for n in range(1, len(offsets) - 1)
               if offsets[n] > offsets[n - 1])  # this archive does test it
    path = tmp_path / "cache.bin"
    write(path, parts)
    assert_same(fpcache.load(path), prints)


# --- alignments --------------------------------------------------------------------------------

CODE = b"0123456789abcdef"  # what incremental.code_digest gives: 16 bytes


def some_alignments() -> dict:
    keys = sorted(fp.key for fp in some_prints())
    return {(keys[0], keys[1]): (reprints.Match(0, 30, 2, 33, 28, 29), reprints.Match(40, 70, 45, 75, 30, 30)),
            (keys[1], keys[0]): (), (keys[2], keys[0]): (reprints.Match(1, 25, 0, 24, 24, 24),)}


def test_alignments_round_trip_for_the_same_code_only(tmp_path):
    path = tmp_path / fpcache.ALIGNMENTS_FILE
    fpcache.save_alignments(path, some_alignments(), CODE)
    assert fpcache.load_alignments(path, CODE) == some_alignments()
    assert fpcache.load_alignments(path, b"another version!") == {}
    assert fpcache.load_alignments(tmp_path / "missing.bin", CODE) == {}
    fpcache.save_alignments(path, {}, CODE)
    assert fpcache.load_alignments(path, CODE) == {}


def _signed(body) -> bytes:
    body = json.dumps(body).encode() if not isinstance(body, bytes) else body
    return fpcache.ALIGNMENTS_MAGIC + body + zlib.crc32(fpcache.ALIGNMENTS_MAGIC + body).to_bytes(4, "little")


def test_damaged_alignments_are_ignored(tmp_path):
    path = tmp_path / fpcache.ALIGNMENTS_FILE
    fpcache.save_alignments(path, some_alignments(), CODE)
    data = path.read_bytes()
    key = sorted(fp.key for fp in some_prints())[0]
    good = [key, key, [[0, 30, 2, 33, 28, 29]]]
    for damaged in (data[:-1], data[:20], b"", data + b"\0",
                    data[:60] + bytes([data[60] ^ 1]) + data[61:],  # the checksum catches these
                    _signed(b"not json"), _signed([good]), _signed({"code": CODE.hex()}),
                    _signed({"code": CODE.hex(), "pairs": [good], "more": 1}),
                    _signed({"code": CODE.hex(), "pairs": [good, good]}),  # a pair twice
                    _signed({"code": CODE.hex(), "pairs": [[key[:-1], key, []]]}),
                    _signed({"code": CODE.hex(), "pairs": [[key.upper(), key, []]]}),
                    _signed({"code": CODE.hex(), "pairs": [[key, key, [[0, 30, 2, 33, 28]]]]}),
                    _signed({"code": CODE.hex(), "pairs": [[key, key, [[0, -30, 2, 33, 28, 29]]]]}),
                    _signed({"code": CODE.hex(), "pairs": [[key, key, [[0, 30.0, 2, 33, 28, 29]]]]}),
                    _signed({"code": CODE.hex(), "pairs": [[key, key, [[0, True, 2, 33, 28, 29]]]]}),
                    _signed({"code": CODE.hex(), "pairs": [[key, key]]}),
                    _signed({"code": CODE.hex(), "pairs": 7})):
        path.write_bytes(damaged)
        assert fpcache.load_alignments(path, CODE) == {}, damaged[-80:]
    path.write_bytes(_signed({"code": CODE.hex(), "pairs": [good]}))  # the hand-made file is sound
    assert fpcache.load_alignments(path, CODE) == {(key, key): (reprints.Match(0, 30, 2, 33, 28, 29),)}


def test_a_file_checked_whole_is_not_checked_again_while_its_stat_is_the_same(tmp_path, monkeypatch):
    # Checking is the checksum over the file and the order of its arrays (0.2 s of every rebuild
    # at 100,000 articles); a file changed since it was checked has another stat and is checked.
    monkeypatch.setattr(fpcache, "RACY_NS", 0)  # the file is older than the racy window
    prints = some_prints()
    path = tmp_path / "cache.bin"
    fpcache.save(path, prints)
    sums = []
    real_checksum = fpcache.checksum
    monkeypatch.setattr(fpcache, "checksum", lambda data, *rest: sums.append(len(data)) or real_checksum(data, *rest))
    assert_same(fpcache.load(path), prints)
    assert max(sums) > 100  # the whole file
    sums.clear()
    assert_same(fpcache.load(path), prints)
    assert max(sums, default=0) < 100  # the record of its stat alone
    # Damaged in place, its size and modification time put back as they were: its ctime moved.
    data, times = path.read_bytes(), (path.stat().st_atime_ns, path.stat().st_mtime_ns)
    with open(path, "r+b") as file:
        file.seek(len(data) - 8)
        file.write(bytes([data[-8] ^ 1]))  # a word hash: only the checksum tells
    os.utime(path, ns=times)
    assert fpcache.load(path) == {}
    # A record of another file's stat, or a damaged one, is no proof.
    fpcache.save(path, prints)
    checked = path.with_name(path.name + fpcache.CHECKED_SUFFIX)
    for record in (b"garbage", b""):
        fpcache.load(path)
        checked.write_bytes(record)
        sums.clear()
        assert_same(fpcache.load(path), prints)
        assert max(sums) > 100


def test_a_file_changed_within_the_racy_window_is_checked_each_time(tmp_path, monkeypatch):
    prints = some_prints()
    path = tmp_path / "cache.bin"
    fpcache.save(path, prints)  # just now: its stat may not show a change made in the same tick
    assert_same(fpcache.load(path), prints)
    assert not path.with_name(path.name + fpcache.CHECKED_SUFFIX).exists()
