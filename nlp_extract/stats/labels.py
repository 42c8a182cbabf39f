"""Label matching that tolerates how reports paraphrase the official row labels.

Reports write 资讯 for 信息, drop 数, reorder words, space characters out (``统 计 指 标``),
wrap long labels and prefix enumerators (``（一）`` ``1.`` ``其中：``).  Labels are reduced
to a canonical form and compared by character-bigram overlap, which is insensitive to
word order and to small omissions, yet tells ``涉及国家秘密`` from ``涉及商业秘密``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Regional or older wordings -> the official word (applied to both sides of a comparison).
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("资讯", "信息"),
    ("讯息", "信息"),
    ("网路", "网络"),
    ("网上", "网络"),
    ("微网志", "微博"),
    ("线上访谈", "在线访谈"),
    ("发佈", "发布"),
    ("数量", "数"),
)
_ENUM = re.compile(
    r"^(?:第[一二三四五六七八九十]+[部分章节项]+|[一二三四五六七八九十]+[、，,．.]|（[一二三四五六七八九十\d]+）|"
    r"\d{1,2}\s*[、.．，,)）]|[①-⑳]|其中[：:]?|其他[：:])+"
)
_PAREN = re.compile(r"（[^（）]{0,40}）|\([^()]{0,40}\)|(?<=.)（[^（）]*$|^[^（）]*）(?=.)")
_PUNCT = re.compile(r"[\s\u3000“”\"'‘’《》〈〉、，,。.：:；;！!？?·\-—_/|（）()【】\[\]]+")
_TRAILING_COUNT = re.compile(r"(?:总次数|次数|总数|数)$")
_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def canonical(label: str) -> str:
    """The comparable core of a label: no spaces, enumerators, asides in brackets, punctuation or final 数."""
    s = _WHITESPACE.sub("", label)
    s = _ENUM.sub("", s)
    core = _PAREN.sub("", s)
    s = core if len(_PUNCT.sub("", core)) >= 2 else s  # keep a label that is only a bracket
    for old, new in SYNONYMS:
        s = s.replace(old, new)
    s = _PUNCT.sub("", s)
    return _TRAILING_COUNT.sub("", s) or s


@lru_cache(maxsize=8192)
def _profile(s: str) -> tuple[dict[str, int], dict[str, int]]:
    """Character-bigram and character counts of a canonical label."""
    padded = f"^{s}$"
    return dict(Counter(padded[i : i + 2] for i in range(len(padded) - 1))), dict(Counter(s))


def _overlap(a: dict[str, int], b: dict[str, int]) -> int:
    """Size of the multiset intersection (what ``Counter.__and__`` computes, without building it)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(min(v, b.get(k, 0)) for k, v in a.items())


@lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """How alike two labels are, 0..1 (1.0: the same label).

    Dice coefficient of character bigrams of the canonical forms, raised towards the
    order-free character overlap so that reordered words (``办结按时`` / ``按时办结``) still
    match; bigrams alone keep near-twins apart (``涉及国家秘密`` / ``涉及商业秘密``).
    """
    ca, cb = canonical(a), canonical(b)
    if not ca or not cb:
        return 0.0
    if ca == cb:
        return 1.0
    (ga, ua), (gb, ub) = _profile(ca), _profile(cb)
    bigram = 2 * _overlap(ga, gb) / (len(ca) + len(cb) + 2)
    unigram = 2 * _overlap(ua, ub) / (len(ca) + len(cb))
    return max(bigram, (bigram + unigram) / 2)


@dataclass(frozen=True)
class LabelIndex:
    """The template labels as count matrices, to score one text against all of them at once."""

    canonical: tuple[str, ...]
    lengths: np.ndarray
    bigram_ids: dict[str, int]
    bigrams: np.ndarray  # labels x bigram vocabulary
    char_ids: dict[str, int]
    chars: np.ndarray  # labels x character vocabulary
    rows_of: dict[str, list[int]]  # canonical label -> its rows (an exact match scores 1.0)
    empty: np.ndarray  # rows of labels with no canonical form (they score 0.0)


@lru_cache(maxsize=256)
def label_index(labels: tuple[str, ...]) -> LabelIndex:
    canon = tuple(canonical(lab) for lab in labels)
    profiles = [_profile(c) for c in canon]
    bigram_ids = {g: i for i, g in enumerate(sorted({g for p in profiles for g in p[0]}))}
    char_ids = {c: i for i, c in enumerate(sorted({c for p in profiles for c in p[1]}))}
    bigrams = np.zeros((len(canon), len(bigram_ids)), dtype=np.int32)
    chars = np.zeros((len(canon), len(char_ids)), dtype=np.int32)
    for row, (g, u) in enumerate(profiles):
        for k, v in g.items():
            bigrams[row, bigram_ids[k]] = v
        for k, v in u.items():
            chars[row, char_ids[k]] = v
    lengths = np.array([len(c) for c in canon], dtype=np.float64)
    rows_of: dict[str, list[int]] = {}
    for row, c in enumerate(canon):
        rows_of.setdefault(c, []).append(row)
    empty = np.flatnonzero(lengths == 0)
    return LabelIndex(canon, lengths, bigram_ids, bigrams, char_ids, chars, rows_of, empty)


def _shared(canon: Sequence[str], ids: dict[str, int], matrix: np.ndarray, which: int) -> np.ndarray:
    """Texts x labels: size of the multiset intersection of each text's bigrams (``which=0``) or characters (1)
    with each label's, over the sparse entries only (a text has a handful of keys, the vocabulary hundreds)."""
    cols: list[int] = []
    counts: list[int] = []
    owner: list[int] = []
    for row, c in enumerate(canon):
        for k, v in _profile(c)[which].items() if c else ():
            if (j := ids.get(k)) is not None:
                cols.append(j)
                counts.append(v)
                owner.append(row)
    out = np.zeros((len(canon), matrix.shape[0]))
    if cols:
        shared = np.minimum(matrix[:, cols], counts)  # labels x entries
        rows = np.array(owner)
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] = np.add.reduceat(shared, starts, axis=1).T
    return out


_CHUNK = 1024  # texts scored at once: bounds the labels x entries temporary


def similarity_matrix(texts: Sequence[str], index: LabelIndex) -> np.ndarray:
    """``similarity(text, label)`` for every text and label of the index (texts x labels), vectorised."""
    out = np.zeros((len(texts), len(index.canonical)))
    for lo in range(0, len(texts), _CHUNK):
        canon = [canonical(t) for t in texts[lo : lo + _CHUNK]]
        size = np.array([len(c) for c in canon], dtype=np.float64)[:, None]
        bigram = 2 * _shared(canon, index.bigram_ids, index.bigrams, 0) / (size + index.lengths + 2)
        total = size + index.lengths
        chars = 2 * _shared(canon, index.char_ids, index.chars, 1)
        unigram = np.divide(chars, total, out=np.zeros_like(bigram), where=total > 0)
        sims = np.maximum(bigram, (bigram + unigram) / 2)
        for row, c in enumerate(canon):
            if not c:
                sims[row] = 0.0
            else:
                sims[row, index.rows_of.get(c, [])] = 1.0
        sims[:, index.empty] = 0.0
        out[lo : lo + len(canon)] = sims
    return out


def similarities(text: str, index: LabelIndex) -> np.ndarray:
    """``similarity(text, label)`` for every label of the index."""
    return similarity_matrix([text], index)[0]


def window_similarities(rows: Sequence[Sequence[str]], labels: Sequence[str], width: int = 3) -> np.ndarray:
    """Rows x labels: each label's best similarity to any run of up to ``width`` consecutive cells of the row.

    A row's label may be wrapped over several cells, or carry a group label beside it
    (``三、本年度办理结果 | （一）予以公开``): the best window finds the part that names it.
    """
    windows: list[str] = []
    bounds: list[tuple[int, int]] = []
    for cells in rows:
        first = len(windows)
        windows += [
            "".join(cells[i:j]) for i in range(len(cells)) for j in range(i + 1, min(len(cells), i + width) + 1)
        ]
        bounds.append((first, len(windows)))
    sims = similarity_matrix(windows, label_index(tuple(labels)))
    best = np.zeros((len(rows), len(labels)))
    for r, (a, b) in enumerate(bounds):
        if b > a:
            best[r] = sims[a:b].max(axis=0)
    return best


def squeeze(text: str) -> str:
    """Text without any whitespace: ``统 计 指 标`` -> ``统计指标``."""
    return _WHITESPACE.sub("", text)
