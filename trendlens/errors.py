"""The trendlens exception tree.

Every error trendlens raises on purpose derives from :class:`TrendlensError`,
so callers can catch one class. Messages name what is at fault (file, row,
field, setting) and say what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


class TrendlensError(Exception):
    """Base class of every error trendlens raises on purpose."""


class CorpusError(TrendlensError, ValueError):
    """Input documents could not be read or failed validation."""


class ConfigError(TrendlensError, ValueError):
    """A parameter or setting has an unusable value."""


class ModelNotFoundError(TrendlensError, LookupError):
    """A model is not installed; the message says which package provides it."""


def _not_fitted_error() -> type:
    """trendlens's ``NotFittedError``, a subclass of scikit-learn's, made on first use.

    Importing ``sklearn.exceptions`` imports scikit-learn whole (about 1.4 s with SciPy), so the
    class is built when first asked for (``from trendlens.errors import NotFittedError``),
    which keeps ``import trendlens`` light.
    """
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    class NotFittedError(TrendlensError, SklearnNotFittedError):
        """A fitted-only attribute or method was used before ``fit``.

        Subclasses scikit-learn's ``NotFittedError`` (itself a ``ValueError`` and an
        ``AttributeError``), so code written for scikit-learn estimators catches it too.
        """

    NotFittedError.__module__ = __name__
    NotFittedError.__qualname__ = "NotFittedError"  # pickled by name, as the module attribute
    return NotFittedError


if TYPE_CHECKING:
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    class NotFittedError(TrendlensError, SklearnNotFittedError):
        """A fitted-only attribute or method was used before ``fit``."""


def __getattr__(name: str) -> Any:
    if name == "NotFittedError":
        value = globals()["NotFittedError"] = _not_fitted_error()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class StoreError(TrendlensError, RuntimeError):
    """The trend store cannot be opened, is newer than this version, or a database operation failed.

    A failed operation is rolled back first, so the store is as the last committed run left it.
    """
