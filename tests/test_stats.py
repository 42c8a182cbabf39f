"""Statistics: number parsing, tables in every layout, prose figures, checks, evaluation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_extract.annotations import Gold
from nlp_extract.normalise import normalise
from nlp_extract.stats import Figure, StatsResult, extract_all, extract_statistics
from nlp_extract.stats.evaluate import score_statistics
from nlp_extract.stats.keys import APPLICANTS, PRE2019_ROWS, TABLE3_ROWS, TABLE4_KEYS, all_keys
from nlp_extract.stats.labels import similarity
from nlp_extract.stats.numbers import parse_cell, parse_chinese, parse_number, to_chinese
from nlp_extract.stats.prose import mentions, pick

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

# Every value of the 统计表 of seeds 001 and 004, in the form's row order (verified by reading the tables).
SEED_TABLES = {
    "001_b2486e1d6f11ea96.txt": "31 5 5 2 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 188 0 0 0 0 0 0 0 0 0 3 0 0 0 3 3 3 0 3 0 2 0 "
    "0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 1 0 0 0 0",
    "004_7c2d47552574f996.txt": "322 7 0 54 38 1 5 3 0 0 0 0 0 1 3 3 0 238 0 93 0 6 0 0 0 0 82 0 0 3 3 0 0 0 3 3 0 "
    "3 0 1 1 1 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 9 1 0 1 0 3 0 210",
}


def run(raw: str) -> tuple[StatsResult, Any]:
    norm = normalise(raw)
    return extract_statistics(norm.text), norm


def raw_span(norm: Any, f: Figure) -> str:
    a, b = norm.to_raw(f.start, f.end)
    return str(norm.raw[a:b])


def by_key(result: StatsResult, source: str | None = None) -> dict[str, Figure]:
    return {f.key: f for f in result.figures if source is None or f.source == source}


# --- numbers ------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_chinese(to_chinese(n)) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("十二", 12),
        ("两千零五", 2005),
        ("一百零八", 108),
        ("一万二千", 12000),
        ("〇", 0),
        ("千", 1000),
        ("1.1万", 11000),
        ("3,119", 3119),
    ],
)
def test_numerals(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["二〇一八", "二三", "一是", "百百", ""])
def test_not_numerals(text: str) -> None:
    assert parse_number(text) is None


@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=0, max_value=9), st.sampled_from(["万", "亿"]))
def test_wan_yi_multiply(whole: int, tenth: int, big: str) -> None:
    scale = 10_000 if big == "万" else 100_000_000
    assert parse_number(f"{whole}.{tenth}{big}") == whole * scale + tenth * scale // 10


@given(
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from(["余", "多"]),
    st.sampled_from(["条", "件", "人次", "篇"]),
)
def test_approx_after_number(n: int, marker: str, unit: str) -> None:
    text = f"全年主动公开{n}{marker}{unit}。"
    [m] = list(mentions(text))
    assert (m.value, m.approx, m.unit) == (n, True, unit)
    assert text[m.start : m.end] == str(n)


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["约", "近", "超过"]))
def test_approx_before_number(n: int, marker: str) -> None:
    [m] = list(mentions(f"共受理申请{marker}{n}件"))
    assert m.approx and m.value == n


@given(st.sampled_from(["", " ", "/", "／", "—", "——", "-", "无", "\u3000"]))
def test_not_reported_cells_have_no_value(cell: str) -> None:
    assert parse_cell(cell) is None


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "件", "条", " 万元", "人次"]))
def test_cells_with_units(n: int, unit: str) -> None:
    assert parse_cell(f" {n}{unit} ") == n


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="主动公开政府信息申请件条次万余多约三十百0123456789.,，。、|\n\t /—（）", max_size=200))
def test_any_text_gives_grounded_figures(text: str) -> None:
    result = extract_statistics(text)
    for f in result.figures:
        assert 0 <= f.start < f.end <= len(text)
        assert re.fullmatch(r"[\d,.]+\s*[万亿]?|[零〇两一二三四五六七八九十百千万亿]+", text[f.start : f.end])
    assert len({f.key for f in result.figures}) == len(result.figures)


# --- keys ---------------------------------------------------------------------------------


def test_pre2019_keys_follow_indicators_md() -> None:
    doc = (ROOT / "docs" / "INDICATORS.md").read_text(encoding="utf-8")
    section_a = doc.split("## B.")[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| ([^|]+?)(?: \((?:[^()]+)\))? \|$", section_a, re.M)
    assert [k for k, _ in rows] == [r.key for r in PRE2019_ROWS]
    for (_, label), row in zip(rows, PRE2019_ROWS, strict=True):
        assert similarity(label, row.label) == 1.0, (label, row.label)


def test_new_template_keys_named_in_indicators_md() -> None:
    doc = (ROOT / "docs" / "INDICATORS.md").read_text(encoding="utf-8")
    for rows in TABLE3_ROWS.values():
        for r in rows:
            assert f"`{r.key.split('.')[0]}" in doc
    assert all(f"`{a}`" in doc for a, _ in APPLICANTS)
    assert len(TABLE4_KEYS) == 15
    assert {"requests.new.total", "review.pending", "litigation.after_review.total"} <= all_keys()


# --- the seeds' 统计表 -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED_TABLES))
def test_seed_tables_all_71_values(name: str) -> None:
    result, norm = run((EXAMPLES / name).read_text(encoding="utf-8"))
    table = by_key(result, "table")
    expected = [int(v) for v in SEED_TABLES[name].split()]
    assert [table[r.key].value for r in PRE2019_ROWS] == expected
    assert result.template == "pre2019"
    for f in table.values():
        assert raw_span(norm, f) == str(f.value)


@pytest.mark.parametrize("name", sorted(SEED_TABLES))
def test_seed_tables_match_gold_offsets(name: str, seed_gold: dict[str, Gold]) -> None:
    gold = seed_gold.get(name)
    if gold is None or not any(s.get("source") == "table" for s in gold.stats):
        pytest.skip("no gold table annotations")
    result, norm = run(gold.text)
    got = {(f.key, f.value, *norm.to_raw(f.start, f.end)) for f in result.figures if f.source == "table"}
    want = {(s["key"], s["value"], s["start"], s["end"]) for s in gold.stats if s["source"] == "table"}
    assert got == want


# --- prose ----------------------------------------------------------------------------------------

SEED_000_PROSE = {
    "proactive.total": 41729,
    "proactive.key_areas.total": 7084,
    "proactive.key_areas.food_safety": 588,
    "proactive.channels.weibo": 5321,  # 微網誌 -> 微博
    "response.press_conferences.by_heads": 1,
    "response.interpretations": 112,
    "requests.received": 414,
    "requests.received.in_person": 98,
    "requests.received.online": 84,  # 網路
    "requests.answered": 418,
    "requests.answered.refused.not_gov_info": 11,
    "review.total": 13,
    "review.upheld": 10,
    "litigation.total": 14,
    "litigation.upheld": 5,
    "capacity.budget": 40,
    "training.attendees": 3165,
}


def test_prose_seed_000() -> None:
    result, norm = run((EXAMPLES / "000_740063c653017d1b.txt").read_text(encoding="utf-8"))
    figures = by_key(result, "text")
    assert {k: figures[k].value for k in SEED_000_PROSE} == SEED_000_PROSE
    assert raw_span(norm, figures["proactive.total"]) == "41729"
    assert "requests.received.fax" not in figures  # not given in the text: never guessed
    assert all(not f.approx for f in figures.values())


def test_prose_seed_002_traditional_and_approx() -> None:
    result, norm = run((EXAMPLES / "002_4939b4cfb099ba1c.txt").read_text(encoding="utf-8"))
    figures = by_key(result, "text")
    attendees = figures["training.attendees"]
    assert (attendees.value, attendees.approx, raw_span(norm, attendees)) == (80, True, "80")
    assert figures["review.upheld"].value == 5  # 其中5件維持: the result follows the number
    assert figures["litigation.other"].value == 1
    assert figures["requests.answered.refused.state_secret"].value == 0  # 0件 written as a digit counts
    assert "response.interpretations" not in figures  # 圖片解讀8篇 is a subset, not the figure
    assert "meetings.total" not in figures and "training.sessions" not in figures  # 會議和培訓10餘次: ambiguous


def test_prose_cumulative_only_without_yearly_figure() -> None:
    result, norm = run((EXAMPLES / "003_5e3e2af98a4f9789.txt").read_text(encoding="utf-8"))
    total = by_key(result)["proactive.total"]
    assert (total.value, total.approx, raw_span(norm, total)) == (8000, True, "8000")
    result, _ = run("2018年共主动公开政府信息56条（累计达到446条）。")
    assert by_key(result)["proactive.total"].value == 56


@pytest.mark.parametrize(
    "name",
    ["000_740063c653017d1b.txt", "002_4939b4cfb099ba1c.txt"],
)
def test_prose_matches_gold(name: str, seed_gold: dict[str, Gold]) -> None:
    gold = seed_gold.get(name)
    if gold is None:
        pytest.skip("no gold annotations")
    found = extract_all(normalise(gold.text).text)
    got = {(f.key, f.value) for f in pick(found.prose)}
    assert got == {(s["key"], s["value"]) for s in gold.stats if s["source"] == "text"}


@pytest.mark.parametrize(
    ("sentence", "key", "value", "approx"),
    [
        ("全年共受理申请三件。", "requests.received", 3, False),
        ("发布政策解读1.1万余篇。", "response.interpretations", 11000, True),
        ("全区主动公开政府信息1.53万条。", "proactive.total", 15300, False),
        ("从事政府信息公开工作人员近千名。", "capacity.staff", 1000, True),
        ("政府信息公开专项经费3500元。", "capacity.budget", 0.35, False),
    ],
)
def test_prose_numbers_in_sentences(sentence: str, key: str, value: float, approx: bool) -> None:
    fig = by_key(extract_statistics(sentence))[key]
    assert (fig.value, fig.approx) == (value, approx)


@pytest.mark.parametrize(
    "sentence",
    [
        "当面申请占总数的23.67%。",  # a share is not a statistic
        "本年度未收到政府信息公开申请。",  # zero in words
        "发放宣传折页4000余份，组织33场垃圾分类宣传、培训活动。",  # no indicator named
        "涉及食品安全、环境状况、保障性安居工程等相关信息9条。",  # two key areas: no single key
        "2019年1月1日至2019年12月31日。",
    ],
)
def test_prose_non_statistics(sentence: str) -> None:
    assert extract_statistics(sentence).figures == []


# --- checks --------------------------------------------------------------------------------------


def test_seed_001_table_versus_text() -> None:
    result, norm = run((EXAMPLES / "001_b2486e1d6f11ea96.txt").read_text(encoding="utf-8"))
    assert by_key(result)["proactive.total"].source == "table"  # the table wins
    [check] = [c for c in result.checks if c.rule == "table_vs_text"]
    assert check.keys == ["proactive.total"] and check.severity == "warning"
    assert "31" in check.message and "56" in check.message
    assert [norm.raw[slice(*norm.to_raw(a, b))] for a, b in check.offsets] == ["31", "56"]


def test_sum_checks_name_keys_values_and_offsets() -> None:
    text = "政府信息公开情况统计表\n" + "\n".join(
        f"{label} | 件 | {value} |"
        for label, value in [
            ("（一）收到申请数", 9),
            ("1.当面申请数", 2),
            ("2.传真申请数", 0),
            ("3.网络申请数", 3),
            ("4.信函申请数", 1),
        ]
    )
    result = extract_statistics(text)
    [check] = [c for c in result.checks if c.rule == "sum.requests.received"]
    assert check.keys[0] == "requests.received" and len(check.offsets) == 5
    assert "9" in check.message and "6" in check.message
    assert [text[a:b] for a, b in check.offsets] == ["9", "2", "0", "3", "1"]


def test_seed_004_checks() -> None:
    result, _ = run((EXAMPLES / "004_7c2d47552574f996.txt").read_text(encoding="utf-8"))
    rules = {c.rule for c in result.checks}
    assert "table_vs_text" in rules  # the text's 2期 培训 against the table's 0
    assert not any(r.startswith("sum.") for r in rules)  # the table itself adds up


# --- tables in every layout (synthetic, from the official labels) -----------------------------------

_S2T = opencc.OpenCC("s2t")
_VALUES = {r.key: (i * 7) % 50 for i, r in enumerate(PRE2019_ROWS)}


def _label(label: str, variant: str) -> str:
    if variant == "spaced":
        return " ".join(label)
    if variant == "no_shu":
        return label.removesuffix("数")
    if variant == "zixun":
        return label.replace("信息", "资讯")
    return label


_LAYOUTS = {
    "pipe": lambda rows: "\n".join(f"{lab} | {u} | {v} |" for lab, u, v in rows),
    "cell_per_line_pipe": lambda rows: "\n".join(f"{lab} |\n{u} |\n{v} |\n||||" for lab, u, v in rows),
    "blank_line_cells": lambda rows: "\n\n".join(f"{lab}\n\n{u}\n\n{v}" for lab, u, v in rows),
    "tab_indented": lambda rows: "\n\n".join(f"\t{lab}\n\t{u}\n\t{v}" for lab, u, v in rows),
    "pdftotext_layout": lambda rows: "\n".join(f"  {lab}{' ' * (3 + len(lab) % 7)}{u}     {v}" for lab, u, v in rows),
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
@pytest.mark.parametrize("variant", ["plain", "spaced", "no_shu", "zixun", "traditional"])
def test_pre2019_table_layouts(layout: str, variant: str) -> None:
    rows = [(_label(r.label, variant), r.unit, _VALUES[r.key]) for r in PRE2019_ROWS]
    text = "附件\n政府信息公开情况统计表\n统 计 指 标 | 单位 | 统计数\n" + _LAYOUTS[layout](rows) + "\n"
    if variant == "traditional":
        text = _S2T.convert(text)
    result, _ = run(text)
    assert {k: f.value for k, f in by_key(result, "table").items()} == _VALUES
    assert result.template == "pre2019"


def test_pre2019_reordered_and_paraphrased_rows() -> None:
    rows = [(r.label, r.unit, _VALUES[r.key]) for r in PRE2019_ROWS]
    rows[30] = ("当面申请", "件", _VALUES["requests.received.in_person"])  # dropped 数
    rows[32] = ("网上申请数", "件", _VALUES["requests.received.online"])  # 网上 for 网络
    rows[35] = ("办结按时数", "件", _VALUES["requests.closed.on_time"])  # reordered words
    rows[2], rows[5] = rows[5], rows[2]  # a row moved out of the form's order
    result, _ = run("统计表\n" + "\n".join(f"{a} | {b} | {c} |" for a, b, c in rows))
    assert {k: f.value for k, f in by_key(result, "table").items()} == _VALUES


@pytest.mark.parametrize("blank", ["", "/", "—", "无"])
def test_not_reported_is_not_zero(blank: str) -> None:
    result, _ = run(f"统计表\n（一）收到申请数 | 件 | {blank} |\n1.当面申请数 | 件 | 0 |\n2.传真申请数 | 件 | 5 |")
    table = by_key(result, "table")
    assert "requests.received" not in table
    assert table["requests.received.in_person"].value == 0 and table["requests.received.fax"].value == 5


def test_rows_of_not_reported_marks_anchor_the_form_in_a_grid() -> None:
    """The form repeats ``（三）其他情形数`` under 行政复议 and 行政诉讼: the rows whose figures are all
    ``—`` / ``无`` / empty (with their unit) still stand in the grid, so the 50 is litigation's."""
    rows = [(r.label, r.unit, _VALUES[r.key]) for r in PRE2019_ROWS]
    review_and_litigation = [
        ("四、行政复议数量", "件", "—"),
        ("（一）维持具体行政行为数", "件", "—"),
        ("（二）被依法纠错数", "件", "—"),
        ("（三）其他情形数", "件", "无"),
        ("五、行政诉讼数量", "件", ""),
        ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "—"),
        ("（二）被依法纠错数", "件", ""),
        ("（三）其他情形数", "件", 50),
    ]
    at = next(i for i, (label, _, _) in enumerate(rows) if label.startswith("四、行政复议"))
    rows[at : at + 8] = review_and_litigation
    result, _ = run("统计表\n" + "\n".join(f"{a} | {b} | {c}" for a, b, c in rows) + "\n")
    table = by_key(result, "table")
    assert table["litigation.other"].value == 50
    assert not [k for k in table if k.startswith("review.") or k in ("litigation.total", "litigation.corrected")]


def test_two_rows_run_together_give_no_value_and_say_why() -> None:
    """A row whose label holds two whole labels of the form (a page break joined them): its figure's
    row is unknown, so neither row gets it."""
    rows = [(r.label, r.unit, _VALUES[r.key]) for r in PRE2019_ROWS]
    keys = [r.key for r in PRE2019_ROWS]
    a, b = keys.index("proactive.key_areas.audit"), keys.index("proactive.key_areas.public_institutions")
    assert b == a + 1
    rows[a : b + 1] = [(rows[a][0] + rows[b][0], "条", 323)]
    result, _ = run("统计表\n" + "\n".join(f"{x} | {y} | {z}" for x, y, z in rows) + "\n")
    table = by_key(result, "table")
    assert "proactive.key_areas.audit" not in table and "proactive.key_areas.public_institutions" not in table
    check = next(c for c in result.checks if c.rule == "table.rows_run_together")
    assert set(check.keys) == {"proactive.key_areas.audit", "proactive.key_areas.public_institutions"}
    assert {k: f.value for k, f in table.items()} == {k: v for k, v in _VALUES.items() if k not in check.keys}


# --- 2019 / 2021 tables from real reports --------------------------------------------------------------


def data(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_2021_pdftotext_layout_all_200_values() -> None:
    result, norm = run(data("huaian_city_2024.pdftotext-layout.txt"))
    table = by_key(result, "table")
    assert result.template == "2021"
    assert len(table) == 10 + 25 * 7 + 15
    assert table["proactive.fees.amount"].value == 96171.6
    assert [table[f"requests.partly_granted.{a}"].value for a, _ in APPLICANTS] == [447, 7, 0, 0, 0, 0, 454]
    assert [table[f"requests.other.unpaid.{a}"].value for a, _ in APPLICANTS] == [6, 0, 0, 0, 0, 0, 6]
    assert [table[k].value for k in TABLE4_KEYS] == [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    assert not [c for c in result.checks if c.rule.startswith(("sum.", "table."))]  # it all adds up
    assert raw_span(norm, table["requests.handled.total"]) == "3050"


def test_pdf_layout_blank_cells_placed_by_column() -> None:
    lines = data("huaian_city_2024.pdftotext-layout.txt").split("\n")
    i = next(n for n, line in enumerate(lines) if "1.属于国家秘密" in line)
    lines[i] = re.sub(r"(?<=\s)0(?=\s|$)", " ", lines[i])
    table = by_key(run("\n".join(lines))[0], "table")
    assert table["requests.refused.state_secret.natural_person"].value == 2
    assert table["requests.refused.state_secret.total"].value == 2
    assert "requests.refused.state_secret.business" not in table


def test_2019_pipe_rows_spaced_headers_and_truncated_row() -> None:
    result, _ = run(data("64_pufang_industrial_park_chibi_2020.txt"))
    table = by_key(result, "table")
    assert result.template == "2019"
    assert [table[f"proactive.normative_docs.{c}"].value for c in ("issued", "published", "in_force")] == [33, 8, 8]
    assert table["proactive.procurement.amount"].value == 0
    assert [table[f"requests.new.{a}"].value for a, _ in APPLICANTS] == [0] * 7
    assert {k for k in table if k.startswith("requests.granted.")} == {
        "requests.granted.natural_person",
        "requests.granted.business",
        "requests.granted.research",
    }
    assert any(c.rule == "table.truncated" for c in result.checks)


def test_2019_header_cells_cut_short() -> None:
    result, _ = run(data("45_yanglin_town_hengdong_2023.txt"))  # 本年新 | 本年新 | 对外公开总数量
    table = by_key(result, "table")
    assert result.template == "2019"
    assert {k: f.value for k, f in table.items()} == {
        "proactive.rules.issued": 1,
        "proactive.rules.published": 1,
        "proactive.rules.in_force": 1,
        "proactive.normative_docs.issued": 22,
        "proactive.normative_docs.published": 22,
        "proactive.normative_docs.in_force": 22,
        "proactive.procurement.projects": 0,
        "proactive.procurement.amount": 0,
    }


def test_2019_blank_line_cells() -> None:
    result, _ = run(data("08_hebao_town_rongchang_2020.txt"))
    table = by_key(result, "table")
    assert result.template == "2019"
    assert len(table) == 20 and {f.value for f in table.values()} == {0}
    assert table["proactive.fees.change"].value == 0


def test_2021_pipe_rows() -> None:
    result, _ = run(data("50_xiliu_town_2023_spam.txt"))
    table = by_key(result, "table")
    assert result.template == "2021"
    assert [table[f"proactive.normative_docs.{c}"].value for c in ("issued", "repealed", "in_force")] == [4, 0, 32]
    assert table["proactive.fees.amount"].unit == "万元"
    # the text says 0 规范性文件 for the year, the table 4 and 32
    assert {c.rule for c in result.checks} >= {"table_vs_text", "table.truncated"}
    result, _ = run(data("39_wuqiang_commerce_bureau_2022.txt"))
    assert result.template == "2021" and len(by_key(result, "table")) == 10


def test_rows_that_cannot_be_placed_give_checks_not_values() -> None:
    # one cell per line, the empty cells collapsed into '|||||||': positions are lost
    result, _ = run(data("34_yueyang_nanhu_bureau_2019.txt"))
    table = by_key(result, "table")
    assert not any(k.startswith("requests.new.") and k != "requests.new.total" for k in table)
    assert table["requests.new.total"].value == 3  # the last value sums the others: 总计
    unplaced = [c for c in result.checks if c.rule == "table.unplaced"]
    assert len(unplaced) == 4 and all(c.offsets for c in unplaced)


def test_merged_cells_repeated_by_a_reader() -> None:
    text = "\n".join(
        [
            "第二十条第（五）项 | 第二十条第（五）项 | 第二十条第（五）项 | 第二十条第（五）项",
            "信息内容 | 本年处理决定数量 | 本年处理决定数量 | 本年处理决定数量",
            "行政许可 | 12 | 12 | 12",
            "第二十条第（六）项 | 第二十条第（六）项 | 第二十条第（六）项 | 第二十条第（六）项",
            "信息内容 | 本年处理决定数量 | 本年处理决定数量 | 本年处理决定数量",
            "行政处罚 | 5 | 6 | 7",
        ]
    )
    result = extract_statistics(text)
    table = by_key(result, "table")
    assert table["proactive.licensing.decisions"].value == 12
    assert "proactive.penalties.decisions" not in table  # three different values under one column: refused
    assert any(c.rule == "table.unplaced" for c in result.checks)


def test_blank_tables() -> None:
    header = "三、收到和处理政府信息公开申请情况\n申请人情况 | 自然人 | 总计\n"
    result = extract_statistics(header + "一、本年新收政府信息公开申请数量 | | | | | | | |\n")
    assert [f for f in result.figures if f.source == "table"] == []
    assert any(c.rule == "table.empty" for c in result.checks)


# --- evaluation ----------------------------------------------------------------------------------


def test_score_statistics_on_seed_records(seed_gold: dict[str, Gold]) -> None:
    records = [g for g in seed_gold.values() if g.stats]
    if not records:
        pytest.skip("no gold annotations")
    scores = score_statistics(records)
    assert scores["reports"] == len(records)
    assert scores["by_template"]["pre2019"]["table"]["precision"] == 1.0
    assert scores["overall"]["text"]["recall"] > 0.9


def test_score_statistics_counts_by_key_and_value() -> None:
    text = "统计表\n（一）收到申请数 | 件 | 4 |\n全年共受理申请5件。"
    record = {
        "id": "x",
        "text": text,
        "template": "pre2019",
        "stats": [
            {"key": "requests.received", "value": 4, "source": "table"},
            {"key": "requests.received.letter", "value": 1, "source": "table"},
            {"key": "requests.received", "value": 5, "source": "text"},
        ],
    }
    scores = score_statistics([record])
    assert scores["overall"]["table"] == {"tp": 1, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.5, "f1": 2 / 3}
    assert scores["overall"]["text"]["tp"] == 1


def test_every_statistic_says_its_key_in_the_forms_words(extractor: Any) -> None:
    """Each key of every form has its row and column names; a table value carries them."""
    from nlp_extract.stats.keys import all_keys, form_label

    assert (
        form_label("requests.refused.state_secret.natural_person", "2021") == "（三）不予公开 1.属于国家秘密 · 自然人"
    )
    assert form_label("proactive.rules.issued", "2019").endswith("本年新制作数量")
    assert form_label("proactive.rules.issued", "2021").endswith("本年制发件数")
    assert form_label("review.total", "pre2019") == "四、行政复议数量"
    assert form_label("review.total", "2021") == "行政复议 · 总计"
    unlabelled = [k for k in all_keys() if form_label(k, "2021") is None and form_label(k, "pre2019") is None]
    assert unlabelled == ["litigation.pending"]  # a prose-only key: no form has a cell for it
    result = extractor.extract_file(DATA / "39_wuqiang_commerce_bureau_2022.txt")
    table = [s for s in result.stats if s.source == "table"]
    assert len(table) >= 10 and all(s.label == form_label(s.key, result.meta.template) for s in table)


def test_amounts_are_stored_in_the_keys_unit_and_keep_their_text() -> None:
    """``251000元`` under 采购总金额 (万元) is 25.1; the cell's own digits stay the grounded text."""
    from nlp_extract.stats.numbers import in_unit

    assert in_unit(251000, "元", "万元") == (25.1, "万元")
    assert in_unit(1.5, "亿元", "万元") == (15000, "万元")
    assert in_unit(7, "件", None) == (7, "件")
    text = (
        "第二十条第（九）项\n信息内容 | 采购项目数量 | 采购总金额\n政府集中采购 | 12 | 251000元\n"
        "第二十条第（八）项\n信息内容 | 上一年项目数量 | 本年增/减\n"
    )
    found = {f.key: f for f in extract_statistics(text).figures}
    amount = found["proactive.procurement.amount"]
    assert (amount.value, amount.unit, text[amount.start : amount.end]) == (25.1, "万元", "251000")
    assert found["proactive.procurement.projects"].value == 12


_MARKUP_TABLES = (
    '<table border="1"><tr><td colspan="4">第二十条第（一）项</td></tr>'
    "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
    "<tr><td><p><span>规章</span></p></td><td>3</td><td>&nbsp;</td><td>12</td></tr>"
    '<tr><td>行政规范性文件</td><td><span style="x">7</span></td><td>/</td><td>55</td></tr>'
    '<tr><td colspan="4">第二十条第（五）项</td></tr>'
    '<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>'
    '<tr><td>行政许可</td><td colspan="3">1,024</td></tr></table>'
    '<table><tr><td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
    '<td colspan="7">申请人情况</td></tr>'
    '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>'
    "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    '<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>9</td><td>1</td><td>0</td><td>0</td><td>0</td>'
    "<td></td><td>10</td></tr>"
    '<tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>4</td><td>1</td><td>0</td>'
    "<td>0</td><td>0</td><td>0</td><td>5</td></tr>"
    '<tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td>'
    "<td>0</td><td>2</td></tr></table>"
)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda t: f"二、主动公开政府信息情况\n{t}\n五、存在的主要问题及改进情况\n",
        lambda t: "二、主动公开政府信息情况 var html = '" + t.replace('"', '\\"') + "'; 五、存在的主要问题",
    ],
    ids=["markup-in-text", "script-string"],
)
def test_markup_tables_kept_in_a_text_are_read_as_grids(wrap: Any) -> None:
    """``<table>`` source in a .txt: merged cells once, blanks give nothing, values grounded exactly."""
    text = wrap(_MARKUP_TABLES)
    found = {f.key: f for f in extract_statistics(text).figures}
    expected = {
        "proactive.rules.issued": 3,
        "proactive.rules.in_force": 12,
        "proactive.normative_docs.issued": 7,
        "proactive.normative_docs.in_force": 55,
        "proactive.licensing.decisions": 1024,
        "requests.new.natural_person": 9,
        "requests.new.business": 1,
        "requests.new.total": 10,
        "requests.granted.natural_person": 4,
        "requests.granted.total": 5,
        "requests.refused.state_secret.natural_person": 2,
        "requests.refused.state_secret.total": 2,
    }
    for key, value in expected.items():
        assert found[key].value == value, key
    assert "proactive.rules.repealed" not in found and "proactive.normative_docs.repealed" not in found
    assert "requests.new.other_org" not in found  # an empty cell, not zero
    assert all(text[f.start : f.end].replace(",", "") == str(f.value) for f in found.values() if f.source == "table")


def test_split_runs_only_where_the_forms_sums_leave_one_split() -> None:
    from nlp_extract.stats.tables import Cell, split_run

    def run(*texts: str) -> list[Cell]:
        cells, at = [], 0
        for t in texts:
            cells.append(Cell(t, at, at + len(t), "value", int(t), run=True))
            at += len(t) + 1
        return cells

    def row_sum(v: Any) -> bool:
        return sum(v[:-1]) == v[-1]

    def texts(cells: list[Cell] | None) -> list[str] | None:
        return None if cells is None else [c.text for c in cells]

    assert texts(split_run(run("713000074"), 7, row_sum)) == ["71", "3", "0", "0", "0", "0", "74"]
    assert texts(split_run(run("230", "000023"), 7, row_sum)) == ["23", "0", "0", "0", "0", "0", "23"]
    assert texts(split_run(run("000"), 3)) == ["0", "0", "0"]  # as many digits as cells: certain
    assert split_run(run("8855698"), 3) is None  # no sum to decide: no value
    assert texts(split_run(run("10690"), 1)) == ["10690"]  # a one-column row: the run is its value
    assert split_run(run("1100"), 7, row_sum) is None  # 1|1|0|0 or … several splits fit
    parts = split_run(run("230", "000023"), 7, row_sum)
    assert parts is not None and [(c.start, c.end) for c in parts][:2] == [(0, 2), (2, 3)]


def test_tables_flattened_into_a_one_line_report(gold: dict[str, Gold]) -> None:
    """The complete reports lost every line break and cell separator (``行政规范性文件8855698``):
    values come back where the form's sums leave one split, and never a wrong one."""
    new = [g for g in gold.values() if g.id.startswith(("06_pingtan", "07_pingtan", "08_pingtan"))]
    assert len(new) == 3
    tp = fn = 0
    for g in new:
        norm = normalise(g.text)
        result = extract_statistics(norm.text)
        found = {(f.key, f.value) for f in result.figures if f.source == "table"}
        expected = {(s["key"], s["value"]) for s in g.stats if s["source"] == "table"}
        assert found <= expected, (g.id, sorted(found - expected)[:5])
        tp, fn = tp + len(found & expected), fn + len(expected - found)
        unplaced = [c for c in result.checks if c.rule == "table.unplaced"]
        assert unplaced and all("二" in c.message for c in unplaced)  # rows no sum can split are said
    assert tp / (tp + fn) > 0.97  # measured 573/582 over the three: only table 二's three-column runs stay unsplit


def test_indicators_doc_lists_every_key_with_its_form_label_and_unit() -> None:
    from nlp_extract.stats.keys import labels_table

    doc = (ROOT / "docs" / "INDICATORS.md").read_text(encoding="utf-8")
    assert labels_table() in doc
    assert "| `requests.refused.state_secret.natural_person` | （三）不予公开 1.属于国家秘密 · 自然人 |  |" in doc


_TABLE2_ONE_PER_LINE = ["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]


def test_one_cell_per_line_blank_lines_beside_labels() -> None:
    """A blank line beside a label is an empty cell only where other labels have none."""
    # 规章's second cell is empty (a blank line after 17); other labels have no blank lines beside them
    lines = [*_TABLE2_ONE_PER_LINE, "规章", "3", "", "7", "行政规范性文件", "2", "0", "9"]
    table = by_key(run("\n".join(lines))[0], "table")
    assert [table.get(f"proactive.rules.{c}") for c in ("repealed",)] == [None]
    assert [table[f"proactive.rules.{c}"].value for c in ("issued", "in_force")] == [3, 7]
    assert [table[f"proactive.normative_docs.{c}"].value for c in ("issued", "repealed", "in_force")] == [2, 0, 9]
    # a blank line after every label is spacing: a row that lost an empty cell gives no value, not a shifted one
    lines = [*_TABLE2_ONE_PER_LINE, "规章", "", "3", "7", "行政规范性文件", "", "2", "0", "9"]
    table = by_key(run("\n".join(lines))[0], "table")
    assert not any(k.startswith("proactive.rules.") for k in table)
    assert [table[f"proactive.normative_docs.{c}"].value for c in ("issued", "repealed", "in_force")] == [2, 0, 9]


def test_pipe_rows_of_one_width_are_a_grid() -> None:
    """Empty cells under a merged label are no blanks; a leading empty value cell keeps its column."""
    rows = [
        "行政复议 |  |  |  |  | 行政诉讼 |  |  |  |  |  |  |  |  | ",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 |  |  |  |  | 复议后起诉 |  |  |  | ",
        " |  |  |  |  | " + " | ".join(["结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计"] * 2),
        " | 1 | 0 | 0 | 1 | 0 | 2 | 0 | 0 | 2 | 0 | 0 | 0 | 0 | 0",
    ]
    result, norm = run("四、政府信息公开行政复议、行政诉讼情况\n" + "\n".join(rows))
    table = by_key(result, "table")
    assert "review.upheld" not in table
    assert [table[k].value for k in ("review.corrected", "review.total", "litigation.direct.corrected")] == [1, 1, 2]
    assert all(raw_span(norm, f) == str(int(f.value)) for f in table.values())


def test_year_and_cumulative_columns_run_together(gold: dict[str, Gold]) -> None:
    """``条324`` under 2013年度 | 历年累计 is 3 | 24 (the cumulative count is never less than the
    year's); with no 累计 column no split is sure: no value.  The unit cell that ran onto its label
    (``答复数条``) is cut off, and ``信函、传真申请数`` names two rows of the form: no value."""
    text = gold["02_pingtan_county_2013"].text
    assert "2013年度历年累计" in text and "对申请的答复数条324" in text
    result, norm = run(text)
    table = by_key(result, "table")
    assert table["requests.answered"].value == 3 and raw_span(norm, table["requests.answered"]) == "3"
    assert [table[f"requests.received.{k}"].value for k in ("in_person", "online")] == [0, 4]
    assert [table[f"requests.answered.{k}"].value for k in ("granted", "partly_granted")] == [2, 1]
    for unit in ("件", "个", "人次"):  # any count unit run onto its label is the unit column's cell
        result, _ = run(text.replace("对申请的答复数条324", f"对申请的答复数{unit}324"))
        assert by_key(result, "table")["requests.answered"].value == 3, unit
    for header in ("2013年度合计", "历年累计2013年度"):  # no cumulative column, or it comes first: no split is sure
        result, _ = run(text.replace("2013年度历年累计", header))
        assert "requests.answered" not in by_key(result, "table")
    result, _ = run(gold["04_pingtan_zone_2015"].text)
    assert "3、信函、传真申请数条01" in gold["04_pingtan_zone_2015"].text
    assert not {"requests.received.letter", "requests.received.fax"} & set(by_key(result, "table"))


def test_pre2019_one_line_reports_with_a_cumulative_column(gold: dict[str, Gold]) -> None:
    """The five pre-2019 complete reports (one line each): only sure splits, never a wrong value."""
    old = [g for g in gold.values() if "complete" in (g.path or "") and g.meta.get("template") == "pre2019"]
    assert len(old) == 5
    tp = fn = 0
    for g in old:
        result = extract_statistics(normalise(g.text).text)
        found = {(f.key, f.value) for f in result.figures if f.source == "table"}
        expected = {(s["key"], s["value"]) for s in g.stats if s["source"] == "table"}
        assert found <= expected, (g.id, sorted(found - expected)[:5])
        tp, fn = tp + len(found & expected), fn + len(expected - found)
    assert tp / (tp + fn) > 0.65  # measured 38/52: long runs (4251516) split several ways; older row wordings


# --- the same report in another script, widths, line ends or spaces ------------------------------

_FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789|"}
_REWRITES = {
    "traditional": _S2T.convert,
    "full-width digits and bars": lambda t: t.translate(_FULL_WIDTH),
    "CRLF": lambda t: t.replace("\n", "\r\n"),
    "no-break spaces": lambda t: t.replace(" ", "\xa0"),
    "ideographic spaces": lambda t: t.replace(" ", "\u3000"),
}


def _shape(result: Any) -> tuple[set[tuple[str, float]], list[int], list[tuple[str, int]]]:
    """What a rewrite must keep: the statistics, the outline's levels, each span's label and length."""
    stats = {(s.key, s.value) for s in result.stats}
    return stats, [s.level for s in result.sections], [(s.label, len(s.text.replace("\r", ""))) for s in result.spans]


@pytest.mark.parametrize("rewrite", sorted(_REWRITES))
def test_results_survive_script_width_line_end_and_space_rewrites(
    rewrite: str, extractor: Any, validate_output: Any
) -> None:
    """The sample reports rewritten as scraped copies often are: the same figures, outline and spans,
    grounded in the copy."""
    seen = 0
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        copy = _REWRITES[rewrite](text)
        want = _shape(extractor.extract_text(text))
        got = extractor.extract_text(copy)
        out = validate_output(got.to_dict())
        assert _shape(got) == want, path.name
        assert all(copy[s["start"] : s["end"]] == s["text"] for s in [*out["stats"], *out["spans"]])
        seen += len(want[0]) + len(want[2])
    assert seen > 300
