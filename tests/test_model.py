"""Labellers in one home (``nlp_extract.model``): no import cycles, and the context labeller on real reports."""

from __future__ import annotations

import ast
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import nlp_extract
from nlp_extract.evaluate import prepare, training_units
from nlp_extract.features import unit_features
from nlp_extract.model import (
    ContextLabeller,
    CrfLabeller,
    LinearLabeller,
    chain_features,
    documents,
    load_labeller,
    neighbour_features,
)

PACKAGE = Path(nlp_extract.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, at the top or in a function (a lazy import closes a circle too)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                for alias in node.names:  # ``from . import batch`` imports a module; ``from . import f`` a name
                    sub = f"{target}.{alias.name}"
                    edges.add(sub if sub in modules else target)
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                edges.update(n for n in names if n and n in modules)
        graph[name] = edges & modules.keys() - {name}
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph, or an empty list (depth-first search)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert {"nlp_extract.model", "nlp_extract.train", "nlp_extract.evaluate", "nlp_extract.pipeline"} <= graph.keys()
    assert "nlp_extract.model" in graph["nlp_extract.train"]  # the graph sees relative imports
    assert "nlp_extract.train" in graph["nlp_extract.cli"]  # ... and ``from . import train``
    assert cycle(graph) == []
    # labellers depend on neither training nor evaluation
    for labellers in ("nlp_extract.model", "nlp_extract.textcat", "nlp_extract.features", "nlp_extract.classify"):
        assert not graph[labellers] & {"nlp_extract.train", "nlp_extract.evaluate", "nlp_extract.pipeline"}


def test_cycle_finder_finds_a_circle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("module", ["model", "train", "evaluate", "textcat"])
def test_each_module_imports_alone(module: str) -> None:
    r = subprocess.run(
        [sys.executable, "-c", f"import nlp_extract.{module}"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def reports(gold):  # type: ignore[no-untyped-def]
    return sorted(gold.values(), key=lambda g: g.id)[:8]


def test_documents_split_concatenated_reports_where_each_ends(reports) -> None:  # type: ignore[no-untyped-def]
    units, _ = training_units(reports)
    sizes = [n for r in reports if (n := len(prepare(r).contexts))]  # a report without units is no run
    assert len(sizes) > 4
    assert [len(run) for run in documents(units)] == sizes
    assert documents([]) == []


def test_neighbour_features_read_the_neighbours_probabilities(reports) -> None:  # type: ignore[no-untyped-def]
    units = prepare(reports[0]).contexts
    assert len(units) > 3
    proba = np.zeros((len(units), 4))
    proba[:, 0] = 1.0
    proba[2] = [0.0, 0.0, 0.0, 1.0]  # unit 2 is a plan
    f = neighbour_features(units, proba)
    assert "ctx:prev:plan" not in f[0] and f[0]["ctx:next:none"] == 1.0
    assert f[1]["ctx:next:plan"] == 1.0 and f[3]["ctx:prev:plan"] == 1.0
    assert f[2]["ctx:prev:plan"] == 0.0 and f[2]["ctx:next:plan"] == 0.0  # its own probability is not a neighbour's
    # a report's first unit never sees the previous report's last one
    both = [*units, *prepare(reports[1]).contexts]
    g = neighbour_features(both, np.ones((len(both), 4)) / 4)
    assert "ctx:prev:none" not in g[len(units)] and "ctx:next:none" not in g[len(units) - 1]


def test_context_labeller_is_deterministic_and_survives_disk(reports, tmp_path) -> None:  # type: ignore[no-untyped-def]
    units, labels = training_units(reports)
    a = ContextLabeller().fit(units, labels)
    b = ContextLabeller().fit(units, labels)
    assert a.stack.vocab == b.stack.vocab and np.array_equal(a.stack.coef, b.stack.coef)
    assert any(name.startswith("ctx:") for name in a.stack.vocab)  # the second pass has the neighbours' features
    assert a.base.vocab.keys() < a.stack.vocab.keys()
    a.to_disk(tmp_path / "m")
    loaded = load_labeller(tmp_path / "m")
    assert isinstance(loaded, ContextLabeller)
    assert loaded.predict(units) == a.predict(units)  # float32 weights on disk: the same labels and rounded scores
    right = sum(p == g for (p, _), g in zip(a.predict(units), labels, strict=True))
    assert right / len(units) > 0.9  # it fits its own training data
    assert not any(p.suffix in (".pkl", ".pickle", ".joblib") for p in (tmp_path / "m").rglob("*"))


def test_train_writes_the_chosen_labeller(tmp_path: Path) -> None:
    import json
    import shutil

    from nlp_extract.cli import main

    data = tmp_path / "gold"
    data.mkdir()
    shutil.copy(PACKAGE.parent / "annotations" / "seeds_b.jsonl", data)  # two sample reports
    for kind, cls in (("context", ContextLabeller), ("linear", LinearLabeller), ("crf", CrfLabeller)):
        out = tmp_path / kind
        args = ["train", "--annotations", str(data), "--out", str(out), "--folds", "2", "--quiet", "--labeller", kind]
        assert main(args) == 0
        assert json.loads((out / "config.json").read_text(encoding="utf-8"))["labeller"] == kind
        assert isinstance(load_labeller(out), cls)


def test_train_writes_a_crf_by_default(tmp_path: Path) -> None:
    import json
    import shutil

    from nlp_extract.cli import main

    data = tmp_path / "gold"
    data.mkdir()
    shutil.copy(PACKAGE.parent / "annotations" / "seeds_b.jsonl", data)
    out = tmp_path / "m"
    assert main(["train", "--annotations", str(data), "--out", str(out), "--folds", "2", "--quiet"]) == 0
    assert json.loads((out / "config.json").read_text(encoding="utf-8"))["labeller"] == "crf"
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "metrics.json", "model.crfsuite"]


def test_chain_features_read_section_bounds_and_neighbours_within_one_report(reports) -> None:  # type: ignore[no-untyped-def]
    units = [*prepare(reports[0]).contexts, *prepare(reports[1]).contexts]
    n = len(prepare(reports[0]).contexts)
    assert n > 3 and len(units) > n + 3
    features = [unit_features(u) for u in units]
    f = chain_features(units, features)
    assert len(f) == len(units)
    # a unit's own features are all there, as featurize scales them
    assert all(f[i].items() >= features[i].as_dict().items() for i in range(len(units)))
    for i in range(len(units)):
        first = i in (0, n)
        assert ("opens_section" in f[i]) == (first or units[i - 1].heading_path != units[i].heading_path)
        assert any(k.startswith("p:") for k in f[i]) != first  # every unit has a first: feature to pass on
    assert not any(k.startswith("n:") for k in f[n - 1]) and "closes_section" in f[n - 1]
    # what a neighbour passes on is what it says itself
    prev_said = {k[2:] for k in f[2] if k.startswith("p:")}
    assert prev_said and prev_said <= features[1].context.keys()
    assert next(k for k in features[1].context if k.startswith("first:")) in prev_said


@pytest.fixture(scope="module")
def crf(reports):  # type: ignore[no-untyped-def]
    units, labels = training_units(reports)
    return units, labels, CrfLabeller().fit(units, labels)


def test_crf_is_deterministic_and_survives_disk(crf, tmp_path) -> None:  # type: ignore[no-untyped-def]
    units, labels, a = crf
    b = CrfLabeller().fit(units, labels)
    assert a.model == b.model  # byte-identical model files
    a.to_disk(tmp_path / "m")
    assert (tmp_path / "m" / "model.crfsuite").read_bytes() == a.model
    loaded = load_labeller(tmp_path / "m")
    assert isinstance(loaded, CrfLabeller)
    assert loaded.predict(units) == a.predict(units)
    assert not any(p.suffix in (".pkl", ".pickle", ".joblib") for p in (tmp_path / "m").rglob("*"))
    right = sum(p == g for (p, _), g in zip(a.predict(units), labels, strict=True))
    assert right / len(units) > 0.9  # it fits its own training data


def test_crf_tagger_is_opened_once_and_follows_refits_threads_and_pickling(crf) -> None:  # type: ignore[no-untyped-def]
    """The tagger is kept between calls, yet a refit, another thread or an unpickled copy gets its own."""
    units, labels, model = crf
    expected = model.predict(units)
    tagger = model._tagger()
    assert model._tagger() is tagger
    copy = pickle.loads(pickle.dumps(model))
    assert copy == model and copy.predict(units) == expected
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(model._tagger()))
    worker.start()
    worker.join()
    assert seen and seen[0] is not tagger
    few = documents(units)[:3]
    small = CrfLabeller().fit([units[i] for r in few for i in r], [labels[i] for r in few for i in r])
    refit = CrfLabeller(model=model.model)
    assert refit.predict(units) == expected  # its tagger is open on the old model now
    refit.fit([units[i] for r in few for i in r], [labels[i] for r in few for i in r])
    assert refit.model == small.model and refit.predict(units) == small.predict(units) != expected


def test_crf_marginals_are_its_predictions(crf) -> None:  # type: ignore[no-untyped-def]
    units, _, model = crf
    proba = model.predict_proba(units)
    assert proba.shape == (len(units), len(model.classes))
    assert np.allclose(proba.sum(axis=1), 1.0)
    predicted = model.predict(units)
    best = proba.argmax(axis=1)
    assert [label or "none" for label, _ in predicted] == [model.classes[k] for k in best]
    assert [score for _, score in predicted] == [round(float(proba[i, k]), 4) for i, k in enumerate(best)]
    assert model.predict_proba([]).shape == (0, len(model.classes))


def test_crf_label_depends_on_the_neighbours(crf) -> None:  # type: ignore[no-untyped-def]
    """A chain: the same unit scored alone and inside its report gets other probabilities."""
    units, _, model = crf
    run = documents(units)[0]
    inside = model.predict_proba([units[i] for i in run])
    alone = np.vstack([model.predict_proba([units[i]]) for i in run])
    assert not np.allclose(inside, alone, atol=1e-3)


def test_damaged_crf_model_is_refused_on_load(crf, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """crfsuite itself reads a cut file past its end (a crash): the checksum in config.json refuses it first."""
    from nlp_extract.errors import InputError

    _, _, model = crf
    model.to_disk(tmp_path / "m")
    for damaged in (model.model[:1000], model.model[:-1], b"x" + model.model[1:]):
        (tmp_path / "m" / "model.crfsuite").write_bytes(damaged)
        with pytest.raises(InputError, match="damaged model"):
            load_labeller(tmp_path / "m")
