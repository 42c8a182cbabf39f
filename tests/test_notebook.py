"""The exploration notebook runs top to bottom on the shipped data, and is committed without outputs.

Executed with nbclient in a fresh ``python3`` kernel started in ``notebooks/`` (as Jupyter
would), so a broken API used by the notebook fails CI instead of a reader.
"""

from __future__ import annotations

import importlib.util
import json
import time

import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
MISSING = [m for m in ("nbclient", "nbformat", "ipykernel") if importlib.util.find_spec(m) is None]
# The plot cells (tagged "plot") must each show a PNG, even when a plot has no data to draw.
PLOT_TAG = "plot"
BUDGET_SECONDS = 300


def test_committed_notebook_has_no_outputs() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    dirty = [i for i, c in enumerate(code) if c.get("outputs") or c.get("execution_count") is not None]
    assert not dirty, f"code cells {dirty} hold outputs: strip them (jupyter nbconvert --clear-output --inplace)"
    assert sum(PLOT_TAG in c.get("metadata", {}).get("tags", []) for c in code) == 4


@pytest.mark.skipif(bool(MISSING), reason=f"notebook test needs {', '.join(MISSING)} (pip install -e '.[test]')")
def test_notebook_runs_top_to_bottom_and_plots() -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=BUDGET_SECONDS,
        allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the cell and traceback, on the first failing cell
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET_SECONDS, f"notebook took {elapsed:.0f} s"

    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    plots = [c for c in code if PLOT_TAG in c.metadata.get("tags", [])]
    assert len(plots) == 4
    for cell in plots:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source[:200]
    html = [o for c in code for o in c.outputs if "text/html" in o.get("data", {})]
    assert any("nlp_extract review" in o["data"]["text/html"] for o in html), "review page not shown"
    assert any("measure" in o["data"]["text/html"] and "spans" in o["data"]["text/html"] for o in html)
    printed = "".join(o.get("text", "") for c in code for o in c.outputs if o.output_type == "stream")
    assert "cross-validation grouped by report" in printed and "[rules_baseline]" in printed
