"""Signal checks on real corpora: does trendlens flag emergence when it happens, and only then?

    python benchmarks/bench_signals.py [--embedder minilm]

1. HuffPost 2018-2022 (month windows): the COVID trend's lifecycle around its onset,
   and the stages of the most steady long-running trend.
2. CrisisLex dev events (day windows): per event, days from its first tweet to the
   first window its trend is flagged "emerging"; clusters flagged that belong to no
   single event (false alarms).
3. Trump tweets (month windows): the trends with the highest engagement and virality.

Writes benchmarks/results/signals.json. Embeddings come from the cache after the first run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import RESULTS, read_records  # noqa: E402
from trendlens import TrendDetector, load_corpus  # noqa: E402
from trendlens.eval.backtest import emergence_backtest  # noqa: E402

COVID_WORDS = {"coronavirus", "covid", "covid 19", "pandemic", "virus", "vaccine", "vaccines", "vaccinated"}


def fit(name: str, embedder: str, window: str) -> tuple[TrendDetector, list[dict]]:
    records = read_records(name)
    start = time.perf_counter()
    det = TrendDetector(embedder=embedder, signals={"window": window}, show_progress=False).fit(load_corpus(records))
    print(f"[signals] {name}: {len(det.trends_)} trends in {time.perf_counter() - start:.0f} s", flush=True)
    return det, records


def stages(det: TrendDetector, trend: int, start: str, stop: str) -> dict[str, str]:
    part = det.signals_[(det.signals_["trend"] == trend) & det.signals_["window"].between(start, stop)]
    return {
        r.window: f"{r.lifecycle} ({r.count} docs, share {r.share:.3f}, growth {r.growth:.2f}, p {r.p_value:.2g})"
        for r in part.itertuples()
    }


def huffpost(embedder: str) -> dict:
    det, _ = fit("huffpost", embedder, "month")
    table = det.trends_
    covid_like = [t for t in table.index if COVID_WORDS & set(table.loc[t, "keywords"][:5])]
    spring = det.signals_[det.signals_["window"].between("2020-03", "2020-06")].set_index("trend")["count"]
    covid = max(covid_like, key=lambda t: spring.loc[t].sum()) if covid_like else None
    result: dict = {"n_trends": len(table), "covid_candidates": [table.loc[t, "label"] for t in covid_like]}
    if covid is not None:
        series = det.signals_[det.signals_["trend"] == covid].set_index("window")
        flagged = series[series["lifecycle"].isin(["emerging", "accelerating"])].index
        result["covid"] = {
            "trend": int(covid),
            "label": table.loc[covid, "label"],
            "first_flag": flagged.min() if len(flagged) else None,
            "peak_window": series["share"].idxmax(),
            "windows": stages(det, covid, "2019-11", "2020-08"),
        }
    # long-running steady trend: present every month with the lowest variation of share
    signals = det.signals_
    present = signals.groupby("trend")["count"].apply(lambda c: (c > 0).mean())
    variation = signals.groupby("trend")["share"].apply(lambda s: s.std() / s.mean() if s.mean() else np.inf)
    steady = variation[present >= 0.9].idxmin()
    labels = Counter(signals.loc[signals["trend"] == steady, "lifecycle"])
    result["steady"] = {"trend": int(steady), "label": table.loc[steady, "label"], "stages": dict(labels)}
    result["emerging_windows_per_trend"] = {
        table.loc[t, "label"]: int((signals[signals["trend"] == t]["lifecycle"] == "emerging").sum())
        for t in table.index
    }
    return result


def crisislex(embedder: str) -> dict:
    det, records = fit("crisislex_dev", embedder, "day")
    by_id = {r["id"]: r for r in records}
    return emergence_backtest(det, [by_id[d.id]["event"] for d in det.corpus_])


def trump(embedder: str) -> dict:
    det, _ = fit("trump_tweets", embedder, "month")
    columns = ["label", "size", "engagement", "virality", "peak_virality", "lifecycle", "growth", "p_value"]
    components = [c for c in det.trends_.columns if c.startswith("virality_")]
    top_engagement = det.trends_.sort_values("engagement", ascending=False).head(5)
    top_virality = det.trends_.sort_values("peak_virality", ascending=False).head(5)

    def rows(frame):
        return [{**{c: _plain(frame.loc[t, c]) for c in columns + components}, "trend": int(t)} for t in frame.index]

    return {"by_engagement": rows(top_engagement), "by_peak_virality": rows(top_virality)}


def _plain(value):
    if isinstance(value, (np.floating, float)):
        return None if value != value else round(float(value), 4)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="minilm")
    args = parser.parse_args()
    result = {
        "embedder": args.embedder,
        "huffpost": huffpost(args.embedder),
        "crisislex": crisislex(args.embedder),
        "trump": trump(args.embedder),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "signals.json").write_text(json.dumps(result, indent=2, default=_plain) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, default=_plain))


if __name__ == "__main__":
    main()
