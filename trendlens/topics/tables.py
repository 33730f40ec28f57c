"""The trend tables: one row per trend (or consumer trend) with its size, span and examples, ranked.

``TrendDetector.trends_`` and ``consumer_trends_`` are built here from the fit's labels, the corpus
and the signal summary; the ranking is the report's (:func:`ranked`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: Share of the documents in trends from which one consumer trend is the corpus's main trend and leads the
#: ranking: a corpus collected about one phenomenon (posts about a platform migration) reads as that trend
#: with its facets, as an analyst's report does, not as its latest month's smaller movers.
MAIN_TREND_SHARE = 0.5
#: Columns a trend table starts with, in this order (those present).
FRONT = ["label", "keywords", "size", "share", "virality", "lifecycle", "growth", "p_value"]


def trend_rows(
    ids: Sequence[int],
    labels: np.ndarray,
    corpus: Any,
    centrality: np.ndarray,
    n_examples: int,
    extra: Callable[[int, np.ndarray], dict[str, Any]],
) -> list[dict[str, Any]]:
    """One row per id of ``ids``: ``trend``, the columns ``extra(id, members)`` gives (``members``: the
    indices of its documents in ``labels``), ``size``, ``share``, ``first_seen``, ``last_seen`` (dates
    of its documents) and ``example_ids`` (its ``n_examples`` documents of highest ``centrality``)."""
    timestamps = corpus.timestamps
    rows = []
    for trend in ids:
        members = np.flatnonzero(labels == trend)
        stamps = timestamps[members][~np.isnat(timestamps[members])]
        order = members[np.argsort(-centrality[members], kind="stable")]
        rows.append(
            {
                "trend": trend,
                **extra(trend, members),
                "size": len(members),
                "share": len(members) / len(labels),
                "first_seen": str(stamps.min())[:10] if len(stamps) else None,
                "last_seen": str(stamps.max())[:10] if len(stamps) else None,
                "example_ids": [corpus[i].id for i in order[:n_examples]],
            }
        )
    return rows


def trend_table(rows: list[dict[str, Any]], columns: Sequence[str], summary: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (of :func:`trend_rows`) joined with the signal ``summary`` (index: trend), :data:`FRONT`
    columns first, :func:`ranked`. No row at all (tiny or uniform corpora) gives an empty table."""
    import pandas as pd

    table = pd.DataFrame(rows, columns=["trend", *columns]).set_index("trend").join(summary, how="left")
    table = table[[c for c in FRONT if c in table] + [c for c in table if c not in FRONT]]
    return ranked(table)


def ranked(table: pd.DataFrame) -> pd.DataFrame:
    """A trend table in the report's order: rising trends, then those with a stage, then quiet ones
    (:func:`~trendlens.signals.ranking.rank_tiers`), each by virality then size; ties in id order,
    so equal tables always rank alike. Without timestamps (no signals): by size."""
    from trendlens.signals.ranking import rank_tiers

    name = table.index.name
    frame = table.reset_index()
    if "virality" not in table:
        return frame.sort_values(["size", name], ascending=[False, True], kind="stable").set_index(name)
    frame["_tier"] = rank_tiers(frame["lifecycle"].tolist() if "lifecycle" in frame else [None] * len(frame))
    keys = ["_tier", "virality", "size", name]
    ordered = frame.sort_values(keys, ascending=[True, False, False, True], na_position="last", kind="stable")
    return ordered.drop(columns="_tier").set_index(name)


def main_trend_first(table: pd.DataFrame, clustered: int) -> pd.DataFrame:
    """A ranked consumer-trend table with the corpus's main trend first: the one holding at least
    :data:`MAIN_TREND_SHARE` of the ``clustered`` documents (those in trends), when there is one."""
    if len(table) and clustered and table["size"].max() >= MAIN_TREND_SHARE * clustered:
        main = table["size"].idxmax()  # the corpus is about it: it leads, the others follow as ranked
        table = table.loc[[main, *[g for g in table.index if g != main]]]
    return table
