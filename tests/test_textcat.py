from __future__ import annotations

import pytest

from nlp_extract.annotations import Gold
from nlp_extract.classify import UnitContext
from nlp_extract.evaluate import training_units
from nlp_extract.schema import LABELS, Label
from nlp_extract.textcat import SpacyTextcatLabeller, unit_text

Units = tuple[list[UnitContext], list[Label | None]]


@pytest.fixture(scope="module")
def few(gold: dict[str, Gold]) -> Units:
    reports = sorted(gold.values(), key=lambda g: g.id)[:6]
    return training_units(reports)


def test_textcat_is_deterministic_and_predicts_the_label_set(few: Units) -> None:
    units, labels = few
    assert {lab for lab in labels if lab} >= {"measure"}

    def fit() -> SpacyTextcatLabeller:
        return SpacyTextcatLabeller(epochs=2).fit(units, labels)

    first = fit().predict(units)
    second = fit().predict(units)
    assert first == second
    assert len(first) == len(units)
    assert {label for label, _ in first} <= {None, *LABELS}
    assert all(0.0 <= score <= 1.0 for _, score in first)
    right = sum(p == g for (p, _), g in zip(first, labels, strict=True))
    assert right / len(units) > 0.5  # it learned something from its own training data


def test_textcat_reads_heading_and_text() -> None:
    u = UnitContext("2021年我们将加强培训,全年培训3次。", ("五、存在的问题及改进情况",), 0.9, "", "", 2020)
    assert unit_text(u) == "存在的问题及改进情况 ｜ 明年我们将加强培训,全年培训0次。"
    outer = UnitContext("加强培训。", ("二、主要工作", "（一）组织培训"), 0.3, "", "", None)
    assert unit_text(outer) == "组织培训 ｜ 加强培训。"
    assert unit_text(outer, "path") == "主要工作 ／ 组织培训 ｜ 加强培训。"
    assert unit_text(UnitContext("x", (), 0.0, "", "", None)) == "无标题 ｜ x"


def test_marked_headings_and_jieba_variants_fit(few: Units) -> None:
    units, labels = few
    for model in (
        SpacyTextcatLabeller(mark_headings=True, epochs=1),
        SpacyTextcatLabeller(segmenter="jieba", epochs=1),
    ):
        predicted = model.fit(units, labels).predict(units[:20])
        assert {label for label, _ in predicted} <= {None, *LABELS}


def test_unfitted_textcat_refuses_to_predict(few: Units) -> None:
    units, _ = few
    with pytest.raises(ValueError):
        SpacyTextcatLabeller().predict(units[:1])
