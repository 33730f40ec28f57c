"""Evidence for the report: representative sentences of each trend, each traced to its document."""

from trendlens.enrich.findings import Finding, detailed_findings, mmr, split_sentences

__all__ = ["Finding", "detailed_findings", "mmr", "split_sentences"]
