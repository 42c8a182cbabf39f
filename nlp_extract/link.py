"""Linking: sections from headings, and every span to its innermost section."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from .lines import Line
from .schema import Section

RawSlice = Callable[[int, int], tuple[int, int, str]]


def build_sections(lines: Sequence[Line], raw_slice: RawSlice, raw_length: int) -> list[Section]:
    """A section runs from its heading to the next heading of the same or a higher level."""
    headings = [ln for ln in lines if ln.kind == "heading"]
    # the next heading of the same or a higher level, for each heading: one backward pass with a stack
    # (searching forward from every heading is quadratic in a long flat or deep outline)
    closer: list[Line | None] = [None] * len(headings)
    later: list[Line] = []  # candidates after i, nearest on top; levels never rise from the top down
    for i in range(len(headings) - 1, -1, -1):
        while later and later[-1].level > headings[i].level:
            later.pop()
        closer[i] = later[-1] if later else None
        later.append(headings[i])
    sections: list[Section] = []
    open_ids: list[tuple[int, str]] = []  # (level, id) of the enclosing headings
    for i, h in enumerate(headings):
        start, end, title = raw_slice(h.start, h.end)
        nxt = closer[i]
        stop = raw_slice(nxt.start, nxt.end)[0] if nxt else raw_length
        while open_ids and open_ids[-1][0] >= h.level:
            open_ids.pop()
        sid = f"s{i + 1}"
        sections.append(Section(sid, open_ids[-1][1] if open_ids else None, h.level, title, start, end, start, stop))
        open_ids.append((h.level, sid))
    return sections


def innermost(sections: Sequence[Section], offset: int) -> Section | None:
    """The deepest section whose extent holds ``offset`` (sections are in document order)."""
    return section_finder(sections)(offset)


def section_finder(sections: Sequence[Section]) -> Callable[[int], Section | None]:
    """:func:`innermost` for many offsets: index the sections once (a scan per offset is quadratic).

    Sections nest (each ends at the next heading of its level or higher), so the sections holding
    an offset are the last one starting at or before it and its ancestors: walk up the parents.
    """
    starts = [s.start for s in sections]
    by_id = {s.id: s for s in sections}

    def find(offset: int) -> Section | None:
        i = bisect_right(starts, offset)
        s = sections[i - 1] if i else None
        while s is not None and not s.start <= offset < s.end:
            s = by_id.get(s.parent) if s.parent else None
        return s

    return find


def heading_path(headings: Sequence[Line], offset: int) -> list[str]:
    """Titles of the headings enclosing an analysis offset, outermost first."""
    return list(heading_paths(headings, [offset])[0])


def heading_paths(headings: Sequence[Line], offsets: Sequence[int]) -> list[tuple[str, ...]]:
    """:func:`heading_path` of each offset in one pass over the headings (one pass per offset is quadratic)."""
    order = sorted(range(len(offsets)), key=offsets.__getitem__)
    out: list[tuple[str, ...]] = [()] * len(offsets)
    path: list[Line] = []
    k = 0
    for i in order:
        while k < len(headings) and headings[k].start <= offsets[i]:
            h = headings[k]
            while path and path[-1].level >= h.level:
                path.pop()
            path.append(h)
            k += 1
        out[i] = tuple(h.text for h in path)
    return out
