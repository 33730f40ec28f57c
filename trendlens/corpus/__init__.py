"""Documents in: the schema, readers for files and data frames, validation, de-duplication."""

from trendlens.corpus.corpus import Corpus, iter_documents, load_corpus
from trendlens.corpus.schema import Document, Engagement

__all__ = ["Corpus", "Document", "Engagement", "iter_documents", "load_corpus"]
