"""The document schema and the validation of one raw record into a :class:`Document`."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from trendlens._script import WORD

#: Accepted input names for each document field, first match wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "document_id", "uid"),
    "text": ("text", "content", "body", "full_text", "message"),
    "timestamp": ("timestamp", "date", "datetime", "created_at", "published", "published_at", "time"),
    "source": ("source", "platform", "site", "domain"),
    "url": ("url", "link", "permalink"),
    "author": ("author", "authors", "user", "username", "screen_name"),
    "lang": ("lang", "language"),
    "hashtags": ("hashtags", "tags"),
}
ENGAGEMENT_ALIASES: dict[str, tuple[str, ...]] = {
    "likes": ("likes", "like_count", "favorites", "favorite_count", "reactions"),
    "shares": ("shares", "share_count", "retweets", "retweet_count", "reposts"),
    "comments": ("comments", "comment_count", "replies", "reply_count"),
    "views": ("views", "view_count", "impressions"),
}

_HASHTAG = re.compile(rf"(?<![\w#])#(\w{WORD}+)")  # "#भारत" whole: combining marks are part of a word
# C0/C1 control characters except tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Terminal colour/cursor sequences (ESC [ ... letter), removed whole rather than leaving "[31m" behind.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
#: Invisible characters that make a text look non-empty: zero-width space/joiners, word joiner, BOM.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
#: Lone UTF-16 surrogates (a JSON "\\ud83d" escape cut from its pair): not encodable, so not storable or hashable.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Engagement:
    """Engagement counts of one document; ``None`` where the source has no value."""

    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    views: int | None = None

    @property
    def total(self) -> int | None:
        """Likes + shares + comments (views excluded), or ``None`` when all are missing."""
        parts = [v for v in (self.likes, self.shares, self.comments) if v is not None]
        return sum(parts) if parts else None


@dataclass(frozen=True, slots=True)
class Document:
    """One validated input document.

    ``timestamp`` is timezone-aware UTC or ``None``; ``metadata`` keeps every
    input field that is not part of the schema (e.g. a dataset's ``category``).
    """

    id: str
    text: str
    timestamp: datetime | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    lang: str | None = None
    engagement: Engagement = field(default_factory=Engagement)
    hashtags: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)


class RecordError(ValueError):
    """One field of one record is invalid; ``field`` names it."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field_name
        self.problem = problem


def text_key(text: str) -> str:
    """The key under which two texts count as exact duplicates (case and spacing ignored)."""
    return _SPACE.sub(" ", text).strip().casefold()


def content_id(text: str) -> str:
    """A stable id derived from the text, used when the input has no id column."""
    return "sha1-" + hashlib.sha1(text_key(text).encode("utf-8")).hexdigest()[:16]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:  # pandas.NA / NaT without importing pandas
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def _pick(record: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str | None, Any]:
    for name in names:
        if name in record and not _is_missing(record[name]):
            return name, record[name]
    return None, None


def clean_text(value: Any) -> str:
    """Validate and clean a text field: a non-empty string without control characters."""
    if not isinstance(value, str):
        raise RecordError("text", f"must be a string, got {type(value).__name__} {value!r:.40}")
    text = _SURROGATE.sub("\ufffd", value)  # before NFC, which cannot normalise them either
    text = _CONTROL.sub(" ", _ANSI.sub("", unicodedata.normalize("NFC", text))).strip()
    if not _INVISIBLE.sub("", text).strip():
        raise RecordError("text", "is empty (or only invisible characters)")
    return text


def parse_id(value: Any, field_name: str = "id") -> str:
    """A document id from a string or an integer (``12.0``, as pandas reads integers with gaps, is ``"12"``)."""
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, bool):
        if hasattr(value, "__index__"):  # int, numpy integers
            return str(value.__index__())
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
    raise RecordError(field_name, f"must be a string or an integer, got {type(value).__name__} {value!r:.40}")


def parse_timestamp(value: Any, field_name: str = "timestamp") -> datetime | None:
    """Parse ISO-8601 strings, dates, datetimes and epoch seconds into aware UTC datetimes.

    Naive values are taken to be UTC. Missing values give ``None``.
    """
    if _is_missing(value):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
        if seconds >= 1e11:  # milliseconds since the epoch (as seconds it would be after the year 5000)
            seconds /= 1000.0
        try:
            dt = datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError) as exc:
            raise RecordError(field_name, f"epoch value {value!r} is out of range") from exc
    elif isinstance(value, str):
        raw = value.strip()
        try:
            dt = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
        except ValueError:
            dt = _parse_loose(raw, field_name)
    else:
        to_pydatetime = getattr(value, "to_pydatetime", None)  # pandas.Timestamp
        if to_pydatetime is None:
            raise RecordError(field_name, f"cannot be read as a date/time: {value!r:.40}")
        dt = to_pydatetime()
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError) as exc:  # e.g. 9999-12-31T23:00-05:00 is past the last UTC year
        raise RecordError(field_name, f"{value!r:.40} is out of range") from exc


def _parse_loose(raw: str, field_name: str) -> datetime:
    import pandas as pd  # only for the rare non-ISO strings

    try:
        ts = pd.to_datetime(raw, utc=False)
        if ts is pd.NaT:
            raise ValueError("not a time")
        return ts.to_pydatetime()  # raises for a year pandas reads but Python cannot hold, e.g. "0000"
    except (ValueError, TypeError, OverflowError) as exc:
        raise RecordError(
            field_name, f"cannot be read as a date/time: {raw!r:.40} (use ISO-8601, e.g. 2024-05-01T12:00:00Z)"
        ) from exc


#: Largest engagement count accepted: far above any real post's (10^12), and within a signed 64-bit store column.
MAX_COUNT = 10**12


def parse_count(value: Any, field_name: str) -> int | None:
    """Parse an engagement count: a non-negative integer, or ``None`` when missing."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        raise RecordError(field_name, f"must be a non-negative integer, got {value!r}")
    if isinstance(value, str):
        raw = value.strip().replace(",", "").replace("_", "")
        try:
            number = float(raw)
        except ValueError as exc:
            raise RecordError(field_name, f"must be a non-negative integer, got {value!r:.40}") from exc
    elif isinstance(value, (int, float)) or hasattr(value, "__index__") or hasattr(value, "__float__"):
        number = float(value)
    else:
        raise RecordError(field_name, f"must be a non-negative integer, got {type(value).__name__}")
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise RecordError(field_name, f"must be a non-negative integer, got {value!r:.40}")
    if number > MAX_COUNT:
        raise RecordError(
            field_name, f"{value!r:.40} is beyond any real count (at most {MAX_COUNT:,}); check the column"
        )
    return int(number)


def _parse_hashtags(value: Any, text: str) -> tuple[str, ...]:
    if _is_missing(value):
        found = _HASHTAG.findall(text)
    elif isinstance(value, str):
        found = [t for t in re.split(r"[\s,;]+", value) if t]
    elif isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        found = [str(t) for t in items if not _is_missing(t)]
    else:
        raise RecordError("hashtags", f"must be a list or a comma-separated string, got {type(value).__name__}")
    seen: dict[str, None] = {}
    for tag in found:
        seen.setdefault(tag.lstrip("#").lower(), None)
    return tuple(t for t in seen if t)


def _optional_str(record: Mapping[str, Any], key: str) -> tuple[str | None, str | None]:
    name, value = _pick(record, FIELD_ALIASES[key])
    if value is None:
        return name, None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return name, str(value).strip()


def to_document(record: Mapping[str, Any], text_field: str | None = None) -> Document:
    """Validate one raw record and build a :class:`Document`.

    Raises
    ------
    RecordError
        With the name of the offending field.
    """
    text_names = (text_field,) if text_field else FIELD_ALIASES["text"]
    text_name, raw_text = _pick(record, text_names)
    if text_name is None:
        present = [n for n in text_names if n in record]
        if present:
            raise RecordError(present[0], "is empty")
        raise RecordError(
            text_field or "text",
            f"is missing: no column named {' / '.join(text_names)} "
            f"(columns present: {', '.join(map(str, record)) or 'none'}); pass text_field=...",
        )
    text = clean_text(raw_text)
    used = {text_name}

    id_name, raw_id = _pick(record, FIELD_ALIASES["id"])
    doc_id = content_id(text) if raw_id is None else parse_id(raw_id, id_name or "id")
    used.add(id_name or "")

    ts_name, raw_ts = _pick(record, FIELD_ALIASES["timestamp"])
    timestamp = parse_timestamp(raw_ts, ts_name or "timestamp")
    used.add(ts_name or "")

    strings = {}
    for key in ("source", "url", "author", "lang"):
        name, strings[key] = _optional_str(record, key)
        used.add(name or "")

    counts = {}
    for key, names in ENGAGEMENT_ALIASES.items():
        name, raw = _pick(record, names)
        counts[key] = parse_count(raw, name or key)
        used.add(name or "")
        used.update(n for n in names if n in record)

    tag_name, raw_tags = _pick(record, FIELD_ALIASES["hashtags"])
    hashtags = _parse_hashtags(raw_tags, text)
    used.add(tag_name or "")

    for names in FIELD_ALIASES.values():  # empty alias columns are not metadata either
        used.update(n for n in names if n in record and _is_missing(record[n]))
    metadata = {k: v for k, v in record.items() if k not in used}
    return Document(
        id=doc_id,
        text=text,
        timestamp=timestamp,
        engagement=Engagement(**counts),
        hashtags=hashtags,
        metadata=metadata,
        **strings,
    )
