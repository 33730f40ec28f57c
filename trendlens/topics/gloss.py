"""English glosses of the names written in another language, in the corpus's own words.

A trend of Spanish tweets in a corpus of English ones is named by a Spanish phrase ("alerta de tsunami"), and
the reader of the English report is left to guess what it says. :func:`glosses` finds, for each such name,
the phrase of the corpus's main-language trends (their names and keywords) nearest to it in the multilingual
tier's space (Universal Sentence Encoder multilingual v3, trained to place a sentence and its translations
together), and :func:`glossed` writes it after the name in single quotes, as dictionaries gloss a word:
"alerta de tsunami ‘tsunami warning’ (in Spanish)". The gloss is a phrase the documents use, not a
translation the library makes up; a name with no phrase close enough (a place, a person, a word the English
documents never say) keeps none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from trendlens._vectors import unit
from trendlens.topics.terms import KEYWORD_SEPARATOR

#: Cosine (multilingual v3) from which a phrase of the main language glosses a name. Measured on the CrisisLex
#: tweets against phrases in five or more of them: "alerta de tsunami" → "tsunami alert" 0.96, "refinería de
#: amuay" → "amuay refinery" 0.93, "terremoto" → "earthquake" 0.88, "地震発生" → "earthquake" 0.79; below it,
#: false friends and neighbours: "boate kiss" (a nightclub) → "boat" 0.66, "temblor" → "tremor" 0.66 and
#: "collapse" 0.65, "santa maria" → "san jose" 0.55.
GLOSS_SIMILARITY = 0.75
#: How a consumer trend's name joins its two phrases (:func:`~trendlens.topics.names.name_trends`): each phrase
#: is glossed on its own ("terremoto ‘earthquake’ and santa maria").
JOINER = " and "
#: A name's phrases: those of a consumer trend's name (:data:`JOINER`) and the keywords of a trend no phrase names
#: (:data:`~trendlens.topics.terms.KEYWORD_SEPARATOR`: "excelente ‘good’ / gente ‘people’ / aplicativo ‘app’").
_PHRASES = re.compile(f"({re.escape(JOINER)}|{re.escape(KEYWORD_SEPARATOR)})")


def glosses(
    names: Iterable[str],
    candidates: Iterable[str],
    embed: Callable[[Sequence[str]], np.ndarray],
    min_similarity: float = GLOSS_SIMILARITY,
) -> dict[str, str]:
    """Phrase of ``names`` (each part of a name joined by :data:`JOINER`, each keyword of a keyword label) → its
    gloss: the candidate closest to it in ``embed``'s space, at least ``min_similarity``, with a word the phrase
    lacks once case and accents are folded ("mexico" is no gloss of "méxico", nor "boston marathon" of "maratón
    de boston"; "tsunami warning" is one of "alerta de tsunami"). A phrase of English words only is not glossed,
    words of the dictionary, English function words and the candidates' words: "pray for visayas" (which the
    language identifier reads as Tagalog), "xodus exit" (German and Dutch posts on the Xodus)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from trendlens.topics.names import dictionary_word

    options = list(dict.fromkeys(c for c in candidates if c.strip()))
    known = set().union(*map(_words, options)) | ENGLISH_STOP_WORDS if options else set()
    parts = [
        p
        for p in dict.fromkeys(p for name in names for p in _PHRASES.split(name)[::2])
        if any(w not in known and not dictionary_word(w) for w in _words(p))
    ]
    if not parts or not options:
        return {}
    similarity = unit(np.asarray(embed(parts), dtype=np.float32)) @ unit(np.asarray(embed(options), dtype=np.float32)).T
    out = {}
    for part, row in zip(parts, similarity):
        words = _words(part)
        for j in np.argsort(-row, kind="stable"):
            if row[j] < min_similarity:
                break
            if not _words(options[j]) <= words:
                out[part] = options[j]
                break
    return out


def glossed(name: str, glosses: Mapping[str, str]) -> str:
    """``name`` with the gloss of each of its phrases after it: "terremoto ‘earthquake’ and santa maria"."""
    return "".join(
        f"{part} ‘{glosses[part]}’" if k % 2 == 0 and part in glosses else part
        for k, part in enumerate(_PHRASES.split(name))
    )


def _words(phrase: str) -> set[str]:
    """The words of ``phrase``, case-folded and without accents ("méxico" → "mexico"), but a single letter: the
    suffix of "twitter’ı" (Turkish) is no word to gloss."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", phrase.casefold()) if not unicodedata.combining(c))
    return {w for w in re.findall(r"\w+", plain) if len(w) > 1 or not w.isascii()}
