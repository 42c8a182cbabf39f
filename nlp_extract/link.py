"""Linking: sections from headings, and every span to its innermost section."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from .schema import Section
from .structure import Line

RawSlice = Callable[[int, int], tuple[int, int, str]]


def build_sections(lines: Sequence[Line], raw_slice: RawSlice, raw_length: int) -> list[Section]:
    """A section runs from its heading to the next heading of the same or a higher level."""
    headings = [ln for ln in lines if ln.kind == "heading"]
    sections: list[Section] = []
    open_ids: list[tuple[int, str]] = []  # (level, id) of the enclosing headings
    for i, h in enumerate(headings):
        start, end, title = raw_slice(h.start, h.end)
        nxt = next((g for g in headings[i + 1 :] if g.level <= h.level), None)
        stop = raw_slice(nxt.start, nxt.end)[0] if nxt else raw_length
        while open_ids and open_ids[-1][0] >= h.level:
            open_ids.pop()
        sid = f"s{i + 1}"
        sections.append(Section(sid, open_ids[-1][1] if open_ids else None, h.level, title, start, end, start, stop))
        open_ids.append((h.level, sid))
    return sections


def innermost(sections: Sequence[Section], offset: int) -> Section | None:
    """The deepest section whose extent holds ``offset`` (sections are in document order)."""
    i = bisect_right([s.start for s in sections], offset)
    candidates = [s for s in sections[:i] if s.start <= offset < s.end]
    return max(candidates, key=lambda s: s.level, default=None)


def heading_path(headings: Sequence[Line], offset: int) -> list[str]:
    """Titles of the headings enclosing an analysis offset, outermost first."""
    path: list[Line] = []
    for h in headings:
        if h.start > offset:
            break
        while path and path[-1].level >= h.level:
            path.pop()
        path.append(h)
    return [h.text for h in path]
