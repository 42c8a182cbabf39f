"""Features of a sentence unit for the trained labeller.

Character n-grams of the simplified text; jieba words and word bigrams (with a domain
user dictionary so 政务公开, 依申请公开 … stay whole); the heading path; position in the
report; tense cues (将, 要, 下一步, next year's date); and cue words of the neighbours.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from functools import lru_cache
from importlib import resources

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


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer per process, with the shipped domain dictionary (its start-up chatter silenced)."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    userdict = resources.files("nlp_extract").joinpath("data/userdict.txt")
    with resources.as_file(userdict) as path:
        tok.load_userdict(str(path))
    return tok


def words(text: str) -> list[str]:
    return [w for w in tokenizer().lcut(text, HMM=False) if w.strip()]


@lru_cache(maxsize=4096)
def heading_words(title: str) -> tuple[str, ...]:
    """Words of a heading without its enumerator (cached: every unit of a section asks)."""
    return tuple(words(re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]?", "", title)))


def _char_ngrams(text: str, prefix: str, n_max: int, out: dict[str, float]) -> None:
    for n in range(1, n_max + 1):
        for i in range(len(text) - n + 1):
            key = f"{prefix}{text[i : i + n]}"
            out[key] = out.get(key, 0.0) + 1.0


def _cues(text: str, prefix: str, out: dict[str, float], year: int | None) -> None:
    for name, pattern in _TENSE.items():
        if pattern.search(text):
            out[f"{prefix}cue:{name}"] = 1.0
    if year and (f"{year + 1}年" in text):
        out[f"{prefix}cue:next_year"] = 1.0
    if year and (f"{year}年" in text):
        out[f"{prefix}cue:this_year"] = 1.0


def featurize(u: UnitContext) -> dict[str, float]:
    """Sparse features of one unit.

    The sentence's own n-grams are scaled to unit length, so that a long sentence does not
    drown the few context features (heading cues, position, neighbours) that often decide.
    """
    lexical: dict[str, float] = {}
    text = re.sub(r"\d+", "0", u.text)
    _char_ngrams(text[:200], "c:", 3, lexical)
    tokens = words(text)
    for w in tokens:
        lexical[f"w:{w}"] = lexical.get(f"w:{w}", 0.0) + 1.0
    for a, b in itertools.pairwise(tokens):
        lexical[f"b:{a}_{b}"] = 1.0
    norm = math.sqrt(sum(v * v for v in lexical.values())) or 1.0
    f = {k: v / norm for k, v in lexical.items()}
    f[f"first:{text[:2]}"] = 1.0
    for label, _ in heading_cues(u.heading_path, u.year):
        f[f"section:{label}"] = 1.0
    _cues(u.text, "", f, u.year)
    for depth, title in enumerate(u.heading_path[-2:]):
        weight = 1.0 if depth == len(u.heading_path[-2:]) - 1 else 0.5
        for w in heading_words(title):
            f[f"h:{w}"] = max(f.get(f"h:{w}", 0.0), weight)
        _cues(title, "h", f, u.year)
    if not u.heading_path:
        f["h:none"] = 1.0
    f[f"pos:{min(9, int(u.position * 10))}"] = 1.0
    _cues(u.previous, "prev", f, u.year)
    _cues(u.next, "next", f, u.year)
    f["len"] = min(len(u.text), 200) / 200
    return f
