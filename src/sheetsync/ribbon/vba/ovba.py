"""MS-OVBA 2.4.1 compression: the format of the ``dir`` stream and of every module's source.

The decompressor exists for the tests (round trips) and for reading an add-in back; the
compressor is a plain greedy matcher, deterministic so that the same sources always give the
same bytes (the committed add-in is compared byte for byte).
"""

from __future__ import annotations

CHUNK = 4096
_MAX_CANDIDATES = 64


class CompressionError(ValueError):
    """The bytes are not an MS-OVBA CompressedContainer."""


def _bit_count(position: int) -> int:
    """Bits used for a copy token's offset at ``position`` bytes into a chunk (2.4.1.3.19.1)."""
    return max(4, (position - 1).bit_length())


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    n = len(chunk)
    index: dict[bytes, list[int]] = {}
    i = 0

    def remember(pos: int) -> None:
        if pos + 3 <= n:
            index.setdefault(chunk[pos:pos + 3], []).append(pos)

    while i < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if i >= n:
                break
            best_len = 0
            best_off = 0
            if i > 0 and i + 3 <= n:
                bits = _bit_count(i)
                max_len = min((0xFFFF >> bits) + 3, n - i)
                for j in reversed(index.get(chunk[i:i + 3], [])[-_MAX_CANDIDATES:]):
                    length = 3
                    while length < max_len and chunk[j + length] == chunk[i + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, i - j
                        if length == max_len:
                            break
            if best_len >= 3:
                bits = _bit_count(i)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                for k in range(best_len):
                    remember(i + k)
                i += best_len
            else:
                out.append(chunk[i])
                remember(i)
                i += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer holding ``data``."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            header = (len(body) + 2 - 3) | (0b011 << 12) | 0x8000
            out += header.to_bytes(2, "little") + body
        else:
            # incompressible: a raw chunk is always 4096 bytes, so only a full chunk may be raw
            if len(chunk) < CHUNK:
                raise CompressionError("final chunk is incompressible and shorter than 4096 bytes")
            out += (0x0FFF | (0b011 << 12)).to_bytes(2, "little") + chunk
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """The bytes a CompressedContainer holds (raises :class:`CompressionError` when malformed)."""
    if not container or container[0] != 0x01:
        raise CompressionError("missing signature byte 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise CompressionError("truncated chunk header")
        header = int.from_bytes(container[pos:pos + 2], "little")
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise CompressionError(f"bad chunk signature at {pos}")
        chunk_end = min(pos + size, len(container))
        pos += 2
        start = len(out)
        if not header & 0x8000:
            out += container[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if flags & (1 << bit):
                    token = int.from_bytes(container[pos:pos + 2], "little")
                    pos += 2
                    bits = _bit_count(len(out) - start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    src = len(out) - offset
                    if src < start:
                        raise CompressionError("copy token reaches before the chunk")
                    for k in range(length):
                        out.append(out[src + k])
                else:
                    out.append(container[pos])
                    pos += 1
    return bytes(out)
