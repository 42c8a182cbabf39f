"""``nlp-extract panel``: one row per body and year from a batch dataset, with changes on the previous report."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from nlp_extract.batch import run_batch
from nlp_extract.cli import main
from nlp_extract.panel import CHANGE, build, read_dataset, report_of

from .conftest import ROOT

COMPLETE = ROOT / "tests" / "data" / "complete"  # a copy of ../shared/corpus/complete


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The complete corpus (5 reports of 平潭综合实验区 2015-2024, 2 of 平潭县, 1 tax bureau) as a batch dataset."""
    out = tmp_path_factory.mktemp("dataset")
    summary = run_batch([str(COMPLETE)], str(out), jobs=1)
    assert not summary.failed
    return out


def test_one_key_for_the_zone_across_years_and_one_row_per_body_and_year(dataset: Path) -> None:
    panel = build(read_dataset(dataset))
    by_key: dict[str, list[int]] = {}
    for row in panel.rows:
        by_key.setdefault(row["organization_key"], []).append(row["year"])
    zone = [k for k in by_key if "实验区" in k and not k.endswith("局")]
    assert zone == ["平潭综合实验区"], by_key  # the zone is never split into two keys
    assert by_key["平潭综合实验区"] == [2015, 2018, 2019, 2022, 2024]
    county = [k for k in by_key if k.endswith("平潭县人民政府")]
    assert len(county) == 1 and by_key[county[0]] == [2011, 2013]  # the county before the zone keeps its own key
    assert len(by_key) == 3  # zone, county, tax bureau
    cells = [(r["organization_key"], r["year"]) for r in panel.rows]
    assert len(cells) == len(set(cells)) == 8
    # each row's previous year is the body's previous report
    zone_rows = [r for r in panel.rows if r["organization_key"] == "平潭综合实验区"]
    assert [r["previous_year"] for r in zone_rows] == [None, 2015, 2018, 2019, 2022]


def test_cli_writes_csv_and_parquet_with_the_same_rows(dataset: Path, tmp_path: Path) -> None:
    assert main(["panel", str(dataset), "-o", str(tmp_path / "panel.csv"), "-q"]) == 0
    with (tmp_path / "panel.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 8 and rows[0]["organization_key"] == "平潭综合实验区"
    header = list(rows[0])
    indicators = [c for c in header[10:] if not c.endswith(CHANGE)]
    assert indicators and all(header[10 + 2 * i + 1] == k + CHANGE for i, k in enumerate(indicators))

    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    assert main(["panel", str(dataset), "-o", str(tmp_path / "panel.parquet"), "-q"]) == 0
    frame = pd.read_parquet(tmp_path / "panel.parquet")
    assert list(frame.columns) == header
    assert frame["organization_key"].tolist() == [r["organization_key"] for r in rows]
    assert str(frame["year"].dtype) == "int64"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["panel", "{missing}", "-o", "{out}/p.csv"], "not a batch dataset"),
        (["panel", "{dataset}", "-o", "{out}/p.xlsx"], ".csv or .parquet"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message, dataset, tmp_path, capsys) -> None:
    argv = [a.format(missing=tmp_path / "nothing", out=tmp_path, dataset=dataset) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def _predict(org: str | None, year: int | None, stats: dict[str, float], **meta: Any) -> dict[str, Any]:
    """A ``predict`` object as ``reports.jsonl`` holds it (only the fields the panel reads)."""
    return {
        "source": {"path": f"{org}-{year}.txt"},
        "meta": {"organization": org, "year": year, **meta},
        "spans": [],
        "stats": [{"key": k, "value": v} for k, v in stats.items()],
    }


def test_duplicates_complete_report_first_then_later_publication() -> None:
    full = {"requests.received": 12, "proactive.total": 300}
    reports = [
        _predict("宿州市人民政府", 2016, {"requests.received": 12}, published="2017-03-30"),  # partial copy
        _predict("宿州市人民政府", 2016, full, published="2017-01-20"),  # complete
        _predict("宿州市人民政府", 2016, full, published="2017-02-01"),  # complete, published later: wins
        _predict("宿州市人民政府", 2016, full),  # complete, no date
    ]
    panel = build(report_of(i, f"r{i}", p) for i, p in enumerate(reports))
    assert len(panel.rows) == 1
    row = panel.rows[0]
    assert (row["report"], row["duplicates"], row["published"]) == ("r2", 3, "2017-02-01")


def test_change_is_on_the_bodys_previous_report_and_names_written_differently_share_a_key() -> None:
    reports = [
        _predict("綦江区人民政府", 2019, {"requests.received": 10, "proactive.total": 100}),
        _predict("重庆市綦江区人民政府", 2020, {"requests.received": 14}),
        _predict("綦江区政府", 2022, {"requests.received": 9, "proactive.total": 130}),
        _predict("宿州市人民政府", 2020, {"requests.received": 3}),
        _predict(None, 2020, {"requests.received": 1}),  # no body: left out, counted
        _predict("宿州市人民政府", None, {"requests.received": 1}),  # no year: left out, counted
    ]
    panel = build(report_of(i, f"r{i}", p) for i, p in enumerate(reports))
    assert panel.skipped == 2
    rows = {(r["organization_key"], r["year"]): r for r in panel.rows}
    assert set(rows) == {
        ("重庆市綦江区人民政府", 2019),
        ("重庆市綦江区人民政府", 2020),
        ("重庆市綦江区人民政府", 2022),
        ("安徽省宿州市人民政府", 2020),
    }
    q = [rows[("重庆市綦江区人民政府", y)] for y in (2019, 2020, 2022)]
    assert [r["requests.received" + CHANGE] for r in q] == [None, 4, -5]  # 2022 against 2020, its previous report
    assert [r["proactive.total" + CHANGE] for r in q] == [None, None, None]  # 2020 gives no figure to compare
    assert (
        rows[("安徽省宿州市人民政府", 2020)]["requests.received" + CHANGE] is None
    )  # another body's figure is not a base


def test_key_of_the_dataset_is_used_when_present() -> None:
    report = report_of(
        0, "r0", _predict("西柳镇人民政府", 2023, {}, organization_key="辽宁省鞍山市海城市西柳镇人民政府")
    )
    assert report is not None and report.key == "辽宁省鞍山市海城市西柳镇人民政府"
