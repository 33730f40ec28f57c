"""The trend taxonomy: social drives → worldwide social trends → big social trends → consumer trends.

A :class:`Taxonomy` is a read-only tree of :class:`TaxonomyNode` objects. It
comes from the file shipped with trendlens (:func:`default_taxonomy`) or from a
user's YAML or JSON file or dict (:func:`load_taxonomy`). Every node sits on one
of :data:`LEVELS` and its parent is exactly one level up; loading validates
this strictly and names the file, node and field at fault.

>>> tax = default_taxonomy()
>>> [node.level for node in tax.path("ct.dupe-culture")]
['social_drive', 'worldwide_social_trend', 'big_social_trend', 'consumer_trend']
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trendlens.errors import ConfigError
from trendlens.hierarchy._schema import IMPLICATION_KEYS, LEVELS, validate_document

__all__ = ["IMPLICATION_KEYS", "LEVELS", "Taxonomy", "TaxonomyNode", "default_taxonomy", "load_taxonomy"]

_DEFAULT_FILE = ("data", "taxonomy.yaml")
_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class TaxonomyNode:
    """One drive or trend of the taxonomy.

    Attributes
    ----------
    id
        Stable slug, prefixed by level by convention (``cd.``, ``wst.``, ``bst.``, ``ct.``).
    level
        One of :data:`LEVELS`.
    name, description
        Display name and a short description.
    exemplars
        Short phrases typical of documents about the node, for embedding similarity.
    parent
        Id of the node one level up; ``None`` for social drives.
    implications
        Read-only mapping with the keys :data:`IMPLICATION_KEYS`.
    strategies
        Short recommendations for brands.
    motivations, drivers
        Why consumers take part and the forces behind it (consumer trends; empty elsewhere).
    """

    id: str
    level: str
    name: str
    description: str
    exemplars: tuple[str, ...]
    parent: str | None
    implications: Mapping[str, str] = field(hash=False)
    strategies: tuple[str, ...]
    motivations: tuple[str, ...] = ()
    drivers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The node as plain data in the file layout (no ``level``; empty optional fields left out)."""
        data: dict[str, Any] = {"id": self.id, "name": self.name, "description": self.description}
        if self.parent is not None:
            data["parent"] = self.parent
        data["exemplars"] = list(self.exemplars)
        data["implications"] = dict(self.implications)
        data["strategies"] = list(self.strategies)
        for name in ("motivations", "drivers"):
            if getattr(self, name):
                data[name] = list(getattr(self, name))
        return data


class Taxonomy:
    """A validated, read-only trend hierarchy.

    Build one with :func:`load_taxonomy` or :func:`default_taxonomy`; calling
    ``Taxonomy(document, source=...)`` with a parsed document works too.

    Parameters
    ----------
    document
        Mapping with ``version``, ``name``, optional ``description`` and
        ``levels`` (level name → list of node mappings).
    source
        Where the document came from, quoted in error messages.

    Raises
    ------
    ConfigError
        If the document is not a valid taxonomy.
    """

    __slots__ = ("_by_level", "_children", "_description", "_name", "_nodes", "_source", "_version")

    def __init__(self, document: Mapping[str, Any], *, source: str = "taxonomy dict") -> None:
        header, records = validate_document(document, source)
        nodes = {record["id"]: TaxonomyNode(**record) for record in records}
        children: dict[str, list[str]] = {node_id: [] for node_id in nodes}
        for node in nodes.values():
            if node.parent is not None:
                children[node.parent].append(node.id)
        self._version = header["version"]
        self._name = header["name"]
        self._description = header["description"]
        self._source = source
        self._nodes = MappingProxyType(nodes)
        self._children = MappingProxyType({key: tuple(value) for key, value in children.items()})
        self._by_level = MappingProxyType(
            {level: tuple(node for node in nodes.values() if node.level == level) for level in LEVELS}
        )

    @property
    def version(self) -> str:
        """Version string of the taxonomy file (``"1.0"``)."""
        return self._version

    @property
    def name(self) -> str:
        """Name of the taxonomy."""
        return self._name

    @property
    def description(self) -> str:
        """Short description of the taxonomy (may be empty)."""
        return self._description

    @property
    def source(self) -> str:
        """Where the taxonomy was read from (file name, or a note for dicts and overrides)."""
        return self._source

    @property
    def nodes(self) -> Mapping[str, TaxonomyNode]:
        """Read-only mapping of id → node, drives first, then each level in file order."""
        return self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[TaxonomyNode]:
        return iter(self._nodes.values())

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(self._by_level[level])} {level}" for level in LEVELS)
        return f"Taxonomy(name={self._name!r}, version={self._version!r}, {counts})"

    def level(self, name: str) -> list[TaxonomyNode]:
        """All nodes on level ``name`` (one of :data:`LEVELS`), in file order."""
        if name not in LEVELS:
            raise ConfigError(f"unknown level {name!r}; levels are, from the top: {', '.join(LEVELS)}")
        return list(self._by_level[name])

    def parent(self, node_id: str) -> TaxonomyNode | None:
        """The node one level above ``node_id``, or ``None`` for a social drive."""
        parent = self._node(node_id).parent
        return None if parent is None else self._nodes[parent]

    def path(self, node_id: str) -> list[TaxonomyNode]:
        """Nodes from the social drive down to ``node_id`` (inclusive)."""
        chain = [self._node(node_id)]
        while chain[-1].parent is not None:
            chain.append(self._nodes[chain[-1].parent])
        return chain[::-1]

    def children(self, node_id: str) -> list[TaxonomyNode]:
        """Nodes directly below ``node_id``, in file order (empty for consumer trends)."""
        self._node(node_id)
        return [self._nodes[child] for child in self._children[node_id]]

    def to_dict(self) -> dict[str, Any]:
        """The taxonomy as plain data in the file layout; ``load_taxonomy`` accepts it back."""
        return {
            "version": self._version,
            "name": self._name,
            "description": self._description,
            "levels": {level: [node.to_dict() for node in self._by_level[level]] for level in LEVELS},
        }

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]]) -> Taxonomy:
        """A new taxonomy with single fields of single nodes replaced, validated again.

        Parameters
        ----------
        overrides
            Node id → {field: new value}, e.g. ``{"ct.dupe-culture": {"name": "Lookalike Luxury"}}``
            or ``{"ct.dupe-culture": {"parent": "bst.new-status-symbols"}}``. A field's value
            replaces the old one whole (give all four ``implications`` keys). ``id`` and
            ``level`` cannot be changed: load an edited copy of the file instead.

        Raises
        ------
        ConfigError
            If an id is unknown, a field cannot be overridden, or the result is invalid
            (e.g. a new parent that does not exist or is on the wrong level).
        """
        if not isinstance(overrides, Mapping):
            raise ConfigError(
                f"overrides must be a mapping of node id → {{field: value}}, got {type(overrides).__name__}"
            )
        document = self.to_dict()
        records = {record["id"]: record for level in document["levels"].values() for record in level}
        for node_id, fields in overrides.items():
            if node_id not in records:
                raise ConfigError(f"override for unknown node {node_id!r}; {self._suggest(node_id)}")
            if not isinstance(fields, Mapping):
                raise ConfigError(f"override for node '{node_id}' must be a mapping of field → value")
            fixed = sorted({"id", "level"} & set(fields))
            if fixed:
                raise ConfigError(
                    f"override for node '{node_id}': {', '.join(fixed)} cannot be overridden; "
                    "load an edited copy of the taxonomy file instead"
                )
            records[node_id].update(fields)
        return Taxonomy(document, source=f"{self._source} with overrides")

    def _node(self, node_id: str) -> TaxonomyNode:
        """The node with ``node_id``, or a :class:`ConfigError` suggesting close ids."""
        try:
            return self._nodes[node_id]
        except (KeyError, TypeError):
            raise ConfigError(f"unknown node id {node_id!r}; {self._suggest(node_id)}") from None

    def _suggest(self, node_id: object) -> str:
        """A hint naming the closest known ids."""
        import difflib

        close = difflib.get_close_matches(str(node_id), list(self._nodes), n=3)
        return f"did you mean {', '.join(map(repr, close))}?" if close else "see Taxonomy.nodes for the known ids"


def load_taxonomy(path_or_dict: str | os.PathLike[str] | Mapping[str, Any]) -> Taxonomy:
    """Read and validate a taxonomy from a YAML/JSON file or a dict.

    YAML is read with ``yaml.safe_load`` only: tags that would build Python
    objects (``!!python/...``) are rejected, never executed.

    Parameters
    ----------
    path_or_dict
        Path to a ``.yaml``, ``.yml`` or ``.json`` file, or an already parsed mapping
        in the same layout as ``trendlens/hierarchy/data/taxonomy.yaml``.

    Raises
    ------
    ConfigError
        If the file cannot be read or parsed, or the taxonomy is invalid; the message names
        the file, node and field at fault.
    """
    if isinstance(path_or_dict, Mapping):
        return Taxonomy(path_or_dict, source="taxonomy dict")
    if not isinstance(path_or_dict, (str, os.PathLike)):
        raise ConfigError(
            f"load_taxonomy expects a path to a .yaml, .yml or .json file or a dict, got {type(path_or_dict).__name__}"
        )
    path = Path(path_or_dict)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ConfigError(f"{path}: unsupported taxonomy file type {suffix or '(none)'!r}; use .yaml, .yml or .json")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: taxonomy file not found; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the taxonomy file ({exc}); it must be UTF-8 text") from exc
    return Taxonomy(_parse(text, suffix, str(path)), source=str(path))


@functools.cache
def default_taxonomy() -> Taxonomy:
    """The taxonomy shipped with trendlens (``hierarchy/data/taxonomy.yaml``), read once and cached."""
    resource = resources.files("trendlens.hierarchy") / _DEFAULT_FILE[0] / _DEFAULT_FILE[1]
    source = "trendlens/hierarchy/" + "/".join(_DEFAULT_FILE)
    return Taxonomy(_parse(resource.read_text(encoding="utf-8"), ".yaml", source), source=source)


def _parse(text: str, suffix: str, source: str) -> Any:
    """Parse YAML (safe loader only) or JSON text, turning syntax errors into :class:`ConfigError`."""
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"{source}: not valid taxonomy YAML ({' '.join(str(exc).split())}); only plain YAML is accepted, "
            "tags that build Python objects (!!python/...) are rejected"
        ) from exc


def resolve_taxonomy(spec: Any) -> Taxonomy:
    """The taxonomy a detector's ``taxonomy`` parameter names: a :class:`Taxonomy` as it is,
    ``"default"`` for :func:`default_taxonomy`, anything else (a path, a dict) through :func:`load_taxonomy`."""
    if isinstance(spec, Taxonomy):
        return spec
    if isinstance(spec, str) and spec == "default":
        return default_taxonomy()
    return load_taxonomy(spec)
