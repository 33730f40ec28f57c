"""A name in CJK script linked to the Latin name of the same entity, from what the documents show.

Without a segmenter for every CJK language, a CJK name is one of the character
n-grams of the trend's CJK runs (2–6 characters) found in two documents or more.
It is linked to an entity when

1. its pinyin spells a key of the entity ("小红书" → "xiaohongshu"; Chinese only), or
2. it stands right next to a Latin mention of the entity, as a whole run of CJK
   characters, in two documents or more ("RedNote（小红书）", "小红书/RedNote"), or
3. it co-occurs with the entity far beyond chance (hypergeometric p ≤ 0.001, in
   three documents or more, and with the entity in most of its own documents), is
   written standalone at least once (a whole hashtag or a run of its own), and no
   other entity explains it better.

Of overlapping n-grams with the same evidence the longest is kept, so "小红书"
wins over "小红" and "红书".
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Container, Mapping, Sequence
from typing import Any

from trendlens.enrich.mentions import CJK_RANGES, Post, cjk_grams, name_key, runs

#: Characters allowed between a Latin name and its CJK neighbour.
_SEPARATORS = " \t()（）[]【】「」『』/|｜:：-–—,，、"
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_RUN = re.compile(f"[{CJK_RANGES}]+")
#: Largest hypergeometric p-value of a co-occurrence link.
MAX_P = 1e-3
#: Words that precede an alias ("X (formerly Twitter)", "Twitter, now X", "a.k.a. X").
ALIAS_CUES = frozenset({"formerly", "previously", "aka", "now", "rebranded", "renamed"})
#: Alias cues that need no bracket or comma before them ("X formerly Twitter", "Bluesky aka bsky").
PLAIN_ALIAS_CUES = frozenset({"formerly", "aka", "a"})
_ALIAS_FILLER = frozenset({"known", "as", "called", "to", "the"})
_DETERMINERS = frozenset({"the", "that", "this", "a", "an", "my", "our", "your", "their", "his", "her"})


@functools.lru_cache(maxsize=4096)
def pinyin_key(text: str) -> str:
    """The toneless pinyin of a run of Chinese characters as a key ("小红书" → "xiaohongshu"); "" otherwise."""
    if not _HAN.match(text):
        return ""
    from pypinyin import lazy_pinyin

    return name_key("".join(lazy_pinyin(text)))


def link_scripts(
    posts: Sequence[Post],
    entities: Sequence[Sequence[str]],
    docs: Sequence[set[int]],
    keys: Mapping[str, Any],
    *,
    least: int = 2,
) -> list[tuple[tuple[str, ...], set[int]]]:
    """For each entity (its keys and documents), the CJK names linked to it and the documents they add.

    ``keys`` maps each key to its evidence; only the keys named in ``entities`` are read.
    """
    empty: list[tuple[tuple[str, ...], set[int]]] = [((), set()) for _ in entities]
    grams: dict[str, set[int]] = defaultdict(set)
    for d, post in enumerate(posts):
        for run in post.cjk:
            for gram in cjk_grams(run):
                grams[gram].add(d)
    grams = {g: ds for g, ds in grams.items() if len(ds) >= least}
    if not grams or not entities:
        return empty
    links: dict[int, set[str]] = defaultdict(set)
    owner = {k: e for e, members in enumerate(entities) for k in members}
    for gram in grams:
        e = owner.get(pinyin_key(gram)) if len(pinyin_key(gram)) >= 4 else None
        if e is not None:
            links[e].add(gram)
    for e, gram in _adjacent(posts, owner, grams, least):
        links[e].add(gram)
    for e, gram in _co_occurring(posts, docs, grams, links):
        links[e].add(gram)
    out = []
    for e in range(len(entities)):
        kept = _longest(links.get(e, set()), grams)
        added = set().union(*(grams[g] for g in kept)) if kept else set()
        out.append((tuple(sorted(kept, key=lambda g: (-len(grams[g]), g))), added))
    return out


def _adjacent(posts: Sequence[Post], owner: Mapping[str, int], grams: Mapping[str, set[int]], least: int):
    """(entity, gram) pairs written side by side in ``least`` documents or more."""
    seen: dict[tuple[int, str], set[int]] = defaultdict(set)
    for d, post in enumerate(posts):
        if not post.cjk:
            continue
        spans = [(w.start, w.end, owner[w.key]) for w in post.words if w.key in owner]
        for tag in post.tags:
            for _, _, key in runs(tag.words):
                if key in owner:
                    spans.append((tag.start, tag.end, owner[key]))
        for start, end, e in spans:
            after = post.text[end : end + 12].lstrip(_SEPARATORS)
            before = post.text[max(0, start - 12) : start].rstrip(_SEPARATORS)
            right = _RUN.match(after)
            left = re.search(f"[{CJK_RANGES}]+$", before)
            for run in (right, left):
                if run and run.group() in grams:
                    seen[(e, run.group())].add(d)
    return [pair for pair, ds in seen.items() if len(ds) >= least]


def _co_occurring(
    posts: Sequence[Post], docs: Sequence[set[int]], grams: Mapping[str, set[int]], links: Mapping[int, set[str]]
):
    """(entity, gram) pairs that co-occur far beyond chance, each gram with its best entity only."""
    from scipy.stats import hypergeom

    n = len(posts)
    standalone = {run for post in posts for run in post.cjk}
    best: dict[str, tuple[float, int]] = {}
    for gram, gram_docs in grams.items():
        if gram not in standalone:
            continue
        for e, entity_docs in enumerate(docs):
            both = len(gram_docs & entity_docs)
            if both < 3 or both < 0.6 * len(gram_docs):
                continue
            p = float(hypergeom.sf(both - 1, n, len(entity_docs), len(gram_docs)))
            if p <= MAX_P and (gram not in best or p < best[gram][0]):
                best[gram] = (p, e)
    out = []
    for e in range(len(docs)):
        mine = [(p, -len(g), g) for g, (p, owner) in best.items() if owner == e]
        if mine and not links.get(e):
            out.append((e, min(mine)[2]))
    return out


def _longest(linked: set[str], grams: Mapping[str, set[int]]) -> set[str]:
    """``linked`` without n-grams inside a longer linked one found in as many documents."""
    return {g for g in linked if not any(g != h and g in h and len(grams[h]) >= len(grams[g]) for h in linked)}


def abbreviates(short: str, long: str) -> bool:
    """``short`` abbreviates ``long``: 3+ letters, same first and last letter, in order, neither its start
    nor its end ("bsky" → "bluesky"; "award" is no abbreviation of "Academy Award"); or the initials of the
    words a one-word name is made of, two or three ("ig" → "instagram", insta + gram; "tt" → "tiktok")."""
    if short.isalpha() and 2 <= len(short) <= 3 and long.isalpha() and long.isascii() and _initials(long) == short:
        return True
    if len(short) < 3 or len(short) > 0.75 * len(long) or long.startswith(short) or long.endswith(short):
        return False
    if short[0] != long[0] or short[-1] != long[-1] or not short.isalpha():
        return False
    it = iter(long)
    return all(ch in it for ch in short)


@functools.lru_cache(maxsize=4096)
def _initials(name: str) -> str:
    """The first letters of the English words a one-word name splits into (web counts), when it splits into
    two or three of two letters or more; else ''."""
    from trendlens.topics.terms import web_segmenter

    parts = web_segmenter().segment(name)
    if not 2 <= len(parts) <= 3 or any(len(p) < 2 for p in parts):
        return ""
    return "".join(p[0] for p in parts)


def equated_pairs(posts: Sequence[Post], keys: Container[str]) -> Counter[tuple[str, str]]:
    """Pairs of keys the documents say are one ("X (formerly Twitter)", "Twitter (now X)"), counted per document."""
    pairs: Counter[tuple[str, str]] = Counter()
    for post in posts:
        seen: set[tuple[str, str]] = set()
        words = post.words
        for i, word in enumerate(words):
            cue = word.key
            if cue not in ALIAS_CUES and not (cue == "a" and [w.key for w in words[i : i + 3]] == ["a", "k", "a"]):
                continue
            if i == 0 or words[i - 1].key not in keys:
                continue
            if i >= 2 and words[i - 2].key in _DETERMINERS and not words[i - 1].capitalised:
                continue  # "the app formerly known as Twitter": a common noun describing it, not its other name
            gap = post.text[words[i - 1].end : word.start]
            if cue not in PLAIN_ALIAS_CUES and "(" not in gap and "," not in gap:
                continue  # "Musk renamed Twitter" names no alias; "Twitter (renamed X)", "X, previously Twitter" do
            if gap.strip(" (,–—-") != "":
                continue
            j = i + (3 if cue == "a" else 1)
            while j < len(words) and words[j].key in _ALIAS_FILLER:
                j += 1
            if j < len(words) and words[j].key in keys and words[j].key != words[i - 1].key:
                seen.add(tuple(sorted((words[i - 1].key, words[j].key))))
        pairs.update(seen)
    return pairs
