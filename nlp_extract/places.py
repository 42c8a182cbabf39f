"""China's administrative divisions down to county level: which places a name starts with, where they lie.

The same body is written 綦江区人民政府 in one year and 重庆市綦江区人民政府 in the next; the
national division codes (``data/divisions.tsv``, 6-digit adcodes: 2 digits province, 2 city,
2 county) tell that both are one place, which city and province hold it, and at which level
it stands.  Townships and streets are not in the table: callers place them through the
county their report names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

PlaceLevel = Literal["province", "city", "county"]

_DATA = Path(__file__).resolve().parent / "data" / "divisions.tsv"
# 临夏回族自治州 -> 临夏州, 肃南裕固族自治县 -> 肃南县: how reports often write autonomous units
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:.{1,4}?族)+自治(州|县|旗)$")
# Two-character names that are also common words (城区 of a city, 郊区, 矿区) are never matched.
_GENERIC = frozenset({"城区", "郊区", "矿区"})


@dataclass(frozen=True)
class Place:
    code: str  # 6-digit adcode
    name: str  # official name

    @property
    def level(self) -> PlaceLevel:
        if self.code[2:] == "0000":
            return "province"  # includes 北京市, 上海市, 天津市, 重庆市
        return "city" if self.code[4:] == "00" else "county"


@dataclass(frozen=True)
class Gazetteer:
    """The division table, indexed by code and by name (official names and their short forms)."""

    by_code: Mapping[str, Place]
    by_name: Mapping[str, tuple[Place, ...]]
    longest: int

    def parent(self, place: Place) -> Place | None:
        if place.level == "province":
            return None
        if place.level == "county" and (city := self.by_code.get(place.code[:4] + "00")):
            return city
        return self.by_code.get(place.code[:2] + "0000")

    def chain(self, place: Place) -> list[Place]:
        """Province first, down to ``place``."""
        out = [place]
        while parent := self.parent(out[0]):
            out.insert(0, parent)
        return out

    def leading(self, text: str) -> list[tuple[str, tuple[Place, ...]]]:
        """The places ``text`` starts with, left to right, each the longest name that matches there."""
        out: list[tuple[str, tuple[Place, ...]]] = []
        pos = 0
        while pos < len(text):
            for size in range(min(self.longest, len(text) - pos), 1, -1):
                word = text[pos : pos + size]
                if word in self.by_name:
                    out.append((word, self.by_name[word]))
                    pos += size
                    break
            else:
                break
        return out

    def resolve(self, words: Sequence[tuple[str, tuple[Place, ...]]], context: Iterable[Place] = ()) -> Place | None:
        """The one place a run of place names denotes (its deepest unit), or None when it stays ambiguous.

        Each name must lie inside the one before it (北京市朝阳区 is Beijing's 朝阳区); a name that
        stays ambiguous is settled by the places the report mentions elsewhere (``context``).
        """
        if not words:
            return None
        options = list(words[-1][1])
        for _, outer in words[:-1]:
            options = [p for p in options if any(self.contains(o, p) for o in outer)]
        if len(options) > 1:
            near = [p for p in options if any(self.contains(c, p) or self.contains(p, c) for c in context)]
            options = near or options
        return options[0] if len(options) == 1 else None

    @staticmethod
    def contains(outer: Place, inner: Place) -> bool:
        if outer.code == inner.code:
            return False
        prefix = {"province": 2, "city": 4, "county": 6}[outer.level]
        return inner.code[:prefix] == outer.code[:prefix]


@cache
def gazetteer() -> Gazetteer:
    """The shipped division table (loaded once per process: read-only data, no state)."""
    by_code: dict[str, Place] = {}
    by_name: dict[str, list[Place]] = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, name = line.split("\t")
        place = Place(code, name)
        by_code[code] = place
        names = {name}
        if m := _AUTONOMOUS.match(name):
            names.add(m.group(1) + m.group(2))
        for n in names:
            if n not in _GENERIC:
                by_name.setdefault(n, []).append(place)
    return Gazetteer(by_code, {k: tuple(v) for k, v in by_name.items()}, max(map(len, by_name)))


_SUFFIXES = ("省", "自治区", "市", "自治州", "州", "盟", "地区", "县", "自治县", "旗", "区")
_PLACE_WORD = re.compile(rf"[\u4e00-\u9fff]{{1,12}}?(?:{'|'.join(_SUFFIXES)})")
_IDEOGRAPH_RUN = re.compile(r"[\u4e00-\u9fff]+")
_PLACE_END = re.compile(f"[{''.join(sorted({s[-1] for s in _SUFFIXES}))}]")  # the last character of every suffix


def _place_words(text: str) -> Iterator[re.Match[str]]:
    """``_PLACE_WORD.finditer(text)``, sought only in the runs of ideographs that hold a suffix's last
    character: a word lies inside one run, and the lazy pattern is slow where it fails."""
    for run in _IDEOGRAPH_RUN.finditer(text):
        if _PLACE_END.search(text, run.start(), run.end()):
            yield from _PLACE_WORD.finditer(text, run.start(), run.end())


def mentioned(text: str) -> list[Place]:
    """Places of the table named in ``text`` with their suffix (福建省, 平潭县), unambiguous ones only."""
    g = gazetteer()
    found: dict[str, Place] = {}
    for m in _place_words(text):
        word = m.group()
        for k in range(len(word) - 1):  # the longest known name ending here (这里的平潭县 -> 平潭县)
            places = g.by_name.get(word[k:])
            if places and len(places) == 1:
                found.setdefault(places[0].code, places[0])
                break
    return list(found.values())
