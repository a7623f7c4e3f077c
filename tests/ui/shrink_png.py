#!/usr/bin/env python3
"""Shrinks the counter's screenshots for docs/: an RGBA PNG (as linli-counter
writes them) becomes an indexed PNG of at most 256 colours. A flat UI with
anti-aliased text loses nothing a reader sees; the file is a third the size.

    shrink_png.py IN.png OUT.png

Python's standard library only (zlib), so regenerating the docs needs no
image tools.
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, width = 8, [], 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise SystemExit(f"{path}: only 8-bit RGB/RGBA, not interlaced")
            bpp = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat.append(body)
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(line)
        prev = line
    pixels = []
    for line in rows:
        pixels.append([bytes(line[i:i + 3]) for i in range(0, stride, bpp)])
    return width, height, pixels


def palette_for(pixels):
    counts = {}
    for row in pixels:
        for px in row:
            counts[px] = counts.get(px, 0) + 1
    if len(counts) <= 256:
        return list(counts), {c: i for i, c in enumerate(counts)}
    # Popularity of 5-bit-a-channel boxes; each box's weighted mean colour.
    boxes = {}
    for c, n in counts.items():
        key = (c[0] >> 3, c[1] >> 3, c[2] >> 3)
        s = boxes.setdefault(key, [0, 0, 0, 0])
        s[0] += c[0] * n
        s[1] += c[1] * n
        s[2] += c[2] * n
        s[3] += n
    top = sorted(boxes.values(), key=lambda s: -s[3])[:256]
    pal = [bytes((s[0] // s[3], s[1] // s[3], s[2] // s[3])) for s in top]
    index = {}
    for c in counts:
        best, bi = 1 << 30, 0
        for i, p in enumerate(pal):
            d = (c[0] - p[0]) ** 2 + (c[1] - p[1]) ** 2 + (c[2] - p[2]) ** 2
            if d < best:
                best, bi = d, i
        index[c] = bi
    return pal, index


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def write_png(path, width, height, pixels, pal, index):
    raw = bytearray()
    for row in pixels:
        raw.append(0)
        raw.extend(index[px] for px in row)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0))
    out += chunk(b"PLTE", b"".join(pal))
    out += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    out += chunk(b"IEND", b"")
    open(path, "wb").write(out)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: shrink_png.py IN.png OUT.png")
    width, height, pixels = read_png(sys.argv[1])
    pal, index = palette_for(pixels)
    write_png(sys.argv[2], width, height, pixels, pal, index)


if __name__ == "__main__":
    main()
