"""The scheduled re-clustering job (`trendlens job`): ingest, embed, cluster, match to stable ids, commit."""

from trendlens.jobs.job import JobConfig, JobResult, Quarantine, expand_inputs, run_job
from trendlens.jobs.lock import StoreLockedError, store_lock
from trendlens.jobs.matching import Event, Matching, match_clusters

__all__ = [
    "Event",
    "JobConfig",
    "JobResult",
    "Matching",
    "Quarantine",
    "StoreLockedError",
    "expand_inputs",
    "match_clusters",
    "run_job",
    "store_lock",
]
