"""The VBA project writer: MS-OVBA compression, MS-CFB container, project streams."""

from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from sheetsync.ribbon.vba.cfb import build_cfb
from sheetsync.ribbon.vba.ovba import CompressionError, compress, decompress
from sheetsync.ribbon.vba.project import PROJECT_ID, Module, build_vba_project, decrypt, dir_stream

REPO = Path(__file__).resolve().parents[2]
RED, BLACK = 0, 1  # MS-CFB 2.6.1 colour flags

# MS-OVBA 3.2.3: the specification's own compressed example
SPEC_PLAIN = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
SPEC_COMPRESSED = bytes.fromhex(
    "012FB0002361616162636465826600706167686" "96A013808616B6C00306D6E6F700671027004107273747576107778797A003C")


def test_decompress_the_specification_example() -> None:
    assert decompress(SPEC_COMPRESSED) == SPEC_PLAIN


@pytest.mark.parametrize("size", [0, 1, 3, 17, 4095, 4096, 4097, 12000])
def test_compress_round_trips_and_oletools_agrees(size: int) -> None:
    rnd = random.Random(size)
    data = bytes(rnd.choice(b"Sub End  \r\nabc") for _ in range(size))
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_incompressible_full_chunks_are_stored_raw() -> None:
    data = os.urandom(8192)
    packed = compress(data)
    assert decompress(packed) == data
    assert int.from_bytes(packed[1:3], "little") & 0x8000 == 0  # raw-chunk flag


def test_real_module_compresses() -> None:
    src = (REPO / "macros" / "xlwings.bas").read_bytes()
    packed = compress(src)
    assert len(packed) < len(src) / 2
    assert bytes(decompress_stream(bytearray(packed))) == src


def test_decompress_rejects_garbage() -> None:
    with pytest.raises(CompressionError):
        decompress(b"\x02abc")


def _check_red_black(ole: olefile.OleFileIO) -> None:
    """Every storage's children form a valid red-black tree in MS-CFB order."""
    entries = ole.direntries

    def key(e: olefile.olefile.OleDirectoryEntry) -> tuple[int, str]:
        return (len(e.name.encode("utf-16-le")), e.name.upper())

    def walk(sid: int, lo, hi) -> int:  # returns black height
        if sid == olefile.NOSTREAM:
            return 1
        e = entries[sid]
        k = key(e)
        assert (lo is None or lo < k) and (hi is None or k < hi)
        left, right = walk(e.sid_left, lo, k), walk(e.sid_right, k, hi)
        assert left == right, "black heights differ"
        if e.color == RED:
            for child in (e.sid_left, e.sid_right):
                assert child == olefile.NOSTREAM or entries[child].color == BLACK
        return left + (e.color == BLACK)

    for e in entries:
        if e is not None and e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE) and e.sid_child != olefile.NOSTREAM:
            assert entries[e.sid_child].color == BLACK
            walk(e.sid_child, None, None)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13])
def test_cfb_streams_read_back_and_tree_is_red_black(n: int) -> None:
    rnd = random.Random(n)
    streams = {f"VBA/m{i:02d}{'x' * rnd.randrange(8)}": os.urandom(rnd.choice([1, 63, 64, 500, 4095, 4096, 9000]))
               for i in range(n)}
    streams["PROJECT"] = b"ID=\r\n"
    ole = olefile.OleFileIO(io.BytesIO(build_cfb(streams)), raise_defects=olefile.DEFECT_INCORRECT)
    for name, data in streams.items():
        assert ole.openstream(name).read() == data
    _check_red_black(ole)


def test_cfb_is_deterministic() -> None:
    streams = {"VBA/a": b"1" * 5000, "VBA/b": b"2" * 10, "PROJECT": b"x"}
    assert build_cfb(streams) == build_cfb(dict(reversed(list(streams.items()))))


def _modules() -> list[Module]:
    return [
        Module("ThisWorkbook", "document", (REPO / "macros" / "ThisWorkbook.cls").read_bytes()),
        Module("Module1", "procedural", b'Attribute VB_Name = "Module1"\r\nSub Hello()\r\nEnd Sub\r\n'),
    ]


def test_olevba_parses_the_project_strictly(tmp_path: Path) -> None:
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(build_vba_project("demo", _modules()))
    parser = VBA_Parser(str(path), relaxed=False)  # raises on any record that breaks MS-OVBA
    got = {name: code for _, _, name, code in parser.extract_macros()}
    assert got == {"ThisWorkbook.cls": _modules()[0].source.decode(), "Module1.bas": _modules()[1].source.decode()}
    ole = olefile.OleFileIO(str(path))
    assert ole.openstream("VBA/_VBA_PROJECT").read()[:4] == b"\xcc\x61\xff\xff"  # version-independent, no cache


def test_project_stream_protection_values_decrypt() -> None:
    path_bytes = build_vba_project("demo", _modules())
    ole = olefile.OleFileIO(io.BytesIO(path_bytes))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    values = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"\r$', text, re.M))
    assert decrypt(values["CMG"], PROJECT_ID) == b"\0\0\0\0"  # not protected
    assert decrypt(values["DPB"], PROJECT_ID) == b"\0"  # no password
    assert decrypt(values["GC"], PROJECT_ID) == b"\xff"  # visible
    assert "Document=ThisWorkbook/&H00000000\r\nModule=Module1\r\n" in text


def test_decrypt_reads_what_excel_wrote() -> None:
    # values from the PROJECT stream of xlwings' quickstart add-in, saved by Excel
    pid = "{318BEE36-5BE1-492A-826D-473DB19B0F30}"
    assert decrypt("5D5F8AADDAA8DEA8DEA8DEA8DE", pid) == b"\0\0\0\0"
    assert decrypt("5D5F8AADDAADDBADDBAD", pid) == b"\0"
    assert decrypt("5D5F8AADDAADDBADDB52", pid) == b"\xff"


def test_dir_stream_lists_modules_with_source_at_offset_zero() -> None:
    d = dir_stream("demo", _modules())
    assert d.count(b"\x31\x00\x04\x00\x00\x00\x00\x00\x00\x00") == 2  # MODULEOFFSET 0 for both
    assert d.endswith(b"\x10\x00\x00\x00\x00\x00")


def test_non_ascii_source_is_refused() -> None:
    with pytest.raises(UnicodeDecodeError):
        build_vba_project("demo", [Module("M", "procedural", 'Attribute VB_Name = "M"\r\n\' 中文\r\n'.encode())])
