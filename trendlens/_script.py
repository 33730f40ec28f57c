"""Word characters of every script, for the regular expressions that cut text into words.

Python's ``\\w`` holds letters and digits but not combining marks (Unicode categories Mn, Mc, Me), and the
scripts of South and South-East Asia write most vowels with them: ``\\w+`` cut "बहुत" (Hindi, "very") into
"बह", "एप्लिकेशन" ("application") into "एप" and "शन", and "مُمتازة" (Arabic, a vowel sign on its first letter)
into "متازة". Those fragments were keywords and names of the Threads reviews in Hindi and Bengali ("नह",
"करन", "सकत"), and the function words of those languages (spaCy's "है", "नहीं") were never matched.
"""

from __future__ import annotations

import re
import unicodedata


def _marks() -> str:
    """The combining marks of the Basic Multilingual Plane, as the ranges of a regular-expression class."""
    ranges, start = [], None
    for code in range(0x300, 0x10000):
        mark = unicodedata.category(chr(code)).startswith("M")
        if mark and start is None:
            start = code
        elif not mark and start is not None:
            ranges.append((start, code - 1))
            start = None
    return "".join(re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in ranges)


_MARKS = _marks()
#: The body of a character class of word characters: ``\w`` and the combining marks (``[{WORD_CHARS}]``).
WORD_CHARS = r"\w" + _MARKS
#: One word character of any script.
WORD = f"[{WORD_CHARS}]"
#: Combining marks that follow no letter: an emoji's variation selector ("❤️" is U+2764 U+FE0F), which is
#: part of no word (:func:`re.sub` them away before cutting words with :data:`WORD_CHARS`).
STRAY_MARKS = re.compile(f"(?<![{WORD_CHARS}])[{_MARKS}]+")
