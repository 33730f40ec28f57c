"""The trendlens exception tree.

Every error trendlens raises on purpose derives from :class:`TrendlensError`,
so callers can catch one class. Messages name what is at fault (file, row,
field, setting) and say what to do next.
"""

from __future__ import annotations


class TrendlensError(Exception):
    """Base class of every error trendlens raises on purpose."""


class CorpusError(TrendlensError, ValueError):
    """Input documents could not be read or failed validation."""


class ConfigError(TrendlensError, ValueError):
    """A parameter or setting has an unusable value."""


class ModelNotFoundError(TrendlensError, LookupError):
    """A model is not installed; the message says which package provides it."""


class NotFittedError(TrendlensError, ValueError, AttributeError):
    """A fitted-only attribute or method was used before ``fit``.

    Subclasses ``ValueError`` and ``AttributeError`` like scikit-learn's
    ``NotFittedError``, so code written for scikit-learn catches it too.
    """


class StoreError(TrendlensError, RuntimeError):
    """The trend store cannot be opened, is newer than this version, or a database operation failed.

    A failed operation is rolled back first, so the store is as the last committed run left it.
    """
