"""The trend hierarchy: social drives → worldwide social trends → big social trends → consumer trends.

``default_taxonomy()`` is the taxonomy shipped with trendlens; ``load_taxonomy(path_or_dict)``
reads and validates a user's own (YAML or JSON). Both return a read-only :class:`Taxonomy`.

>>> from trendlens.hierarchy import default_taxonomy
>>> tax = default_taxonomy()
>>> tax.parent("ct.dupe-culture").level
'big_social_trend'
"""

from __future__ import annotations

from trendlens.hierarchy.taxonomy import (
    LEVELS,
    Taxonomy,
    TaxonomyNode,
    default_taxonomy,
    load_taxonomy,
    resolve_taxonomy,
)

__all__ = ["LEVELS", "Taxonomy", "TaxonomyNode", "default_taxonomy", "load_taxonomy", "resolve_taxonomy"]
