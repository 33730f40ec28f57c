"""JSON Schema (draft 2020-12) of ``report.json``, generated from the report dataclasses.

The schema is derived from :class:`~trendlens.report.model.TrendReport` and every dataclass it
reaches, so it cannot drift from the code. Regenerate the checked-in copy with::

    python -m trendlens.report.schema docs/report.schema.json

Mapping of field annotations (as serialised by :meth:`TrendReport.to_dict`):

* ``str`` → string, ``int`` → integer, ``bool`` → boolean, ``None`` → null, ``Any`` → ``{}``;
* ``float`` → number *or null*: ``to_dict`` turns non-finite floats into ``null`` wherever they are;
* ``X | None`` (and other unions) → the union of the member schemas;
* ``tuple[X, ...]`` / ``list[X]`` → array of X; ``tuple[X, Y]`` → array of exactly those items;
* ``dict[str, X]`` → object whose values are X (``dict[str, Any]``: any object);
* ``Literal[...]`` → enum;
* a dataclass → ``{"$ref": "#/$defs/<ClassName>"}``, defined once in ``$defs`` with its properties,
  ``required`` = the fields without a default, no other keys allowed, and the first docstring line
  as ``description``.

Fields with a default are optional so that older reports of the same major version (written
before the field existed) still validate; ``schema_version`` is always required, and must have the
major version of :data:`~trendlens.report.model.SCHEMA_VERSION`.

Any other annotation raises :class:`TypeError` naming the field.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import types
import typing
from pathlib import Path
from typing import Any

from trendlens._io import atomic_write_text
from trendlens.report.model import SCHEMA_VERSION, TrendReport

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://trendlens.invalid/report.schema.json"
TITLE = "trendlens report"

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    # to_dict() replaces every non-finite float (NaN, ±inf) by None, whatever the annotation says.
    float: {"type": ["number", "null"]},
    type(None): {"type": "null"},
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``report.json``, built from the report dataclasses."""
    schema = _schema_of(TrendReport, header={"$id": SCHEMA_ID, "title": TITLE})
    major = SCHEMA_VERSION.split(".")[0]
    schema["properties"]["schema_version"] = {
        "type": "string",
        "pattern": f"^{re.escape(major)}\\.",
        "description": f"Layout version of this file; readable when its major version is {major}.",
    }
    # from_dict() refuses a report without it, so it is required although the field has a default.
    if "schema_version" not in schema["required"]:
        schema["required"].append("schema_version")
    return schema


def _schema_of(root: type, header: dict[str, Any] | None = None) -> dict[str, Any]:
    """A standalone schema of the dataclass ``root``: its own properties at the top, others in ``$defs``."""
    builder = _Builder(root)
    body = builder.dataclass_schema(root)
    schema: dict[str, Any] = {"$schema": DRAFT, **(header or {}), **body}
    if builder.defs:
        schema["$defs"] = {name: builder.defs[name] for name in sorted(builder.defs)}
    return schema


def schema_text() -> str:
    """:func:`json_schema` as the text written to disk: indent 2, trailing newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_json_schema(path: str | Path) -> Path:
    """Write :func:`json_schema` to ``path`` (atomically, indent 2, trailing newline); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, schema_text())
    return path


class _Builder:
    """Walks dataclasses depth-first, collecting every one except the root into ``defs``."""

    def __init__(self, root: type) -> None:
        self.root = root
        self.defs: dict[str, dict[str, Any]] = {}
        self._classes: dict[str, type] = {}

    def dataclass_schema(self, cls: type) -> dict[str, Any]:
        try:
            hints = typing.get_type_hints(cls)
        except Exception as exc:  # NameError for names only imported under TYPE_CHECKING, etc.
            raise TypeError(f"{cls.__qualname__}: cannot resolve the field annotations ({exc})") from exc
        properties: dict[str, Any] = {}
        required: list[str] = []
        for f in dataclasses.fields(cls):
            where = f"{cls.__qualname__}.{f.name}"
            properties[f.name] = self.annotation(hints[f.name], where)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                required.append(f.name)
        schema: dict[str, Any] = {"type": "object"}
        description = _description(cls)
        if description:
            schema["description"] = description
        schema["properties"] = properties
        schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def ref(self, cls: type, where: str) -> dict[str, Any]:
        if cls is self.root:
            return {"$ref": "#"}
        name = cls.__name__
        known = self._classes.get(name)
        if known is not None and known is not cls:
            raise TypeError(
                f"{where}: two report dataclasses are named {name!r} "
                f"({known.__module__}.{known.__qualname__} and {cls.__module__}.{cls.__qualname__})"
            )
        if known is None:
            self._classes[name] = cls
            self.defs[name] = {}  # placeholder: a recursive reference must not recurse again
            self.defs[name] = self.dataclass_schema(cls)
        return {"$ref": f"#/$defs/{name}"}

    def annotation(self, tp: Any, where: str) -> dict[str, Any]:
        if tp is Any:
            return {}
        if tp in _SCALARS:
            return dict(_SCALARS[tp])
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self.ref(tp, where)
        supertype = getattr(tp, "__supertype__", None)  # typing.NewType
        if supertype is not None:
            return self.annotation(supertype, where)
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is typing.Union or origin is types.UnionType:
            return _union([self.annotation(a, where) for a in args])
        if origin is typing.Literal:
            if all(a is None or isinstance(a, (str, int, bool)) for a in args):
                return {"enum": list(args)}
        elif tp in (list, tuple):
            return {"type": "array"}
        elif origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
            return {"type": "array", "items": self.annotation(args[0], where)}
        elif origin is tuple:
            if args in ((), ((),)):  # tuple[()]: always empty
                return {"type": "array", "maxItems": 0}
            return {
                "type": "array",
                "prefixItems": [self.annotation(a, where) for a in args],
                "items": False,
                "minItems": len(args),
            }
        elif tp is dict or origin is dict:
            key, value = args if args else (str, Any)
            if key is str:
                values = self.annotation(value, where)
                return {"type": "object", "additionalProperties": values} if values else {"type": "object"}
        raise TypeError(f"{where}: annotation {_name(tp)} cannot be expressed in the report.json schema")


def _union(members: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge plain ``{"type": ...}`` members into one type list; otherwise ``anyOf`` (deduplicated)."""
    if any(m == {} for m in members):
        return {}
    if all(set(m) == {"type"} for m in members):
        names: list[str] = []
        for m in members:
            for name in [m["type"]] if isinstance(m["type"], str) else m["type"]:
                if name not in names:
                    names.append(name)
        return {"type": names[0] if len(names) == 1 else names}
    unique: list[dict[str, Any]] = []
    for m in members:
        if m not in unique:
            unique.append(m)
    return unique[0] if len(unique) == 1 else {"anyOf": unique}


def _description(cls: type) -> str | None:
    doc = cls.__doc__ or ""
    if doc.startswith(f"{cls.__name__}("):  # the signature dataclass() writes when there is no docstring
        return None
    lines = [line.strip() for line in doc.strip().splitlines()]
    return lines[0] if lines and lines[0] else None


def _name(tp: Any) -> str:
    return tp.__qualname__ if isinstance(tp, type) else repr(tp).replace("typing.", "")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m trendlens.report.schema",
        description="Write the JSON Schema of report.json (to stdout without a path).",
    )
    parser.add_argument("path", nargs="?", help="output file, e.g. docs/report.schema.json")
    args = parser.parse_args(argv)
    if args.path is None:
        sys.stdout.write(schema_text())
    else:
        print(f"wrote {write_json_schema(args.path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
