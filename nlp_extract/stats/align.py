"""Order-aware matching of table rows to template rows by label.

Labels decide; order only breaks ties between rows whose labels are the same in the
form (``（二）被依法纠错数`` under both 行政复议 and 行政诉讼).  A monotone alignment
(as in sequence alignment, with free skips on both sides) finds the best set of matches
that keeps the form's order; rows that a report moved elsewhere are then matched on their
own when their label leaves no doubt.
"""

from __future__ import annotations

from collections.abc import Sequence

from .labels import window_similarities
from .tables import Row

MIN_SCORE = 0.6
SURE_SCORE = 0.85


def score_matrix(rows: Sequence[Row], labels: Sequence[str]) -> list[list[float]]:
    return window_similarities([r.label_texts for r in rows], labels).tolist()


def align(scores: Sequence[Sequence[float]], min_score: float = MIN_SCORE) -> dict[int, int]:
    """Row index -> label index: the order-preserving matching with the highest total score."""
    n = len(scores)
    m = len(scores[0]) if n else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = scores[i][j] + best[i + 1][j + 1] if scores[i][j] >= min_score else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    pairs: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        s = scores[i][j]
        if s >= min_score and abs(best[i][j] - (s + best[i + 1][j + 1])) < 1e-9:
            pairs[i] = j
            i, j = i + 1, j + 1
        elif abs(best[i][j] - best[i + 1][j]) < 1e-9:
            i += 1
        else:
            j += 1
    return _add_sure(scores, pairs)


def _add_sure(scores: Sequence[Sequence[float]], pairs: dict[int, int]) -> dict[int, int]:
    """Rows left out of the alignment whose label matches one unused template row beyond doubt."""
    used = set(pairs.values())
    out = dict(pairs)
    for i, row in enumerate(scores):
        if i in out:
            continue
        ranked = sorted(((s, j) for j, s in enumerate(row) if j not in used), reverse=True)
        if not ranked or ranked[0][0] < SURE_SCORE:
            continue
        if len(ranked) > 1 and ranked[1][0] >= ranked[0][0] - 0.1:
            continue  # two template rows fit as well: order was needed and it said no
        out[i] = ranked[0][1]
        used.add(ranked[0][1])
    return out
