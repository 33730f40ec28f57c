"""The trend tables: one row per trend (or consumer trend) with its size, span and examples, ranked.

``TrendDetector.trends_`` (:func:`keyword_trend_table`) and ``consumer_trends_``
(:func:`consumer_trend_table`) are built here from the fit's labels, the corpus and the signal
summary; the ranking is the report's (:func:`ranked`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from trendlens.signals.trends import DocumentSignals, SignalConfig, trend_signals
from trendlens.topics.assign import similarity_to_own_centroid
from trendlens.topics.model import cluster_centroids, label_from_keywords

if TYPE_CHECKING:
    import pandas as pd

    from trendlens.topics.terms import Terms

#: Share of the documents in trends from which one consumer trend is the corpus's main trend and leads the
#: ranking: a corpus collected about one phenomenon (posts about a platform migration) reads as that trend
#: with its facets, as an analyst's report does, not as its latest month's smaller movers.
MAIN_TREND_SHARE = 0.5
#: Most words of content (words that are not stop words; a hashtag counts as the words it is made of) a
#: document may say and still be a short reaction: "Super", "Wow❤️", "very good app" (:func:`brief_documents`).
BRIEF_WORDS = 2
#: Columns a trend table starts with, in this order (those present).
FRONT = ["label", "keywords", "size", "share", "virality", "lifecycle", "growth", "p_value"]


def brief_documents(texts: Sequence[str], terms: Terms) -> np.ndarray:
    """Per text, whether it says at most :data:`BRIEF_WORDS` words of content (``terms``' stop words
    aside): the short reactions of app reviews and replies ("Super", "Wow❤️❤️❤️", "nice app")."""
    return np.array(
        [
            sum(not terms.is_stop(key) for segment in terms.segments(text) for key, _ in segment) <= BRIEF_WORDS
            for text in texts
        ],
        dtype=bool,
    )


def trend_rows(
    ids: Sequence[int],
    labels: np.ndarray,
    corpus: Any,
    centrality: np.ndarray,
    n_examples: int,
    extra: Callable[[int, np.ndarray], dict[str, Any]],
    brief: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """One row per id of ``ids``: ``trend``, the columns ``extra(id, members)`` gives (``members``: the
    indices of its documents in ``labels``), ``size``, ``share``, ``first_seen``, ``last_seen`` (dates
    of its documents), ``example_ids`` (its ``n_examples`` documents of highest ``centrality``) and,
    given ``brief`` (per document, :func:`brief_documents`), ``brief``: the share of its documents that
    are short reactions (:func:`~trendlens.signals.ranking.rank_tiers` ranks such trends last)."""
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
                **({"brief": float(brief[members].mean()) if len(members) else 0.0} if brief is not None else {}),
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


def brief_shares(table: pd.DataFrame) -> np.ndarray:
    """Per row of a trend table, its ``brief`` share (:func:`trend_rows`); 0 for a table without the column
    (a fit saved before it) and for an unknown share."""
    return table["brief"].fillna(0.0).to_numpy(dtype=np.float64) if "brief" in table else np.zeros(len(table))


def ranked(table: pd.DataFrame) -> pd.DataFrame:
    """A trend table in the report's order: rising trends, then the others, then those with no recent
    document, then short reactions (:func:`~trendlens.signals.ranking.rank_tiers`), each by virality then
    size; ties in id order, so equal tables always rank alike. Without timestamps (no signals): by size,
    short reactions last."""
    from trendlens.signals.ranking import rank_tiers, short_reactions

    name = table.index.name
    frame = table.reset_index()
    brief = brief_shares(frame)
    if "virality" not in table:
        frame["_tier"] = short_reactions(brief).astype(np.int64)
        ordered = frame.sort_values(["_tier", "size", name], ascending=[True, False, True], kind="stable")
        return ordered.drop(columns="_tier").set_index(name)
    stages = frame["lifecycle"].tolist() if "lifecycle" in frame else [None] * len(frame)
    frame["_tier"] = rank_tiers(stages, frame["recent"].fillna(0).tolist() if "recent" in frame else None, brief)
    keys = ["_tier", "virality", "size", name]
    ordered = frame.sort_values(keys, ascending=[True, False, False, True], na_position="last", kind="stable")
    return ordered.drop(columns="_tier").set_index(name)


def main_trend_first(table: pd.DataFrame, clustered: int) -> pd.DataFrame:
    """A ranked consumer-trend table with the corpus's main trend first: the one holding at least
    :data:`MAIN_TREND_SHARE` of the ``clustered`` documents (those in trends), when there is one and it
    is not short reactions (:func:`~trendlens.signals.ranking.rank_tiers`)."""
    from trendlens.signals.ranking import short_reactions

    if len(table) and clustered and table["size"].max() >= MAIN_TREND_SHARE * clustered:
        main = table["size"].idxmax()  # the corpus is about it: it leads, the others follow as ranked
        if not short_reactions(brief_shares(table))[table.index.get_loc(main)]:
            table = table.loc[[main, *[g for g in table.index if g != main]]]
    return table


def keyword_trend_table(
    keywords: Mapping[int, list[str]],
    labels: np.ndarray,
    corpus: Any,
    centrality: np.ndarray,
    n_examples: int,
    summary: pd.DataFrame,
    brief: np.ndarray | None = None,
) -> pd.DataFrame:
    """The trend table (``trends_``): a row per trend of ``keywords``, labelled from its keywords
    (:func:`~trendlens.topics.model.label_from_keywords`) before the names of its documents replace them;
    ``brief``: per document, whether it is a short reaction (:func:`brief_documents`)."""

    def names(trend: int, members: np.ndarray) -> dict[str, Any]:
        words = keywords[trend]
        texts = [corpus[i].text for i in members]
        return {"label": label_from_keywords(words, member_texts=texts), "keywords": words}

    rows = trend_rows(sorted(keywords), labels, corpus, centrality, n_examples, names, brief)
    columns = ["label", "keywords", "size", "share", "first_seen", "last_seen", "example_ids"]
    return trend_table(rows, columns + (["brief"] if brief is not None else []), summary)


class ConsumerTrends(NamedTuple):
    """The consumer trends measured whole: their table and signals, and per document its consumer trend."""

    table: pd.DataFrame
    signals: pd.DataFrame
    labels: np.ndarray
    centroids: dict[int, np.ndarray]
    centrality: np.ndarray


def consumer_trend_table(
    groups: Mapping[int, Any],
    trends: pd.DataFrame,
    docs: DocumentSignals,
    config: SignalConfig,
    corpus: Any,
    embeddings: Any,
    n_examples: int,
    brief: np.ndarray | None = None,
) -> ConsumerTrends:
    """Consumer trends (merged sub trends) as trends of their own: one row each, and their signals.

    ``groups`` maps each trend id to its consumer trend (``id``, ``name``, ``keywords``,
    ``members``). Every document of a sub trend counts for its consumer trend, so a phenomenon
    split into several sub trends is measured whole. Ranked as ``trends`` is, except that a
    consumer trend holding :data:`MAIN_TREND_SHARE` of the documents in trends leads.
    """
    labels = docs.labels
    by_id = {g.id: g for g in groups.values()}
    lookup = np.full(max(groups, default=0) + 1, -1, dtype=np.int64)
    for trend, group in groups.items():
        lookup[trend] = group.id
    group_labels = np.where(labels >= 0, lookup[np.maximum(labels, 0)], -1)
    signals, summary, _ = trend_signals(replace(docs, labels=group_labels), config)
    centroids = cluster_centroids(group_labels, embeddings)
    centrality = similarity_to_own_centroid(group_labels, embeddings, centroids)
    rank = {t: k for k, t in enumerate(trends.index)}
    extra = {
        gid: {
            "label": group.name,
            "keywords": list(group.keywords),
            "members": sorted(group.members, key=rank.__getitem__),
        }
        for gid, group in by_id.items()
    }
    rows = trend_rows(sorted(by_id), group_labels, corpus, centrality, n_examples, lambda gid, _: extra[gid], brief)
    columns = ["label", "keywords", "members", "size", "share", "first_seen", "last_seen", "example_ids"]
    columns += ["brief"] if brief is not None else []
    table = trend_table(rows, columns, summary)
    table.index.name = "consumer_trend"
    return ConsumerTrends(
        main_trend_first(table, int((labels >= 0).sum())), signals, group_labels, centroids, centrality
    )
