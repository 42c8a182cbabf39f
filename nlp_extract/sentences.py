"""Sentence units in the annotation guide's sense, as a reusable component.

A unit ends after ``。！？`` (with any closing quotes/brackets) and never crosses a line
break.  Units are also cut after ``；`` and ``：`` (not between digits, as in ``10:00``):
the guide splits there only where the label changes, so the classifier labels these
finer clauses and ``merge_units`` joins neighbours of one sentence that share a label.
An ASCII ``?`` inside a run of ideographs is no end: it is the mark a lossy save (Big5, GBK)
leaves for a character it could not hold, in the middle of a word.  The same holds next to
a clause mark or an opener (``，?力推进``), where a question mark never stands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .normalise import HAN

L = TypeVar("L")

_HARD_END = "。！？!?"  # ``?`` unless it stands for a lost character (``_LOST``)
_SOFT_END = "；;：:"
_CLOSERS = "”’」』）)》】\"'"
_MARKS = "，、,；;：:。“‘《〈【「『（("  # clause marks and openers: a question mark is never next to one
_LOST = rf"(?<=[{HAN}{_MARKS}])\?+(?=[{HAN}{_MARKS}])"  # ``?`` for characters an encoding could not hold
_QUESTION = rf"(?<!\?)(?!{_LOST})\?+"  # a whole run of ``?`` that is not one
_BOUNDARY = re.compile(
    rf"(?:[。！？!]|{_QUESTION})+[{re.escape(_CLOSERS)}]*|[；;][{re.escape(_CLOSERS)}]*|(?<!\d)[：:](?!\d)"
)
_CONTENT = re.compile(r"[\w\u4e00-\u9fff]")
_TRIM = " \t\u3000"


@dataclass(frozen=True, slots=True)
class Unit:
    """A clause of the analysis text; ``sentence`` numbers the full sentence it belongs to."""

    start: int
    end: int
    text: str
    sentence: int
    hard_end: bool


def split_line(text: str, offset: int = 0, sentence: int = 0) -> list[Unit]:
    """Units of one line; offsets are shifted by ``offset``; sentence ids start at ``sentence``."""
    units: list[Unit] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        units.extend(_unit(text, pos, m.end(), offset, sentence, m.group()[0] in _HARD_END))
        if units and units[-1].hard_end:
            sentence = units[-1].sentence + 1
        pos = m.end()
    units.extend(_unit(text, pos, len(text), offset, sentence, True))
    return units


def _unit(text: str, a: int, b: int, offset: int, sentence: int, hard: bool) -> list[Unit]:
    piece = text[a:b]
    lead = len(piece) - len(piece.lstrip(_TRIM))
    body = piece.strip(_TRIM)
    if not _CONTENT.search(body):
        return []
    start = offset + a + lead
    return [Unit(start, start + len(body), body, sentence, hard)]


def segment(text: str, spans: Iterable[tuple[int, int]]) -> list[Unit]:
    """Units of the given line ranges of ``text`` (sentence ids unique across the text)."""
    units: list[Unit] = []
    for start, end in spans:
        first = units[-1].sentence + 1 if units else 0
        units.extend(split_line(text[start:end], start, first))
    return units


def merge_units(units: Sequence[Unit], labels: Sequence[L], text: str) -> list[tuple[Unit, L, list[int]]]:
    """Join consecutive units of one sentence that carry the same label (the guide's span unit).

    Groups are collected first and each joined unit is built once: re-slicing the text at every
    merge is quadratic in a long sentence of many units.
    """
    groups: list[tuple[L, list[int]]] = []
    for i, (u, label) in enumerate(zip(units, labels, strict=True)):
        if groups:
            prev_label, members = groups[-1]
            prev = units[members[-1]]
            if prev.sentence == u.sentence and prev_label == label and not prev.hard_end:
                members.append(i)
                continue
        groups.append((label, [i]))
    merged: list[tuple[Unit, L, list[int]]] = []
    for label, members in groups:
        first, last = units[members[0]], units[members[-1]]
        unit = (
            first
            if len(members) == 1
            else Unit(first.start, last.end, text[first.start : last.end], last.sentence, last.hard_end)
        )
        merged.append((unit, label, members))
    return merged
