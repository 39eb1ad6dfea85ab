"""A minimal MS-CFB (compound file, version 3) writer: storages and streams in, bytes out.

Enough for a VBA project: 512-byte sectors, one FAT without DIFAT (files up to ~7 MB), a mini
stream for streams under 4096 bytes, zero timestamps and a balanced red-black directory tree so
the output depends on nothing but the input.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_DIFAT_IN_HEADER = 109
_ENTRIES_PER_FAT = SECTOR // 4


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    red: bool = False
    start: int = ENDOFCHAIN


def _key(name: str) -> tuple[int, str]:
    """MS-CFB 2.6.4 order: shorter names first, then by upper-cased UTF-16 code units."""
    return (len(name.encode("utf-16-le")), name.upper())


def _tree(siblings: list[_Entry]) -> int:
    """Link ``siblings`` as a balanced binary tree; returns the root's id.

    Built by halving the sorted list, every leaf is on one of the last two levels, so colouring
    the deepest level red (never the root) and the rest black satisfies the red-black rules.
    """
    ordered = sorted(siblings, key=lambda e: _key(e.name))
    if not ordered:
        return NOSTREAM
    depth_max = (len(ordered)).bit_length() - 1

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        node.left = build(lo, mid, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        node.red = depth == depth_max and depth > 0
        return node.sid

    return build(0, len(ordered), 0)


def _chain(fat: list[int], first: int, count: int) -> None:
    for k in range(count):
        fat[first + k] = first + k + 1 if k < count - 1 else ENDOFCHAIN


def build_cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ({"VBA/dir": b"...", "PROJECT": b"..."}).

    Storages are created from the ``/``-separated paths; names are at most 31 characters.
    """
    root = _Entry("Root Entry", 5)
    storages: dict[str, _Entry] = {"": root}
    for path in streams:
        parts = path.split("/")
        for i in range(1, len(parts)):
            key = "/".join(parts[:i])
            if key not in storages:
                entry = _Entry(parts[i - 1], 1)
                storages["/".join(parts[:i - 1])].children.append(entry)
                storages[key] = entry
        storages["/".join(parts[:-1])].children.append(_Entry(parts[-1], 2, streams[path]))

    # number the entries: root first, then breadth-first in tree order
    entries: list[_Entry] = [root]
    queue = [root]
    while queue:
        node = queue.pop(0)
        for ch in sorted(node.children, key=lambda e: _key(e.name)):
            if len(ch.name) > 31:
                raise ValueError(f"CFB name too long: {ch.name!r}")
            ch.sid = len(entries)
            entries.append(ch)
            queue.append(ch)
    for node in entries:
        if node.kind in (1, 5):
            node.child = _tree(node.children)

    # mini stream: small streams, each padded to 64 bytes
    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e.kind == 2 and 0 < len(e.data) < MINI_CUTOFF:
            n = -(-len(e.data) // MINI_SECTOR)
            e.start = len(minifat)
            minifat.extend([0] * n)
            _chain(minifat, e.start, n)
            mini += e.data + b"\0" * (n * MINI_SECTOR - len(e.data))
    root.data = bytes(mini)

    # regular sectors: big streams, the mini stream, the mini FAT, the directory, then the FAT
    body: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        n = -(-len(data) // SECTOR)
        first = len(fat)
        fat.extend([0] * n)
        _chain(fat, first, n)
        body.append(data + b"\0" * (n * SECTOR - len(data)))
        return first

    for e in entries:
        if e.kind == 2 and len(e.data) >= MINI_CUTOFF:
            e.start = place(e.data)
    root.start = place(root.data)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    if minifat:
        pad = (-len(minifat)) % _ENTRIES_PER_FAT
        minifat_bytes += struct.pack(f"<{pad}I", *([FREESECT] * pad))
    minifat_start = place(minifat_bytes)
    n_minifat = len(minifat_bytes) // SECTOR

    dir_bytes = bytearray()
    for e in entries:
        name = e.name.encode("utf-16-le") + b"\0\0"
        size = len(e.data) if e.kind in (2, 5) else 0
        start = e.start if size else (ENDOFCHAIN if e.kind == 5 else 0)
        dir_bytes += struct.pack(
            "<64sHBBIII16sI8s8sIQ",
            name, len(name), e.kind, 0 if e.red else 1, e.left, e.right, e.child,
            b"\0" * 16, 0, b"\0" * 8, b"\0" * 8, start, size,
        )
    while len(dir_bytes) % SECTOR:
        dir_bytes += struct.pack("<64sHBBIII16sI8s8sIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                                 b"\0" * 16, 0, b"\0" * 8, b"\0" * 8, 0, 0)
    dir_start = place(bytes(dir_bytes))

    # the FAT covers every sector including its own
    n_fat = 1
    while (len(fat) + n_fat) > n_fat * _ENTRIES_PER_FAT:
        n_fat += 1
    if n_fat > _DIFAT_IN_HEADER:
        raise ValueError("compound file too large for a FAT without DIFAT sectors")
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREESECT] * (n_fat * _ENTRIES_PER_FAT - len(fat)))
    body.append(struct.pack(f"<{len(fat)}I", *fat))

    difat = list(range(fat_start, fat_start + n_fat)) + [FREESECT] * (_DIFAT_IN_HEADER - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, dir_start, 0, MINI_CUTOFF,
        minifat_start if minifat else ENDOFCHAIN, n_minifat, ENDOFCHAIN, 0,
    ) + struct.pack(f"<{_DIFAT_IN_HEADER}I", *difat)
    assert len(header) == SECTOR
    return header + b"".join(body)
