"""The labeller's own word cutter gives jieba's words, on real report text and on awkward input."""

from __future__ import annotations

import json
from pathlib import Path

import jieba
import pytest

from nlp_extract.features import WORD_WINDOW, _initialize, tokenizer, words

ROOT = Path(__file__).resolve().parent.parent


def _jieba(text: str) -> list[str]:
    return [w for w in tokenizer().lcut(text, HMM=False) if w.strip()]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    for path in sorted((ROOT / "annotations").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f]
    return texts


def test_words_are_jiebas_on_every_line_and_opening_of_the_real_reports() -> None:
    lines = [line for text in _texts() for line in text.splitlines() if line.strip()]
    assert len(lines) > 1000
    for line in lines:
        assert words(line) == _jieba(line), line
        assert words(line[:WORD_WINDOW]) == _jieba(line[:WORD_WINDOW]), line


def test_words_are_jiebas_on_mixed_scripts_digits_and_whitespace() -> None:
    cases = [
        "",
        " \t\r\n",
        "2023年收到政府信息公开申请123件，办结率98.5%。",
        "依申请公开 ABC-12 x y z  Web网站 e-mail:gov@example.cn\r\n第二行",
        "〇一二三　全角空格　ＡＢＣ１２３（一）政务公开",
        "𠀀𠀁 CJK扩展字与\u9fd6\u9fff界外字",
        "a1b2c3 中文a中文1中文 #&._%-+ 混合",
    ]
    for text in cases:
        assert words(text) == _jieba(text), text


def test_prefix_dictionary_read_from_jiebas_cache_is_jiebas(tmp_path: Path) -> None:
    """The start-up shortcut reads the very dictionary ``initialize`` gives; a cache that does not
    read (cut, garbage) falls back to jieba building it."""
    ours, theirs = jieba.Tokenizer(), jieba.Tokenizer()
    _initialize(ours)
    theirs.initialize()
    assert ours.initialized and ours.FREQ == theirs.FREQ and ours.total == theirs.total
    (tmp_path / "jieba.cache").write_bytes(b"not marshal data")
    broken = jieba.Tokenizer()
    broken.tmp_dir = str(tmp_path)
    _initialize(broken)
    assert broken.initialized and broken.total == theirs.total and len(broken.FREQ) == len(theirs.FREQ)


@pytest.mark.parametrize("text", ["下一步，我局将进一步加强政务公开工作。", "2023年共收到申请12件"])
def test_words_after_the_shortcut_are_lcuts(text: str) -> None:
    tok = jieba.Tokenizer()
    tok.initialize()
    tok.load_userdict(str(Path(__file__).resolve().parent.parent / "nlp_extract" / "data" / "userdict.txt"))
    assert words(text) == [w for w in tok.lcut(text, HMM=False) if w.strip()]
