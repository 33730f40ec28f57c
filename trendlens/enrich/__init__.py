"""Evidence for the report: sentences of each trend traced to their documents, and the analyst's sections.

- :mod:`~trendlens.enrich.nlp`: the spaCy pipeline (loaded on first use) and sentence splitting.
- :mod:`~trendlens.enrich.reading`: which documents of a trend are read, and which scanned for rare statements.
- :mod:`~trendlens.enrich.findings`: detailed findings: informative sentences by maximal marginal relevance.
- :mod:`~trendlens.enrich.entities`: brands, products, organisations and their success sentences.
- :mod:`~trendlens.enrich.audience`: age, gender, income and lifestyle cues stated in the text, with prevalence.
- :mod:`~trendlens.enrich.roles`: self-descriptions of writers, and groups that something happened to.
- :mod:`~trendlens.enrich.causes`: causal statements and the causes they give.
- :mod:`~trendlens.enrich.drivers`: causes grouped into drivers, counted and cited.
- :mod:`~trendlens.enrich.motivations`: taxonomy motivations and drivers matched to sentences.
- :mod:`~trendlens.enrich.insight`: all of it assembled into one trend's report sections.
"""

from trendlens.enrich.findings import Finding, detailed_findings, mmr

__all__ = ["Finding", "detailed_findings", "mmr"]
