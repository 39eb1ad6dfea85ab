"""The streams of a VBA project (MS-OVBA 2.3) built from module source text.

What Excel needs to load a project from source alone:

* ``VBA/_VBA_PROJECT`` in its version-independent form (Version 0xFFFF, no performance cache),
  which tells Office to ignore compiled state and compile from the source;
* ``VBA/dir``: project information, references and one record set per module, compressed;
* one stream per module: the compressed source (MODULEOFFSET 0: no cached p-code);
* ``PROJECT`` / ``PROJECTwm``: the text description of the project and the module name map.

The one reference is the Office object library (``IRibbonControl``); VBA and the host
application's library are implicit. Versions are the lowest that has it so that every Office
version from 2010 up upgrades it on load instead of reporting it MISSING.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sheetsync.ribbon.vba.cfb import build_cfb
from sheetsync.ribbon.vba.ovba import compress

CODEPAGE = 1252  # sources are ASCII; module and project names too
PROJECT_ID = "{5E6A1B7C-2D3F-4A58-9B0C-1D2E3F405162}"  # fixed: builds are byte-for-byte reproducible
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
#: (name, libid) of registered type libraries the project references
REFERENCES: tuple[tuple[str, str], ...] = (
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
               "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library"),
)
# the fixed 7-byte _VBA_PROJECT stream (2.3.4.1): Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00,
# Reserved3 0x0001 — the form xlwings ships in its own quickstart add-in
VBA_PROJECT_STREAM = b"\xcc\x61\xff\xff\x00\x01\x00"

# ProjectProtectionState / ProjectPassword / ProjectVisibilityState payloads (2.3.1.15-17)
UNPROTECTED = struct.pack("<I", 0)
NO_PASSWORD = b"\x00"
VISIBLE = b"\xff"

ModuleKind = Literal["procedural", "document", "class"]


@dataclass(frozen=True)
class Module:
    """One VBA module: its name (= VB_Name), kind and source exactly as stored (CRLF, ASCII)."""

    name: str
    kind: ModuleKind
    source: bytes


def _mbcs(text: str) -> bytes:
    return text.encode(f"cp{CODEPAGE}")


def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _rec_pair(rid: int, text: str, rid_unicode: int) -> bytes:
    """A record with an MBCS string followed by its UTF-16 twin (Reserved id + size + data)."""
    return _rec(rid, _mbcs(text)) + _rec(rid_unicode, text.encode("utf-16-le"))


def dir_stream(project_name: str, modules: Sequence[Module]) -> bytes:
    """The decompressed ``dir`` stream (2.3.4.2)."""
    out = bytearray()
    # PROJECTINFORMATION
    out += _rec(0x0001, struct.pack("<I", 0x00000001))  # SYSKIND: 32-bit Windows (64-bit Office accepts it)
    out += _rec(0x0002, struct.pack("<I", 0x409))  # LCID
    out += _rec(0x0014, struct.pack("<I", 0x409))  # LCIDINVOKE
    out += _rec(0x0003, struct.pack("<H", CODEPAGE))
    out += _rec(0x0004, _mbcs(project_name))
    out += _rec_pair(0x0005, "", 0x0040)  # DOCSTRING
    out += _rec_pair(0x0006, "", 0x003D)  # HELPFILEPATH (HelpFile1 / HelpFile2)
    out += _rec(0x0007, struct.pack("<I", 0))  # HELPCONTEXT
    out += _rec(0x0008, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 0x00000004, 1, 0)  # VERSION: Reserved=4, major, minor
    out += _rec_pair(0x000C, "", 0x003C)  # CONSTANTS
    # PROJECTREFERENCES
    for name, libid in REFERENCES:
        out += _rec_pair(0x0016, name, 0x003E)
        lib = _mbcs(libid)
        body = struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0)
        out += _rec(0x000D, body)
    # PROJECTMODULES
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _rec(0x0019, _mbcs(m.name))
        out += _rec(0x0047, m.name.encode("utf-16-le"))
        out += _rec_pair(0x001A, m.name, 0x0032)  # STREAMNAME
        out += _rec_pair(0x001C, "", 0x0048)  # DOCSTRING
        out += _rec(0x0031, struct.pack("<I", 0))  # OFFSET: source starts at 0, no p-code
        out += _rec(0x001E, struct.pack("<I", 0))  # HELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # COOKIE
        out += struct.pack("<HI", 0x0021 if m.kind == "procedural" else 0x0022, 0)  # TYPE
        out += struct.pack("<HI", 0x002B, 0)  # Terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir Terminator
    return bytes(out)


def _crypt(data: bytes, project_id: str, seed: int) -> str:
    """MS-OVBA 2.4.3.2 data encryption (obfuscation, not secrecy) as upper-case hex.

    ``seed`` is fixed by the caller so builds are reproducible; its bits 1-2 choose how many
    ignored bytes follow, which are derived from the seed too.
    """
    version = 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unenc1, enc1, enc2 = proj_key, seed ^ proj_key, seed ^ version
    plain = bytes((seed + 7 * k) & 0xFF for k in range((seed & 6) // 2)) + struct.pack("<I", len(data)) + data
    for byte in plain:
        b_enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(b_enc)
        enc2, enc1, unenc1 = enc1, b_enc, byte
    return out.hex().upper()


def decrypt(hex_text: str, project_id: str) -> bytes:
    """Inverse of :func:`_crypt` (reads CMG/DPB/GC back; used by the tests)."""
    d = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = d[0], d[1], d[2]
    if seed ^ version_enc != 2 or seed ^ key_enc != sum(project_id.encode("ascii")) & 0xFF:
        raise ValueError("not encrypted with this project id")
    unenc1, enc1, enc2 = seed ^ key_enc, key_enc, version_enc
    plain = bytearray()
    for b_enc in d[3:]:
        byte = b_enc ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, b_enc, byte
    plain = plain[(seed & 6) // 2:]
    length = struct.unpack("<I", plain[:4])[0]
    return bytes(plain[4:4 + length])


def project_stream(project_name: str, modules: Sequence[Module], project_id: str = PROJECT_ID) -> bytes:
    """The ``PROJECT`` stream (2.3.1): unprotected, visible, no password."""
    lines = [f'ID="{project_id}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_crypt(UNPROTECTED, project_id, 0x1D)}"',
        f'DPB="{_crypt(NO_PASSWORD, project_id, 0x2B)}"',
        f'GC="{_crypt(VISIBLE, project_id, 0x39)}"',
        "",
        "[Host Extender Info]",
        HOST_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _mbcs("\r\n".join(lines) + "\r\n")


def projectwm_stream(modules: Sequence[Module]) -> bytes:
    """``PROJECTwm`` (2.3.3): each module name in MBCS and UTF-16."""
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def build_vba_project(project_name: str, modules: Sequence[Module]) -> bytes:
    """``vbaProject.bin`` bytes for ``modules`` (source only; Excel compiles on load)."""
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("module names must be unique (case-insensitively)")
    for m in modules:
        m.source.decode("ascii")  # raises for non-ASCII: the code page would mangle it
        if not m.source.startswith(f'Attribute VB_Name = "{m.name}"'.encode("ascii")):
            raise ValueError(f"module {m.name}: source must start with Attribute VB_Name = \"{m.name}\"")
    streams: dict[str, bytes] = {
        "PROJECT": project_stream(project_name, modules),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(project_name, modules)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.source)
    return build_cfb(streams)
