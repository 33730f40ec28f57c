"""The ``trendlens`` command: thin wrappers over library calls, clear errors, exit codes.

Exit codes: 0 success, 2 a trendlens error (bad input, missing model, bad
setting), 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from trendlens.errors import ConfigError, TrendlensError
from trendlens.validation import check_output_dir

if TYPE_CHECKING:
    from trendlens.report.content import Trend


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one ``trendlens: error:`` line and exit code 2, like every other refused input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"trendlens: error: {self.prog}: {message} (see {self.prog} --help)\n")


def _at_least(minimum: float, kind: type = int):  # type: ignore[no-untyped-def]
    """An argparse type: a number of ``kind`` no smaller than ``minimum``."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            what = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not value >= minimum:  # also refuses NaN
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


#: Sub trends printed under each consumer trend of the terminal table (its first by the report's ranking).
SUB_TRENDS_SHOWN = 5


#: Narrowest example column worth printing; on a narrower terminal the table has no example column.
MIN_EXAMPLE_WIDTH = 20
#: Widest example column (characters of the example's first line).
MAX_EXAMPLE_WIDTH = 60


def _print_table(report: object, top: int, stream: object = None) -> None:
    """The top ``top`` consumer trends as a table on the terminal, each with its first sub trends under it
    (:data:`SUB_TRENDS_SHOWN`, in the report's ranking), as the report leads with them (rich; plain box
    characters when piped). A corpus about one phenomenon is one row and its facets, not a flat list of them.

    The example column takes what the other columns leave of the terminal's width (it was 60 characters wide
    whatever the width, so an 80-column terminal printed "#", "…" and the examples, no name, no number)."""
    import shutil

    from rich.console import Console
    from rich.table import Table

    from trendlens.report.markdown import fmt_growth, fmt_number, one_line

    rows: list[tuple[str, ...]] = []  # the cells of each row, its example last

    def row(rank: str, label: str, t: Trend) -> None:
        example = one_line(t.examples[0].text, MAX_EXAMPLE_WIDTH) if t.examples else ""
        growth = fmt_growth(t.growth)
        rows.append((rank, label, str(t.size), fmt_number(t.virality, ".1f"), t.lifecycle or "n/a", growth, example))

    for rank, group in enumerate(report.consumer_trends[:top], start=1):  # type: ignore[attr-defined]
        row(str(rank), one_line(group.label, 40), group)
        if group.n_members < 2:
            continue
        ids = set(group.members)
        members = [t for t in report.trends if t.id in ids]  # type: ignore[attr-defined]  # in the report's ranking
        for t in members[:SUB_TRENDS_SHOWN]:
            row("", "  · " + one_line(t.label, 36), t)
        if len(members) > SUB_TRENDS_SHOWN:
            rows.append(("", f"  · {len(members) - SUB_TRENDS_SHOWN} more sub trends", "", "", "", "", ""))

    def table(example_width: int) -> Table:
        out = Table(show_edge=False, pad_edge=False, header_style="bold")
        for name, justify in (("#", "right"), ("trend", "left"), ("size", "right"), ("virality", "right")):
            out.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        out.add_column("stage", no_wrap=True)
        out.add_column("growth", justify="right", no_wrap=True)
        if example_width:
            out.add_column("example", overflow="ellipsis", no_wrap=True, max_width=example_width)
        for cells in rows:
            out.add_row(*(cells if example_width else cells[:-1]))
        return out

    width = shutil.get_terminal_size((140, 24)).columns
    console = Console(file=stream or sys.stdout, width=width, highlight=False, markup=False)
    left = width - console.measure(table(0)).maximum - 3  # a separator and its padding before the example
    console.print(table(min(left, MAX_EXAMPLE_WIDTH) if left >= MIN_EXAMPLE_WIDTH else 0))


def _summary(report: object, corpus: object, det: object, paths: dict, seconds: float) -> dict:
    """What `trendlens run --json` prints: the ranked sub trends and consumer trends (each with its sub trends'
    ids), the files written, the counts."""
    return {
        "documents": len(corpus),  # type: ignore[arg-type]
        "window": det.window_,  # type: ignore[attr-defined]
        "seconds": round(seconds, 1),
        "files": {kind: str(path) for kind, path in paths.items()},
        "trends": [
            {**_ranked(rank, t), "keywords": list(t.keywords)}
            for rank, t in enumerate(report.trends, start=1)  # type: ignore[attr-defined]
        ],
        "consumer_trends": [
            {**_ranked(rank, g), "members": list(g.members)}
            for rank, g in enumerate(report.consumer_trends, start=1)  # type: ignore[attr-defined]
        ],
    }


def _ranked(rank: int, trend: Trend) -> dict:
    """What `--json` says of every ranked trend and consumer trend."""
    return {
        "rank": rank,
        "id": trend.id,
        "label": trend.label,
        "size": trend.size,
        "virality": trend.virality,
        "lifecycle": trend.lifecycle,
        "growth": trend.growth,
    }


def _run(args: argparse.Namespace) -> int:
    from trendlens.corpus import load_corpus
    from trendlens.detector import TrendDetector
    from trendlens.progress import stage

    started = time.perf_counter()
    if args.workers is not None and (args.workers < 1 or args.scheduler):
        raise ConfigError(
            "--workers needs a number of at least 1, and no --scheduler (a running cluster has its own workers)"
        )
    check_output_dir(args.out)
    topics, signals = _configs(args)  # a bad setting fails before the files are read
    source = args.paths if len(args.paths) > 1 else args.paths[0]
    with stage(f"reading {len(args.paths)} file(s)", not args.quiet):
        corpus = load_corpus(
            source,
            on_error=args.on_error,
            max_record_bytes=int(args.max_record_mb * 2**20),
            **({"earliest": None, "max_ahead": None} if args.any_time else {}),
        )
    if args.sample is not None:
        corpus = corpus.sample(args.sample, random_state=args.seed)
    logging.getLogger("trendlens").info("%r", corpus)
    det = TrendDetector(
        embedder=args.embedder,
        embedding_cache=not args.no_cache,
        topics=topics,
        signals=signals,
        fit_sample=args.fit_sample or None,
        executor="dask" if args.scheduler or args.workers else "local",
        scheduler=args.scheduler,
        workers=args.workers,
        show_progress=not args.quiet,
    ).fit(corpus)
    report = det.report()
    with stage(f"writing the report to {args.out}", not args.quiet):
        paths = report.save(args.out)
    if args.save_model:
        with stage(f"saving the fitted detector to {args.save_model}", not args.quiet):
            paths["model"] = det.save(args.save_model)
    if args.json:
        import json

        print(json.dumps(_summary(report, corpus, det, paths, time.perf_counter() - started), ensure_ascii=False))
    elif not args.quiet:
        print(
            f"\n{len(report.consumer_trends)} consumer trends of {len(report.trends)} sub trends in {len(corpus)} "
            f"documents; top {args.top} by virality in the latest {det.window_}, each with its first sub trends:\n"
        )
        _print_table(report, args.top)
        model = f"; the fitted detector in {paths['model']}" if "model" in paths else ""
        print(
            f"\nwrote {paths['markdown']}, {paths['html']} and {paths['json']}{model} "
            f"in {time.perf_counter() - started:.0f} s"
        )
    return 0


def _report(args: argparse.Namespace) -> int:
    from trendlens.report import TrendReport

    check_output_dir(args.out)
    report = TrendReport.load(args.report)
    if args.generator:
        from trendlens.report.generate import load_generator

        report = report.rewrite(load_generator(args.generator))
    paths = report.save(args.out)
    if not args.quiet:
        print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0


def _job(args: argparse.Namespace) -> int:
    from trendlens.jobs import JobConfig, Quarantine, run_job

    if args.out:  # before the run commits: a report that cannot be written must not be lost after it
        check_output_dir(args.out)
    topics, signals = _configs(args)
    config = JobConfig(
        embedder=args.embedder,
        window_days=args.window_days,
        mode=args.mode,
        topics=topics,
        signals=signals,
        on_error=args.on_error,
        any_time=args.any_time,
        reembed=args.reembed,
        max_record_bytes=int(args.max_record_mb * 2**20),
        embedding_cache=not args.no_cache,
        executor="dask" if args.scheduler or args.workers else "local",
        scheduler=args.scheduler,
        workers=args.workers,
    )
    quarantine = Quarantine(
        tuple(args.quarantine or ()), args.quarantine_before, args.quarantine_after, tuple(args.restore or ())
    )
    result = run_job(
        args.store,
        args.input or (),
        config,
        wait=args.wait,
        dry_run=args.dry_run,
        show_progress=not args.quiet,
        with_report=bool(args.out),
        quarantine=quarantine,
    )
    if args.out and result.report is not None:
        paths = result.report.save(args.out)
        if not args.quiet:
            print(f"wrote {paths['markdown']}, {paths['html']} and {paths['json']}")
    if not args.quiet or args.dry_run:
        print(result.summary())
    return 0


def _eval(args: argparse.Namespace) -> int:
    from trendlens.eval.run import PROSPECTIVE, run, run_prospective

    directories = args.corpora_dir or ["corpora"]
    progress = None if args.quiet else print
    if args.prospective:
        corpora = args.corpus or list(PROSPECTIVE)
        run_prospective(corpora, directories, args.out, limit=args.limit, progress=progress)
    else:
        corpora = args.corpus or ["bbc", "20newsgroups", "trump", "huffpost", "crisislex"]
        run(corpora, directories, args.out, limit=args.limit, progress=progress)
    if not args.quiet:
        print(f"wrote {args.out}")
    return 0


def _moment(text: str) -> datetime:
    """An ISO 8601 date or time (UTC when it names no zone), for argparse."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 date (e.g. 2026-12-04 or 2026-12-04T08:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


_MAX_RECORD = {
    "type": _at_least(0.001, float),
    "default": 16.0,
    "metavar": "MB",
    "help": "longest line of an input file, in MiB (default: 16); longer lines are invalid records",
}
_ANY_TIME = "accept any timestamp (default: one before 1990 or more than a day ahead is an invalid record)"


_CONFIG_HELP = (
    "any {kind} setting as KEY=VALUE (repeatable), e.g. {example}; none, true/false and 1,2 are read by type; "
    "see docs/api.md"
)


def _configs(args: argparse.Namespace) -> tuple:
    """The run's ``TopicConfig`` and ``SignalConfig``: the shortcut flags, then ``--topic`` / ``--signal`` pairs."""
    from trendlens.signals.trends import SignalConfig
    from trendlens.topics.model import TopicConfig
    from trendlens.validation import config_pairs

    topics: dict = {"random_state": args.seed}
    if args.min_cluster_size is not None:
        topics["min_cluster_size"] = args.min_cluster_size
    topics.update(config_pairs(TopicConfig, args.topic, "--topic"))
    signals: dict = {"window": args.window} if getattr(args, "window", None) else {}
    signals.update(config_pairs(SignalConfig, args.signal, "--signal"))
    config = TopicConfig(**topics)
    config.validate()
    return config, SignalConfig(**signals)


def _config_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--topic",
        action="append",
        metavar="KEY=VALUE",
        help=_CONFIG_HELP.format(kind="TopicConfig (clustering, keywords)", example="--topic ngram_range=1,3"),
    )
    parser.add_argument(
        "--signal",
        action="append",
        metavar="KEY=VALUE",
        help=_CONFIG_HELP.format(kind="SignalConfig (windows, tests, bursts)", example="--signal burst_s=3"),
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = _Parser(prog="trendlens", description="Find emergent trends in time-stamped text.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="detect trends in files and write a report")
    run.add_argument("paths", nargs="+", help="JSONL(.gz), CSV or Parquet files")
    run.add_argument("--out", default="out", help="output folder (default: out)")
    run.add_argument(
        "--top", type=_at_least(1), default=15, help="consumer trends shown in the printed table, with their sub trends"
    )
    run.add_argument("--window", default="auto", choices=["auto", "day", "week", "month"])
    run.add_argument("--min-cluster-size", type=_at_least(2), default=None, help="HDBSCAN minimum cluster size")
    run.add_argument("--sample", type=_at_least(1), default=None, help="use a random sample of N documents")
    run.add_argument("--seed", type=_at_least(0), default=42, help="random seed (0 or more)")
    run.add_argument("--max-record-mb", **_MAX_RECORD)
    _config_flags(run)
    run.add_argument(
        "--embedder",
        default="minilm",
        help="minilm (default), minilm-onnx (faster), minilm-static (fastest) or multilingual (not all English)",
    )
    run.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    run.add_argument(
        "--fit-sample",
        type=_at_least(0),
        default=50_000,
        metavar="N",
        help="cluster at most N documents, sampled evenly over time; the rest join the closest trend "
        "(default: 50000; 0: all)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="embed and assign on this Dask scheduler (tcp://host:8786); needs trendlens[dask]",
    )
    run.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="without --scheduler: embed and assign on a local Dask cluster of N worker processes",
    )
    run.add_argument("--on-error", default="raise", choices=["raise", "skip"], help="invalid records: stop or skip")
    run.add_argument("--any-time", action="store_true", help=_ANY_TIME)
    run.add_argument("--quiet", action="store_true", help="no progress bars or table")
    run.add_argument(
        "--json", action="store_true", help="print the ranked trends and the files written as one JSON object"
    )
    run.add_argument(
        "--save-model",
        default=None,
        metavar="DIR",
        help="also save the fitted detector to DIR (TrendDetector.load(DIR) in Python: predict, report)",
    )
    run.set_defaults(func=_run)
    again = sub.add_parser("report", help="render a saved report.json again (Markdown, HTML) without recomputing")
    again.add_argument("report", help="a report.json written by `trendlens run`")
    again.add_argument("--out", default="out", help="output folder (default: out)")
    again.add_argument(
        "--generator",
        default=None,
        help="rewrite the wording with a Generator given as 'package.module:name' (evidence is kept)",
    )
    again.add_argument("--quiet", action="store_true")
    again.set_defaults(func=_report)

    job = sub.add_parser(
        "job",
        help="the scheduled run: ingest new files into a trend store, re-cluster, keep trend ids stable",
        description="Ingest new documents into a DuckDB trend store, embed only what is new, re-cluster and "
        "match the trends to their stable ids; the run is committed atomically.",
    )
    job.add_argument("--store", default="trendlens.duckdb", help="the DuckDB store file (default: trendlens.duckdb)")
    job.add_argument(
        "--input", action="append", help="file, folder or glob pattern of new documents (repeatable; optional)"
    )
    job.add_argument(
        "--window-days", type=_at_least(1), default=None, help="cluster only the last N days (default: all)"
    )
    job.add_argument("--mode", default="auto", choices=["auto", "full", "incremental"])
    job.add_argument(
        "--wait", type=_at_least(0.0, float), default=0.0, help="seconds to wait if another job holds the store"
    )
    job.add_argument("--dry-run", action="store_true", help="show what would be ingested and embedded; write nothing")
    job.add_argument("--out", default=None, help="also write the run's report (stable trend ids) to this folder")
    job.add_argument("--embedder", default="minilm", help="embedder name (default: minilm)")
    job.add_argument(
        "--no-cache", action="store_true", help="do not read or write the embedding cache shared with `trendlens run`"
    )
    job.add_argument("--scheduler", metavar="ADDRESS", default=None, help="embed and assign on this Dask scheduler")
    job.add_argument(
        "--workers", type=int, default=None, metavar="N", help="without --scheduler: a local Dask cluster of N workers"
    )
    job.add_argument("--min-cluster-size", type=_at_least(2), default=None, help="HDBSCAN minimum cluster size")
    job.add_argument("--seed", type=_at_least(0), default=42, help="random seed (0 or more)")
    _config_flags(job)
    job.add_argument("--on-error", default="raise", choices=["raise", "skip"], help="invalid records: stop or skip")
    job.add_argument("--any-time", action="store_true", help=_ANY_TIME)
    job.add_argument("--max-record-mb", **_MAX_RECORD)
    job.add_argument(
        "--reembed",
        action="store_true",
        help="accept an embedder other than the store's last run's: embed every document again (a full run)",
    )
    job.add_argument(
        "--quarantine",
        action="append",
        metavar="ID",
        help="take the document with this id out of the store before the run (kept; repeatable)",
    )
    job.add_argument(
        "--quarantine-before",
        type=_moment,
        metavar="DATE",
        help="take documents dated before DATE (ISO 8601) out of the store before the run",
    )
    job.add_argument(
        "--quarantine-after",
        type=_moment,
        metavar="DATE",
        help="take documents dated after DATE (ISO 8601) out of the store before the run",
    )
    job.add_argument("--restore", action="append", metavar="ID", help="put a quarantined document back (repeatable)")
    job.add_argument("--quiet", action="store_true", help="no progress bars or summary")
    job.set_defaults(func=_job)

    evaluate = sub.add_parser(
        "eval",
        help="score trendlens against plain BERTopic on labelled corpora (NPMI, diversity, NMI, seed stability)",
        description="Preprocess each corpus as the BERTopic paper's protocol does, cluster it with trendlens and "
        "with plain BERTopic on the same embeddings and three seeds, and merge the scores into a JSON file "
        "(see docs/evaluation.md).",
    )
    evaluate.add_argument(
        "--corpus",
        nargs="+",
        default=None,
        help="topic quality on bbc, 20newsgroups, trump, huffpost; the emergence back-test on crisislex "
        "(default: all five); with --prospective: huffpost, trump, bluesky_migration, crisislex, "
        "threads_launch_reviews (default: all five)",
    )
    evaluate.add_argument(
        "--prospective",
        action="store_true",
        help="score virality and the lifecycle flags against each trend's future growth, with two baselines",
    )
    evaluate.add_argument(
        "--corpora-dir",
        action="append",
        help="folder holding <name>.jsonl.gz files (repeatable; the first holding a corpus wins; default: corpora)",
    )
    evaluate.add_argument(
        "--limit", type=_at_least(1), default=None, help="a seeded sample of at most N documents per corpus"
    )
    evaluate.add_argument(
        "--out", default="evaluation.json", help="JSON file the scores are merged into (default: evaluation.json)"
    )
    evaluate.add_argument("--quiet", action="store_true")
    evaluate.set_defaults(func=_eval)
    return parser


_PACKAGE = str(Path(__file__).resolve().parent)


def _show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    """trendlens's own warnings (about the input, mostly) as one line each; others as Python shows them."""
    if str(Path(filename).resolve()).startswith(_PACKAGE):
        print(f"trendlens: warning: {message}", file=file or sys.stderr)
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``trendlens`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("trendlens").setLevel(logging.WARNING if getattr(args, "quiet", False) else logging.INFO)
    shown, warnings.showwarning = warnings.showwarning, _show_warning
    try:
        return int(args.func(args))
    except TrendlensError as exc:
        if args.debug:
            raise
        print(f"trendlens: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("trendlens: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug or type(exc).__module__.split(".")[0] not in {"duckdb", "_duckdb"}:
            raise
        # DuckDB finds a damaged block only when a query reads it, after the store opened fine
        store = getattr(args, "store", "the trend store")
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(
            f"trendlens: error: {store}: the trend store is damaged ({type(exc).__name__}: {first}); "
            "restore it from a backup, or start a new store with --store NEW.duckdb",
            file=sys.stderr,
        )
        return 2
    finally:
        warnings.showwarning = shown


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
