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
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def canonical(label: str) -> str:
    """The comparable core of a label: no spaces, enumerators, asides in brackets, punctuation or final 数."""
    s = re.sub(r"\s+", "", label)
    s = _ENUM.sub("", s)
    core = _PAREN.sub("", s)
    s = core if len(_PUNCT.sub("", core)) >= 2 else s  # keep a label that is only a bracket
    for old, new in SYNONYMS:
        s = s.replace(old, new)
    s = _PUNCT.sub("", s)
    return _TRAILING_COUNT.sub("", s) or s


@lru_cache(maxsize=8192)
def _bigrams(s: str) -> Counter[str]:
    padded = f"^{s}$"
    return Counter(padded[i : i + 2] for i in range(len(padded) - 1))


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
    ga, gb = _bigrams(ca), _bigrams(cb)
    bigram = 2 * sum((ga & gb).values()) / (sum(ga.values()) + sum(gb.values()))
    ua, ub = Counter(ca), Counter(cb)
    unigram = 2 * sum((ua & ub).values()) / (len(ca) + len(cb))
    return max(bigram, (bigram + unigram) / 2)


def best_window_similarity(cells: Sequence[str], label: str, width: int = 3) -> float:
    """Best similarity of ``label`` to any run of up to ``width`` consecutive cells.

    A row's label may be wrapped over several cells, or carry a group label beside it
    (``三、本年度办理结果 | （一）予以公开``): the best window finds the part that names it.
    """
    best = 0.0
    for i in range(len(cells)):
        for j in range(i + 1, min(len(cells), i + width) + 1):
            best = max(best, similarity("".join(cells[i:j]), label))
    return best


def squeeze(text: str) -> str:
    """Text without any whitespace: ``统 计 指 标`` -> ``统计指标``."""
    return re.sub(r"\s+", "", text)
