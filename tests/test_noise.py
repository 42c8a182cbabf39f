"""Noisy scripts (issue 14): lossy saves, pinyin garble, Kangxi radicals and compatibility ideographs.

The same report saved in another encoding, or written with the lookalike characters PDF text
layers carry, is the same report: it gets the same spans and statistics, at the same offsets.
Real text: sample 003 carries real pinyin garble (``區(qū)``, 401 of them); its syllables are
pasted after the characters of the traditional sample 000 to make a second garbled report.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from nlp_extract import Extractor
from nlp_extract.normalise import normalise
from nlp_extract.pipeline import Result
from nlp_extract.sentences import split_line

from .conftest import EXAMPLES

TRADITIONAL, SIMPLIFIED, GARBLED = EXAMPLES[0], EXAMPLES[1], EXAMPLES[3]
ENCODINGS = ("utf-8", "gb18030", "big5", "utf-16")
SYLLABLE = re.compile(r"(?<=(.))\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})\)")
RADICAL_BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _garbled_traditional() -> str:
    """Sample 000 with sample 003's own syllables pasted after every character 003 annotates."""
    pinyin = {m.group(1): m.group(2) for m in SYLLABLE.finditer(GARBLED.read_text(encoding="utf-8"))}
    clean = TRADITIONAL.read_text(encoding="utf-8")
    return "".join(f"{c}({pinyin[c]})" if c in pinyin else c for c in clean)


def _labelled(result: Result) -> list[tuple[str, int, int]]:
    return [(s.label, s.start, s.end) for s in result.spans]


def _figures(result: Result) -> list[tuple[str, float, int, int]]:
    return sorted((s.key, s.value, s.start, s.end) for s in result.stats)


@pytest.mark.parametrize(
    "make", [lambda: GARBLED.read_text(encoding="utf-8"), _garbled_traditional], ids=["003", "000"]
)
def test_saves_of_one_garbled_report_in_four_encodings_agree(extractor: Extractor, make) -> None:
    """UTF-8, GB18030, Big5 and UTF-16 saves: same spans, labels and figures at the same offsets.

    Big5 holds neither the tone vowels (``(dòng)`` is saved as ``(d?ng)``) nor a few characters
    of the report (``産`` ``説`` become ``?``): the raw texts differ exactly there, nowhere else.
    """
    raw = make()
    assert len(SYLLABLE.findall(raw)) > 300
    results = {enc: extractor.extract_bytes(raw.encode(enc, errors="replace")) for enc in ENCODINGS}
    assert results["big5"].source.encoding.startswith("big5")
    lossy = raw.encode("big5", errors="replace").decode("big5")
    assert "(d?ng)" in lossy or "(q?)" in lossy
    assert len(lossy) == len(raw) and results["big5"].source.text == lossy
    base = results["utf-8"]
    assert len(base.spans) > 30 and base.stats
    for enc, result in results.items():
        assert _labelled(result) == _labelled(base), enc
        if result.source.text == base.source.text:
            assert _figures(result) == _figures(base), enc
        else:  # a character Big5 lost (``生産`` -> ``生?``) can hide a figure's keyword, and add none
            assert set(_figures(result)) <= set(_figures(base)) and len(result.stats) > 0.9 * len(base.stats)
        assert all(result.source.text[s.start : s.end] == s.text for s in result.spans)


def test_garble_is_removed_as_if_it_were_never_there(extractor: Extractor) -> None:
    """Sample 000 with pasted syllables gives the spans of the clean sample; they still cover the raw garble."""
    garbled = extractor.extract_text(_garbled_traditional())
    clean = extractor.extract_text(TRADITIONAL.read_text(encoding="utf-8"))
    assert [(s.label, SYLLABLE.sub("", s.text)) for s in garbled.spans] == [(s.label, s.text) for s in clean.spans]
    assert sum(bool(SYLLABLE.search(s.text)) for s in garbled.spans) > 20


def _lookalikes() -> dict[str, str]:
    """Ideograph -> a Kangxi radical or compatibility ideograph NFKC maps onto it (radicals first)."""
    forms: dict[str, str] = {}
    for lo, hi in RADICAL_BLOCKS:
        for cp in range(lo, hi + 1):
            form = chr(cp)
            target = unicodedata.normalize("NFKC", form)
            if target != form and len(target) == 1:
                forms.setdefault(target, form)
    return forms


@pytest.mark.parametrize("path", [TRADITIONAL, SIMPLIFIED], ids=["000", "001"])
def test_report_in_radicals_and_compatibility_forms_reads_as_its_clean_twin(extractor: Extractor, path) -> None:
    clean = path.read_text(encoding="utf-8")
    forms = _lookalikes()
    twin = "".join(forms.get(c, c) for c in clean)
    replaced = sum(a != b for a, b in zip(clean, twin, strict=True))
    assert replaced > 300 and any("\u2f00" <= c <= "\u2fdf" for c in twin)
    assert normalise(twin).text == normalise(clean).text  # features and rules see the ordinary characters
    a, b = extractor.extract_text(clean), extractor.extract_text(twin)
    assert len(a.spans) >= 20
    assert _labelled(b) == _labelled(a) and _figures(b) == _figures(a)
    assert all(twin[s.start : s.end] == s.text for s in b.spans)  # offsets index the raw radicals


def test_kangxi_radicals_map_one_to_one_onto_raw_offsets() -> None:
    raw = "⼯作⼈员⼒量不⾜，⾺上整改"
    n = normalise(raw)
    assert n.text == "工作人员力量不足，马上整改"
    i = n.text.index("人员力量")
    assert raw[slice(*n.to_raw(i, i + 4))] == "⼈员⼒量"
    # every form in the four blocks keeps its one position (NFKC never splits or joins them here)
    for lo, hi in RADICAL_BLOCKS:
        block = "".join(chr(c) for c in range(lo, hi + 1) if unicodedata.category(chr(c)) != "Cn")
        m = normalise(block)
        assert len(m.text) == len(block) and tuple(m.offsets.starts) == tuple(range(len(block)))


def test_lossy_pinyin_is_removed_like_the_toned_one() -> None:
    for garble in ("(dòng)", "(d?ng)", "（d?ng）", "(q?)", "(l?)"):
        raw = f"主動{garble}公開政府信息"
        n = normalise(raw)
        assert n.text == "主动公开政府信息", garble
        assert raw[slice(*n.to_raw(0, 3))] == f"主動{garble}公"
    assert normalise("下载附件(pdf)").text == "下载附件（pdf）"  # bracketed latin without a tone mark stays
    assert normalise("附件Excel(xls?)").text == "附件Excel（xls?）"  # not after an ideograph: not pinyin


@pytest.mark.parametrize(
    ("line", "units"),
    [
        ("共有?權房棄選率下降。下一句", ["共有?權房棄選率下降。", "下一句"]),  # a lost character in a word
        ("共有??權房。", ["共有??權房。"]),
        ("總結經驗,?力解決問題。", ["總結經驗,?力解決問題。"]),  # lost right after a comma
        ("更新取號系統。?力推進登記", ["更新取號系統。", "?力推進登記"]),  # lost at a sentence start
        ("是否公開? 本機關答覆", ["是否公開?", "本機關答覆"]),  # a question mark before a blank is one
        ("他问“能否公开?”本机关答复", ["他问“能否公开?”", "本机关答复"]),
        ("10:00????來源", ["10:00????", "來源"]),  # after a digit: one boundary, never cut inside the run
    ],
)
def test_question_mark_for_a_lost_character_never_ends_a_sentence(line: str, units: list[str]) -> None:
    assert [u.text for u in split_line(line)] == units
