from __future__ import annotations

import numpy as np
import pytest

from nlp_extract.evaluate import cross_validate, training_units
from nlp_extract.model import DEFAULT_LABELLER, CrfLabeller, LinearLabeller, load_labeller
from nlp_extract.pipeline import DEFAULT_MODEL


@pytest.fixture(scope="module")
def small(gold):
    reports = sorted(gold.values(), key=lambda g: g.id)[:20]
    return training_units(reports)


@pytest.mark.parametrize("kind", [LinearLabeller, CrfLabeller])
def test_training_is_deterministic_and_survives_disk(small, tmp_path, kind):
    units, labels = small
    a = kind().fit(units, labels)
    b = kind().fit(units, labels)
    if isinstance(a, LinearLabeller):
        assert a.vocab == b.vocab and np.array_equal(a.coef, b.coef)
    else:
        assert a.model == b.model
    a.to_disk(tmp_path / "m")
    assert type(load_labeller(tmp_path / "m")) is kind
    loaded = load_labeller(tmp_path / "m")
    before, after = a.predict(units[:50]), loaded.predict(units[:50])
    assert [label for label, _ in after] == [label for label, _ in before]
    assert np.allclose([score for _, score in after], [score for _, score in before], rtol=1e-3)
    assert not any(p.suffix in (".pkl", ".pickle", ".joblib") for p in (tmp_path / "m").iterdir())


def test_held_out_model_beats_the_rules(gold):
    assert DEFAULT_LABELLER == "crf"
    result = cross_validate(sorted(gold.values(), key=lambda g: g.id), folds=4)
    model, rules = result["model"]["char"]["macro_f1"], result["rules_baseline"]["char"]["macro_f1"]
    assert model > rules
    for label, f1 in result["model"]["char"]["per_label"].items():
        assert f1["f1"] > result["rules_baseline"]["char"]["per_label"][label]["f1"], label
        assert f1["f1"] > 0.8, label


def test_shipped_model_loads(extractor):
    assert (DEFAULT_MODEL / "config.json").is_file()
    assert isinstance(extractor.labeller, CrfLabeller)


def test_fast_scores_equal_the_feature_definition(small, seed_gold):
    """predict_proba (one sparse product per report) scores exactly what ``featurize`` defines."""
    from nlp_extract.evaluate import prepare
    from nlp_extract.features import featurize

    model = LinearLabeller().fit(*small)
    units = [u for g in seed_gold.values() for u in prepare(g).contexts]
    assert len(units) > 100
    by_hand = np.array(
        [
            [
                model.intercept[k]
                + sum(model.coef[k, model.vocab[n]] * v for n, v in featurize(u).items() if n in model.vocab)
                for k in range(len(model.classes))
            ]
            for u in units
        ]
    )
    expected = np.exp(by_hand - by_hand.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(model.predict_proba(units), expected, atol=1e-9)
    assert model.predict_proba([]).shape == (0, len(model.classes))


def test_model_of_other_features_is_refused_with_a_clear_error(tmp_path):
    """Weights fit only the features they were trained on: an older model must be retrained, not half-used."""
    import json
    import shutil
    import subprocess
    import sys

    from nlp_extract.errors import InputError

    old = tmp_path / "old"
    shutil.copytree(DEFAULT_MODEL, old)
    config = json.loads((old / "config.json").read_text(encoding="utf-8"))
    del config["features"]  # models written before the version stamp are version 1
    (old / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(InputError, match=r"features version 1.*retrain"):
        load_labeller(old)
    sample = DEFAULT_MODEL.parent.parent / "examples" / "000_740063c653017d1b.txt"
    r = subprocess.run(
        [sys.executable, "-m", "nlp_extract.cli", "predict", str(sample), "--model", str(old)],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
