"""Metadata agreement with gold annotations: issuing body (any allowed form), year, publication date.

    python benchmarks/metadata_eval.py annotations/ [--errors]

A report's organization is right when it equals the gold ``organization`` or any of its
``organization_alt`` forms (docs/ANNOTATION_GUIDE.md section 4 lists every form the rules allow),
compared in simplified script.  Prints one line per field: right / reports.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nlp_extract.metadata import extract_meta
from nlp_extract.normalise import normalise
from nlp_extract.structure import analyse


def records(path: Path) -> list[dict[str, Any]]:
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def allowed(record: dict[str, Any]) -> set[str | None]:
    forms = [record.get("organization"), *(record.get("organization_alt") or [])]
    return {normalise(f).text if f else None for f in forms}


def evaluate(recs: list[dict[str, Any]]) -> tuple[dict[str, int], list[str]]:
    right = {"organization": 0, "year": 0, "published": 0}
    misses: list[str] = []
    for r in recs:
        n = normalise(r["text"])
        meta = extract_meta(analyse(n.text), n.text)
        ok = meta.organization in allowed(r)
        right["organization"] += ok
        right["year"] += meta.year == r.get("year")
        right["published"] += meta.published == r.get("published")
        if not ok:
            misses.append(f"{r['id']}: {meta.organization!r} not in {sorted(map(str, allowed(r)))}")
    return right, misses


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("annotations", type=Path)
    p.add_argument("--errors", action="store_true", help="list the organization misses")
    args = p.parse_args(argv)
    recs = records(args.annotations)
    right, misses = evaluate(recs)
    for field, n in right.items():
        print(f"{field}: {n}/{len(recs)} = {n / len(recs):.3f}")
    if args.errors:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
