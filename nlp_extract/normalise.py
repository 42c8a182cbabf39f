"""Normalisation: raw decoded text -> analysis text, with an offset map back to raw.

Every later stage reads the *analysis text* (simplified script, noise removed, widths
unified) but reports offsets into the *raw* text.  Each clean-up step is a rule that
proposes edits (replace ``raw[a:b]`` by some string); edits are applied in one pass and
the map records, for every analysis character, the raw range it came from.  Steps
compose, so adding a clean-up never risks the invariant ``raw[start:end] == text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import opencc

Edit = tuple[int, int, str]
"""Replace ``text[start:end]`` by the string."""

Rule = Callable[[str], Iterable[Edit]]


@dataclass(frozen=True)
class OffsetMap:
    """For analysis char ``i``: it came from ``raw[starts[i]:ends[i]]``."""

    starts: Sequence[int]
    ends: Sequence[int]
    raw_length: int

    @classmethod
    def identity(cls, n: int) -> OffsetMap:
        """Char ``i`` came from ``raw[i:i + 1]``: ranges, not tuples (most texts need no other map)."""
        return cls(range(n), range(1, n + 1), n)

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map an analysis range ``[start, end)`` to the raw range that covers it."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else self.raw_length
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def then(self, inner: OffsetMap) -> OffsetMap:
        """Compose: ``inner`` maps a later text onto the text this map's analysis side is."""
        ends_before = (*(self.ends[-1:] or (0,)), *self.ends)  # ends_before[i] == self.ends[i - 1], as indexing gives
        return OffsetMap(
            tuple(map(self.starts.__getitem__, inner.starts)),
            tuple(map(ends_before.__getitem__, inner.ends)),
            self.raw_length,
        )


@dataclass(frozen=True)
class Normalised:
    raw: str
    text: str
    offsets: OffsetMap

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.to_raw(start, end)


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, OffsetMap]:
    """Apply non-overlapping edits; overlapping later edits are skipped (first one wins)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for a, b, rep in sorted(edits, key=lambda e: (e[0], e[1])):
        if a < pos:
            continue
        out.append(text[pos:a])
        starts.extend(range(pos, a))
        ends.extend(range(pos + 1, a + 1))
        out.append(rep)
        if len(rep) == b - a:  # same length: char to char
            starts.extend(range(a, b))
            ends.extend(range(a + 1, b + 1))
        else:  # every replacement char points at the whole replaced range
            starts.extend([a] * len(rep))
            ends.extend([max(b, a + 1)] * len(rep))
        pos = b
    out.append(text[pos:])
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    return "".join(out), OffsetMap(tuple(starts), tuple(ends), len(text))


# --- rules -------------------------------------------------------------------------

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
"""Every CJK ideograph block, as the body of a regex character class."""

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ"
_LETTERS = f"a-z{_TONED}?"  # ``?``: a tone vowel an encoding without it (Big5) could not hold: ``(d?ng)``
_PINYIN = re.compile(rf"(?<=[{HAN}?])[(（](?=[a-z]*[{_TONED}?])[{_LETTERS}]{{1,7}}[)）]")


def pinyin_annotations(text: str) -> Iterable[Edit]:
    """``區(qū)`` -> ``區``: romanisation pasted after a character by some CMS exports.

    The same after a lossy save (``區(q?)``): the syllable needs a tone vowel or the ``?`` left
    in its place, so ordinary bracketed latin (``(pdf)``) stays.
    """
    return ((m.start(), m.end(), "") for m in _PINYIN.finditer(text))


_QMARK_NOISE = re.compile(r"(?<=[ \t])\?+|\?+(?=[ \t])|^\?+|\?+$", re.M)


def question_mark_noise(text: str) -> Iterable[Edit]:
    """``? ? 2017年``: ``?`` that stands for a lost space: next to a blank or at a line edge."""
    if "?" not in text:  # most texts: the pattern's four branches would be tried at every position
        return ()
    return ((m.start(), m.end(), " " * (m.end() - m.start())) for m in _QMARK_NOISE.finditer(text))


_INVISIBLE = re.compile(r"[\x00\u200b-\u200f\u2060\ufeff\u00ad]|\r(?=\n)")  # NUL: padding of broken downloads
_SPACES = re.compile(r"[\u00a0\u2002-\u200a\u3000\u202f]")
_LONE_CR = re.compile(r"\r")


def invisible_and_spaces(text: str) -> Iterable[Edit]:
    """Zero-width marks, NULs and CR of CRLF vanish; exotic spaces become ``' '``; lone CR is a newline."""
    yield from ((m.start(), m.end(), "") for m in _INVISIBLE.finditer(text))
    yield from ((m.start(), m.end(), " ") for m in _SPACES.finditer(text))
    yield from ((m.start(), m.end(), "\n") for m in _LONE_CR.finditer(text) if not text.startswith("\n", m.end()))


_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # digits
_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # A-Z
_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # a-z
_WIDTH.update({"(": "（", ")": "）", "％": "%", "．": ".", "｜": "|", "／": "/", "～": "~"})
_WIDTH_RE = re.compile("|".join(re.escape(k) for k in _WIDTH))


def widths(text: str) -> Iterable[Edit]:
    """Full-width digits and letters -> ASCII; parentheses -> full-width (one form for markers)."""
    return ((m.start(), m.end(), _WIDTH[m.group()]) for m in _WIDTH_RE.finditer(text))


_COMPAT = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def compatibility_forms(text: str) -> Iterable[Edit]:
    """``⼯作⼈员`` -> ``工作人员``: Kangxi radicals and compatibility ideographs (PDF text layers) by NFKC.

    NFKC maps every Kangxi radical and (all but 12 unified) compatibility ideographs to one
    ideograph each, and 2 of the CJK Radicals Supplement (⺟ ⻳); the others have no
    decomposition and stay.  Only these blocks: NFKC elsewhere would rewrite full-width
    punctuation the markers read.
    """
    for m in _COMPAT.finditer(text):
        form = unicodedata.normalize("NFKC", m.group())
        if form != m.group():
            yield m.start(), m.end(), form


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> tuple[str, OffsetMap]:
    """OpenCC ``t2s`` line by line; a line whose length would change is converted char by char.

    ``t2s`` maps phrases of equal length, so the map stays the identity on real text; the
    per-character fallback keeps it exact even if a future dictionary did otherwise.
    """
    conv = _t2s()
    whole = conv.convert(text)
    if _line_lengths(whole) == _line_lengths(text):  # the common case: one call for the whole text
        return whole, OffsetMap.identity(len(text))
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        s = conv.convert(line)
        if len(s) != len(line):
            s = "".join(c if len(t := conv.convert(c)) != 1 else t for c in line)
        out.append(s)
    return "".join(out), OffsetMap.identity(len(text))


def _line_lengths(text: str) -> list[int]:
    return [len(line) for line in text.splitlines(keepends=True)]


DEFAULT_RULES: tuple[Rule, ...] = (invisible_and_spaces, pinyin_annotations, question_mark_noise, widths)


def normalise(raw: str, rules: Sequence[Rule] = DEFAULT_RULES) -> Normalised:
    """Raw decoded text -> simplified, cleaned analysis text and its offset map.

    Compatibility forms are unified before ``t2s``, so ``⾺`` (a Kangxi radical) becomes ``馬``
    and then ``马``.
    """
    text, offsets = _apply_rules(raw, (compatibility_forms,), None)
    text, simplify = simplified(text)  # the identity map: nothing to compose
    text, offsets = _apply_rules(text, rules, offsets)
    return Normalised(raw=raw, text=text, offsets=offsets or simplify)


def _apply_rules(text: str, rules: Sequence[Rule], offsets: OffsetMap | None) -> tuple[str, OffsetMap | None]:
    """Each rule's edits applied in turn; ``None`` stays ``None`` while the map is still the identity."""
    for rule in rules:
        edits = list(rule(text))
        if edits:  # most rules find nothing in most reports: skip the identity composition
            text, step = apply_edits(text, edits)
            offsets = step if offsets is None else offsets.then(step)
    return text, offsets
