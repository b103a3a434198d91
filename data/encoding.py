"""Byte-level facts about a text export, found in C-speed chunk scans (no loop over rows).

The CSV reader (``data.reading``) decides the encoding on the whole file from these:

- ``guess_encoding``: a UTF-8 BOM, else UTF-8 when the first 256 kB decode, else cp1252;
  UTF-16 (BOM ``FF FE`` / ``FE FF``) is named so the reader can refuse it.
- ``first_bad_utf8``: the byte offset of the first byte that is not UTF-8 (``None``: all is).
- ``utf8_text_at``: where the file holds UTF-8 text a Western export would contain (``ä`` ``ß``
  ``é`` ``°`` ``€`` typographic quotes and dashes as UTF-8); cp1252 never writes these byte pairs
  in ordinary text (they read as ``Ã¤``, ``â‚¬``), so their presence next to a non-UTF-8 byte
  means the file mixes two encodings.
- ``first_nul``: the offset of the first NUL byte.
- ``line_at``: the 1-based line of a byte offset.
"""
from __future__ import annotations

import codecs
import mmap
import re
from pathlib import Path

CHUNK = 8 * 1024 * 1024
HEAD = 256 * 1024
# UTF-8 of U+0080-U+00FF (C2/C3 lead), of the en/em dash, quotes, ellipsis (E2 80 ..) and of the euro sign
UTF8_TEXT = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2\x80[\x93\x94\x98\x99\x9a\x9c\x9d\x9e\xa6]|\xe2\x82\xac")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def guess_encoding(path: Path) -> str:
    """``utf-8-sig``, ``utf-16``, ``utf-8`` (the head decodes) or ``cp1252``, from the first 256 kB."""
    with path.open("rb") as fh:
        head = fh.read(HEAD)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # not final: a cut multi-byte character is fine
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def first_bad_utf8(path: Path) -> int | None:
    """Offset of the first byte that is not part of valid UTF-8, or ``None`` when the whole file is."""
    base, carry = 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            data = carry + chunk
            try:
                data.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as exc:
                if exc.end < len(data) or len(data) - exc.start > 3:
                    return base + exc.start
                carry = data[exc.start:]  # a character cut by the chunk border: decide with the next chunk
            base += len(data) - len(carry)
    return base if carry else None


def _first_match(path: Path, pattern: re.Pattern[bytes], overlap: int) -> int | None:
    base, tail = 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            found = pattern.search(data)
            if found:
                return base - len(tail) + found.start()
            tail = data[-overlap:] if overlap else b""
            base += len(chunk)
    return None


def utf8_text_at(path: Path) -> int | None:
    """Offset of the first UTF-8 encoded Western character (see the module doc), or ``None``."""
    return _first_match(path, UTF8_TEXT, overlap=2)


def first_nul(path: Path) -> int | None:
    """Offset of the first NUL byte, or ``None`` (memchr over the mapped file: no copy)."""
    with path.open("rb") as fh:
        if fh.seek(0, 2) == 0:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            at = mapped.find(b"\x00")
    return at if at >= 0 else None


def line_at(path: Path, offset: int) -> int:
    """The 1-based line (``\\n``-counted, as an editor shows it) holding byte ``offset``."""
    lines, done = 1, 0
    with path.open("rb") as fh:
        while done < offset and (chunk := fh.read(min(CHUNK, offset - done))):
            lines += chunk.count(b"\n")
            done += len(chunk)
    return lines


def byte_at(path: Path, offset: int) -> int:
    with path.open("rb") as fh:
        fh.seek(offset)
        return fh.read(1)[0]
