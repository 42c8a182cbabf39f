"""Decoding: bytes -> raw text, the text every offset indexes.

BOMs decide first; then strict UTF-8 (most reports); then charset-normalizer, which tells
GB18030/GBK, Big5 and UTF-16 apart far better than trying codecs in turn.  Nothing is
translated on the way (no newline conversion), so offsets match what ``bytes.decode`` gives.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from .errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Chinese reports: a detector's guess among these families is mapped to the widest member.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}


def _plausible_text(text: str) -> bool:
    """Mostly letters, CJK, digits, punctuation and whitespace: what a report is made of."""
    sample = text[:4000]
    return len(_IMPLAUSIBLE.findall(sample)) <= len(sample) // 50


# control characters other than \t \n \f \r, private use, the replacement character (counted in C, not a loop)
_IMPLAUSIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff\ufffd]")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 with no BOM: ASCII chars put NUL bytes on one side; CJK text decodes plausibly."""
    if len(data) % 2 or b"\x00" not in data[:4096]:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible_text(text):
            return text, name
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise ``InputError`` for empty, binary or undecodable data."""
    if not data.strip():
        raise InputError("empty input")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(name), name)
            except UnicodeDecodeError as e:
                if (damaged := _few_errors(data, name)) is not None:  # a cut download, a few bad bytes
                    return _checked(damaged, name)
                raise InputError(f"undecodable text: {name} BOM but invalid data ({e.reason})") from None
    if (u16 := _utf16_without_bom(data)) is not None:
        return u16
    try:  # before the NUL test: valid UTF-8 with a few stray NULs is damaged text, not a binary file
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise InputError("binary file, not text (use a supported format: txt, html, docx, pdf)")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return _damaged(data)
    name = _WIDEN.get(best.encoding.lower().replace("_", ""), best.encoding)
    try:
        return _checked(data.decode(name), name)
    except UnicodeDecodeError:
        return _checked(str(best), best.encoding)


def _damaged(data: bytes) -> tuple[str, str]:
    """Last resort when no encoding fits: a download cut inside a character, or UTF-8 with a few bad bytes.

    Either is a report worth reading; the broken bytes become U+FFFD (one character each, so the
    text still indexes everything else).  Legacy double-byte encodings get no tolerant decoding:
    Big5 bytes decode as GB18030 almost without errors, so errors cannot tell them apart.
    """
    for cut in (1, 2, 3):
        best = charset_normalizer.from_bytes(data[:-cut]).best() if len(data) > 64 else None
        if best is not None:
            name = codecs.lookup(_WIDEN.get(best.encoding.lower().replace("_", ""), best.encoding)).name
            return _checked(data.decode(name, errors="replace"), name)
    if (text := _few_errors(data, "utf-8")) is not None:
        return _checked(text, "utf-8")
    raise InputError("undecodable: no known text encoding fits (binary file?)")


def _few_errors(data: bytes, encoding: str) -> str | None:
    """The text with its broken bytes as U+FFFD, if they are few (<= 1%, and never most of a short text):
    text read in a wrong encoding has far more."""
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    return text if bad <= max(3, len(text) // 100) and 2 * bad < len(text) else None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if not _plausible_text(text):
        raise InputError(f"binary file, not text (decodes as {encoding} to control characters)")
    return text, encoding
