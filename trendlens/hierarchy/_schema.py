"""Strict validation of taxonomy documents.

A taxonomy document is the plain data read from YAML or JSON (or given as a
dict). :func:`validate_document` checks it and returns normalised node
records; :mod:`trendlens.hierarchy.taxonomy` builds the objects. Every error is
a :class:`~trendlens.errors.ConfigError` whose message starts with the source
(file name), names the node and field at fault and says how to fix it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from trendlens.errors import ConfigError

#: Hierarchy levels from the top (most general) to the bottom (most specific).
LEVELS = ("social_drive", "worldwide_social_trend", "big_social_trend", "consumer_trend")
#: Keys every node's ``implications`` mapping must have, in display order.
IMPLICATION_KEYS = ("brands", "society", "consumers", "future")

_HEADER_KEYS = ("version", "name", "description", "levels")
_NODE_FIELDS = (
    "id",
    "name",
    "description",
    "exemplars",
    "parent",
    "implications",
    "strategies",
    "motivations",
    "drivers",
)
_PHRASE_FIELDS = ("exemplars", "strategies", "motivations", "drivers")
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")


def readable(level: str) -> str:
    """``"big_social_trend"`` → ``"big social trend"``, for messages."""
    return level.replace("_", " ")


def required_fields(level: str) -> tuple[str, ...]:
    """Fields a node on ``level`` must have: consumer trends also need motivations and drivers."""
    fields = ("id", "name", "description", "exemplars", "implications", "strategies")
    if level != LEVELS[0]:
        fields += ("parent",)
    if level == LEVELS[-1]:
        fields += ("motivations", "drivers")
    return fields


def validate_document(document: Any, source: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Check a whole taxonomy document.

    Parameters
    ----------
    document
        The parsed file: a mapping with ``version``, ``name``, optional
        ``description`` and ``levels`` (level name → list of node mappings).
    source
        Where the document came from (a file name), used in every message.

    Returns
    -------
    tuple
        The header (``version``, ``name``, ``description``) and the node
        records, each with a ``level`` added, lists turned into tuples, text
        stripped, in level order then file order.

    Raises
    ------
    ConfigError
        On the first problem found: bad header, unknown level, a level with no
        nodes, a malformed node, a duplicate id, a parent that is missing or on
        the wrong level, or a cycle of parents.
    """
    if not isinstance(document, Mapping):
        raise ConfigError(
            f"{source}: a taxonomy must be a mapping with the keys version, name and levels, "
            f"got {type(document).__name__}; see trendlens/hierarchy/data/taxonomy.yaml for the layout"
        )
    _reject_unknown(document, _HEADER_KEYS, f"{source}: unknown top-level key", "allowed keys are")
    header = {
        "version": _text(document.get("version"), f"{source}: 'version'", hint='a quoted string such as "1.0"'),
        "name": _text(document.get("name"), f"{source}: 'name'"),
        "description": _text(
            "" if document.get("description") is None else document["description"],
            f"{source}: 'description'",
            empty_ok=True,
        ),
    }
    levels = document.get("levels")
    if not isinstance(levels, Mapping):
        raise ConfigError(
            f"{source}: 'levels' must be a mapping from level name ({', '.join(LEVELS)}) to a list of nodes, "
            f"got {type(levels).__name__}"
        )
    for key in levels:
        if key not in LEVELS:
            close = difflib.get_close_matches(str(key), LEVELS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{source}: unknown level '{key}'{hint}; levels are, from the top: {', '.join(LEVELS)}")
    nodes: list[dict[str, Any]] = []
    for level in LEVELS:
        entries = levels.get(level)
        if not entries:
            raise ConfigError(
                f"{source}: level '{level}' has no nodes; add at least one {readable(level)} under levels.{level}"
            )
        if not isinstance(entries, list):
            raise ConfigError(f"{source}: levels.{level} must be a list of nodes, got {type(entries).__name__}")
        nodes += [_node(entry, level, index, source) for index, entry in enumerate(entries)]
    _check_unique(nodes, source)
    _check_parents(nodes, source)
    return header, nodes


def _node(entry: Any, level: str, index: int, source: str) -> dict[str, Any]:
    """Validate one node mapping and return its normalised record."""
    required = required_fields(level)
    where = f"{source}: levels.{level}[{index}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where}: a node must be a mapping with {', '.join(required)}, got {type(entry).__name__}")
    node_id = entry.get("id")
    if not isinstance(node_id, str) or not _ID_PATTERN.match(node_id):
        raise ConfigError(
            f"{where}: field 'id' must be a slug of lowercase letters and digits joined by '.', '-' or '_' "
            f"(e.g. 'ct.dupe-culture'), got {node_id!r}"
        )
    where = f"{source}: node '{node_id}' ({readable(level)})"
    _reject_unknown(entry, _NODE_FIELDS, f"{where}: unknown field", "allowed fields are")
    missing = [name for name in required if entry.get(name) is None]
    if missing:
        raise ConfigError(
            f"{where}: missing required field(s) {', '.join(missing)}; "
            f"every {readable(level)} needs {', '.join(required)}"
        )
    record: dict[str, Any] = {"id": node_id, "level": level, "parent": None}
    if level == LEVELS[0]:
        if entry.get("parent") is not None:
            raise ConfigError(
                f"{where}: a social drive is the top of the hierarchy and has no parent; "
                f"remove 'parent: {entry['parent']}'"
            )
    else:
        record["parent"] = _text(entry["parent"], f"{where}, field 'parent'", hint="the id of the node one level up")
    for name in ("name", "description"):
        record[name] = _text(entry[name], f"{where}, field '{name}'")
    for name in _PHRASE_FIELDS:
        record[name] = _phrases(entry.get(name, ()), f"{where}, field '{name}'", required=name in required)
    record["implications"] = _implications(entry["implications"], f"{where}, field 'implications'")
    return record


def _text(value: Any, where: str, *, hint: str = "non-empty text", empty_ok: bool = False) -> str:
    """Return ``value`` stripped, or raise naming ``where``."""
    if not isinstance(value, str) or not (value.strip() or empty_ok):
        raise ConfigError(f"{where}: must be {hint}, got {value!r}")
    return value.strip()


def _phrases(value: Any, where: str, *, required: bool) -> tuple[str, ...]:
    """Return a tuple of stripped phrases, or raise naming ``where``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ConfigError(f"{where}: must be a list of short phrases, got {type(value).__name__}")
    if required and not value:
        hint = (
            "five to ten short phrases typical of documents about the node, e.g. headline fragments"
            if where.endswith("'exemplars'")
            else "at least one short phrase"
        )
        raise ConfigError(f"{where}: is empty; give {hint}")
    return tuple(_text(item, f"{where}, item {i}") for i, item in enumerate(value))


def _implications(value: Any, where: str) -> Mapping[str, str]:
    """Return a read-only mapping with exactly :data:`IMPLICATION_KEYS`, or raise."""
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: must be a mapping with keys {', '.join(IMPLICATION_KEYS)}")
    _reject_unknown(value, IMPLICATION_KEYS, f"{where}: unknown key", "allowed keys are")
    missing = [key for key in IMPLICATION_KEYS if value.get(key) is None]
    if missing:
        raise ConfigError(f"{where}: missing key(s) {', '.join(missing)}; give one or two sentences for each")
    return MappingProxyType({key: _text(value[key], f"{where}.{key}") for key in IMPLICATION_KEYS})


def _reject_unknown(mapping: Mapping, allowed: tuple[str, ...], what: str, listing: str) -> None:
    """Raise on the first key of ``mapping`` not in ``allowed``, suggesting the closest allowed one."""
    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{what} '{key}'{hint}; {listing} {', '.join(allowed)}")


def _check_unique(nodes: list[dict[str, Any]], source: str) -> None:
    """Raise if two nodes share an id, on any levels."""
    seen: dict[str, str] = {}
    for node in nodes:
        if node["id"] in seen:
            raise ConfigError(
                f"{source}: duplicate node id '{node['id']}' (on {readable(seen[node['id']])} and "
                f"{readable(node['level'])}); ids must be unique across all levels, rename one of them"
            )
        seen[node["id"]] = node["level"]


def _check_parents(nodes: list[dict[str, Any]], source: str) -> None:
    """Raise if a parent is missing, parents form a cycle, or a parent is not exactly one level up."""
    by_id = {node["id"]: node for node in nodes}
    for node in nodes:
        parent = node["parent"]
        if parent is not None and parent not in by_id:
            expected = LEVELS[LEVELS.index(node["level"]) - 1]
            close = difflib.get_close_matches(parent, [n["id"] for n in nodes if n["level"] == expected], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(
                f"{source}: node '{node['id']}' ({readable(node['level'])}): parent '{parent}' does not exist{hint}; "
                f"set 'parent' to the id of a {readable(expected)}"
            )
    for node in nodes:
        chain = [node["id"]]
        parent = node["parent"]
        while parent is not None:
            if parent in chain:
                loop = " → ".join([*chain[chain.index(parent) :], parent])
                raise ConfigError(
                    f"{source}: node '{parent}': its parents form a cycle ({loop}); "
                    "every chain of parents must end at a social drive"
                )
            chain.append(parent)
            parent = by_id[parent]["parent"]
    for node in nodes:
        if node["parent"] is None:
            continue
        expected = LEVELS[LEVELS.index(node["level"]) - 1]
        actual = by_id[node["parent"]]["level"]
        if actual != expected:
            raise ConfigError(
                f"{source}: node '{node['id']}' ({readable(node['level'])}): parent '{node['parent']}' is a "
                f"{readable(actual)}, but the parent of a {readable(node['level'])} must be a {readable(expected)}; "
                f"point 'parent' at a {readable(expected)}"
            )
