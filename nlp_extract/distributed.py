"""Past one machine: the batch core on a Dask bag.

``nlp-extract batch`` scales to the cores of one machine.  For a cluster, run the same pure
function, :func:`nlp_extract.batch.extract_path`, on a `Dask bag`_ over a partitioned list of paths;
Dask does the scheduling, retries and data movement (no home-made cluster code here).  Each worker
process loads the model once (``extract_path`` caches it per process) and a bad file becomes an
``{"ok": False, ...}`` record instead of failing its partition.

Dask is optional: ``pip install "dask[bag]"`` (and ``distributed`` for a cluster)::

    from nlp_extract.batch import expand_inputs
    from nlp_extract.distributed import dask_extract, errors, to_jsonl

    paths, _ = expand_inputs(["corpus/"])
    bag = dask_extract(paths, npartitions=64).persist()   # persist: extract once, use twice
    to_jsonl(bag, "out/reports-*.jsonl")                  # predict objects, one file per partition
    failed = errors(bag).compute()                        # [{"ok": False, "path", "error"}, ...]

    # on a cluster: from dask.distributed import Client; Client("scheduler:8786") before the above
    # (the paths must be readable by every worker, e.g. on shared storage)

Concatenating the part files in name order gives the input order, as in ``reports.jsonl``.

.. _Dask bag: https://docs.dask.org/en/stable/bag.html
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .batch import extract_path, report_line


def _dask_bag() -> Any:
    """Import ``dask.bag`` on first use, so nlp_extract never needs Dask to import."""
    try:
        import dask.bag
    except ImportError:
        raise ImportError(
            'nlp_extract.distributed needs Dask: pip install "dask[bag]" (plus "distributed" for a cluster)'
        ) from None
    return dask.bag


def extract_partition(paths: Iterable[str], model_dir: str | None = None) -> list[dict[str, Any]]:
    """One partition: ``extract_path`` over its paths in order, in whichever process Dask picks."""
    return [extract_path(p, model_dir) for p in paths]


def dask_extract(paths: Sequence[str], model_dir: str | None = None, npartitions: int | None = None) -> Any:
    """A lazy ``dask.bag.Bag`` of ``extract_path`` dicts, one per path, in the order of ``paths``.

    ``npartitions`` defaults to about 100 paths a partition (at most 1000 partitions): large enough
    to amortise a task's overhead, small enough to balance load and bound each task's memory.
    """
    db = _dask_bag()
    paths = [str(p) for p in paths]
    if npartitions is None:
        npartitions = max(1, min(1000, len(paths) // 100))
    bag = db.from_sequence(paths, npartitions=max(1, min(npartitions, len(paths) or 1)))
    return bag.map_partitions(extract_partition, model_dir=model_dir)


def _is_error(record: dict[str, Any]) -> bool:
    return not record.get("ok")


def _partition_text(records: Iterable[dict[str, Any]]) -> list[str]:
    """A partition's reports as one text, each line newline-terminated (an empty partition: an empty file)."""
    return ["".join(report_line(r["result"]) + "\n" for r in records if r.get("ok"))]


def errors(bag: Any) -> Any:
    """The failed records of a bag from :func:`dask_extract` (``path`` and one-line ``error``)."""
    return bag.filter(_is_error)


def to_jsonl(
    bag: Any,
    target: str,
    *,
    name_function: Any = None,
    compression: str = "infer",
    storage_options: dict[str, Any] | None = None,
) -> list[str]:
    """Write the extracted reports as JSON lines, one file per partition; return the file names.

    ``target`` is a Dask path pattern such as ``"out/reports-*.jsonl"`` (local or any fsspec URL);
    each line is exactly a ``reports.jsonl`` line of ``nlp-extract batch`` (UTF-8), so the part files
    concatenated in order equal its ``reports.jsonl``.  Failed inputs are left out: see :func:`errors`.
    Without ``bag.persist()`` first, writing and :func:`errors` each run the extraction.
    """
    files = bag.map_partitions(_partition_text).to_textfiles(
        target,
        name_function=name_function,
        compression=compression,
        encoding="utf-8",
        storage_options=storage_options,
        last_endline=False,
    )
    return [str(f) for f in files]


def read_jsonl(files: Iterable[str]) -> list[dict[str, Any]]:
    """Read part files back (small corpora and tests; a large one should stay a bag: ``db.read_text``)."""
    out: list[dict[str, Any]] = []
    for name in files:
        with open(name, "rb") as f:  # split on b"\n" only: report text may hold U+2028, which str.splitlines cuts
            out.extend(json.loads(line) for line in f if line.strip())
    return out
