"""Features of a sentence unit for the trained labeller.

Character 1-2-grams of the simplified text; jieba words of its opening (with a domain
user dictionary so 政务公开, 依申请公开 … stay whole); the heading path; position among the
report's narrative characters; tense cues (将, 要, 下一步, next year's date); and cue words
of the neighbours.
"""

from __future__ import annotations

import itertools
import logging
import marshal
import math
import operator
import re
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba

from .classify import UnitContext, heading_cues

_TENSE = {
    "future": re.compile(r"将|下一步|下步|今后|明年|拟|计划|力争|要(?:进一步|继续|加强|切实|着力)"),
    "past": re.compile(r"了|已经|已|完成|实现|取得"),
    "problem": re.compile(r"不足|问题|差距|有待|不够|薄弱|欠缺|还需|仍需|尚未|滞后"),
    # (?<!\d): a search starts only at a number's first digit, so a long digit run is linear, not quadratic
    "count": re.compile(r"(?<!\d)\d+(?:\.\d+)?\s*(?:万|余|多)?\s*(?:件|条|次|篇|个|项|人次)"),
    "preamble": re.compile(r"本报告|统计期限|电子版|联系|邮编|地址|如对"),
}

_DIGITS = re.compile(r"\d+")

FEATURES_VERSION = 3
"""Bumped whenever feature names or values change: a model's weights only fit the features it was trained on.
1: char 1-3-grams, words and word bigrams, position over all characters.  2: words of a unit's first
20 characters.  3: the current set (words of its first 10)."""

WORD_WINDOW = 10
"""Words are read from a unit's first 10 characters: its cue words (存在, 下一步, 加强 …) open it.
Cross-validated macro-F1 was no lower with 10 than with 20, 40 or all characters, and lower with 5
or none (docs/EVALUATION.md); word segmentation is the costliest step of the labeller."""


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer per process, with the shipped domain dictionary (its start-up chatter silenced)."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    _initialize(tok)
    userdict = resources.files("nlp_extract").joinpath("data/userdict.txt")
    with resources.as_file(userdict) as path:
        tok.load_userdict(str(path))
    return tok


def _initialize(tok: jieba.Tokenizer) -> None:
    """``tok.initialize()``, reading jieba's cache of its default prefix dictionary in one piece.

    jieba reads the cache with ``marshal.load`` on the open file, which reads it piecemeal: three
    times slower than ``marshal.loads`` of its bytes (0.55 s against 0.19 s here), and that was most
    of a process's start-up.  The cache is the one jieba writes (``(FREQ, total)``, marshalled);
    without it, or with one that does not read, jieba builds and writes it as usual.
    """
    cache = Path(tok.tmp_dir or tempfile.gettempdir()) / (tok.cache_file or "jieba.cache")
    if tok.dictionary == jieba.DEFAULT_DICT and cache.is_file():
        try:
            freq, total = marshal.loads(cache.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass
        else:
            if isinstance(freq, dict) and isinstance(total, int):
                tok.FREQ, tok.total, tok.initialized = freq, total, True
                return
    tok.initialize()


def words(text: str) -> list[str]:
    """jieba's words of a text without the HMM, whitespace dropped: ``lcut(text, HMM=False)``, faster.

    The labeller reads words of every unit's opening, and jieba's generators, DAG dictionaries and
    per-step regex calls were its costliest step; ``cut_words`` walks jieba's own prefix dictionary
    with jieba's scores and tie-breaks in one pass, so the words are the same (``tests/test_features.py``
    compares them with ``lcut`` on every sample report).
    """
    tok = tokenizer()
    return cut_words(text, tok.FREQ, math.log(tok.total))


_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def cut_words(text: str, freq: Mapping[str, int], logtotal: float) -> list[str]:
    """jieba's exact mode without the HMM over a prefix dictionary (``Tokenizer.FREQ``), whitespace dropped.

    As ``Tokenizer.cut``: runs of ``re_han_default`` characters are cut by the most probable route
    through the dictionary words (a word's log-frequency minus ``logtotal``; an unknown character
    scores ``log(1)``; on equal scores the longer word wins, as jieba's ``max`` over ``(score, end)``),
    single ASCII letters and digits of a route joined again; any other character is a word by itself.
    """
    han = jieba.re_han_default
    get, log = freq.get, math.log
    out: list[str] = []
    for block in han.split(text):
        if not block:
            continue
        if han.match(block) is None:
            out.extend(c for c in block if c.strip())
            continue
        n = len(block)
        score = [0.0] * (n + 1)
        end = list(range(n + 1))
        for k in range(n - 1, -1, -1):
            best: float | None = None
            i, f = k, get(block[k])
            while f is not None:  # the dictionary holds every prefix of its words (frequency 0 if no word)
                if f:
                    s = log(f) - logtotal + score[i + 1]
                    if best is None or s >= best:
                        best, end[k] = s, i
                i += 1
                if i == n:
                    break
                f = get(block[k : i + 1])
            score[k] = 0.0 - logtotal + score[k + 1] if best is None else best
        x, run = 0, ""
        while x < n:
            y = end[x] + 1
            if y - x == 1 and block[x] in _ASCII_ALNUM:
                run += block[x]
            else:
                if run:
                    out.append(run)
                    run = ""
                out.append(block[x:y])
            x = y
        if run:
            out.append(run)
    return out


@lru_cache(maxsize=4096)
def heading_words(title: str) -> tuple[str, ...]:
    """Words of a heading without its enumerator (cached: every unit of a section asks)."""
    return tuple(words(re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]?", "", title)))


def _counts(text: str, tokens: list[str]) -> dict[str, int]:
    """Counts of character 1-2-grams (first 200 characters) and words.

    Character trigrams and word bigrams were dropped: cross-validated macro-F1 was no lower
    without them, and they were a third of the features.
    """
    head = text[:200]
    # one count in C over characters, bigrams and ``w:`` words (names of 1, 2 and 3+ characters: disjoint)
    return Counter(itertools.chain(head, map(operator.add, head, head[1:]), map("w:".__add__, tokens)))


@lru_cache(maxsize=32)
def _cue_names(text: str, year: int | None) -> tuple[str, ...]:
    """Cue names found in a text (a few cached: a unit is read as itself and as both neighbours' context)."""
    names = [f"cue:{name}" for name, pattern in _TENSE.items() if pattern.search(text)]
    if year and (f"{year + 1}年" in text):
        names.append("cue:next_year")
    if year and (f"{year}年" in text):
        names.append("cue:this_year")
    return tuple(names)


def _cues(text: str, prefix: str, out: dict[str, float], year: int | None) -> None:
    for name in _cue_names(text, year):
        out[prefix + name] = 1.0


@dataclass(frozen=True, slots=True)
class UnitFeatures:
    """A unit's features: lexical counts, which enter the model divided by their L2 norm (so that
    a long sentence does not drown the few context features that often decide), and the context
    features (headings, position, neighbours, cues) as they are."""

    counts: dict[str, int]
    norm: float
    context: dict[str, float]

    def as_dict(self) -> dict[str, float]:
        out = {k: v / self.norm for k, v in self.counts.items()}
        out.update(self.context)
        return out


def unit_features(u: UnitContext) -> UnitFeatures:
    """Features of one unit: its words and characters, its headings, position and neighbours.

    A character 1-2-gram is named by itself (no prefix string to build for the commonest
    features); every other name has a family prefix (``w:``, ``h:``, ``pos:`` …) and so is
    at least three characters long: the names never collide.
    """
    text = _DIGITS.sub("0", u.text)
    counts = _counts(text, words(text[:WORD_WINDOW]))
    values = list(counts.values())
    norm = math.sqrt(sum(map(operator.mul, values, values))) or 1.0
    f: dict[str, float] = {f"first:{text[:2]}": 1.0}
    _cues(u.text, "", f, u.year)
    f.update(_heading_features(u.heading_path, u.year))
    f[f"pos:{min(9, int(u.position * 10))}"] = 1.0
    _cues(u.previous, "prev", f, u.year)
    _cues(u.next, "next", f, u.year)
    f["len"] = min(len(u.text), 200) / 200
    return UnitFeatures(counts, norm, f)


def featurize(u: UnitContext) -> dict[str, float]:
    """All features of one unit by name, lexical ones scaled (what the model's weights multiply)."""
    return unit_features(u).as_dict()


@lru_cache(maxsize=64)
def _heading_features(path: tuple[str, ...], year: int | None) -> dict[str, float]:
    """Features of the heading path (cached: every unit of a section shares them; callers copy, never mutate)."""
    f = {f"section:{label}": 1.0 for label, _ in heading_cues(path, year)}
    inner = path[-2:]
    for depth, title in enumerate(inner):
        weight = 1.0 if depth == len(inner) - 1 else 0.5
        for w in heading_words(title):
            f[f"h:{w}"] = max(f.get(f"h:{w}", 0.0), weight)
        _cues(title, "h", f, year)
    if not path:
        f["h:none"] = 1.0
    return f
