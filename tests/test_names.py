"""Trend and consumer-trend names (trendlens.topics.names): phrases of the documents, distinct among siblings."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.topics.model import term_stop_words
from trendlens.topics.names import document_phrases, name_trends, nameable, phrase_key
from trendlens.topics.terms import Terms


@pytest.fixture(scope="module")
def bbc_terms() -> tuple[list[str], Terms]:
    """The BBC articles and their terms (about 10 s to build), shared by the tests that read them all."""
    from trendlens.topics.model import corpus_terms

    texts = [r["text"] for r in read_jsonl_gz(CORPORA / "bbc.jsonl.gz")]
    return texts, corpus_terms(texts)


@pytest.fixture(scope="module")
def bluesky_fit(static_embedder):
    """A detector fitted on every 16th post of the Bluesky migration corpus (509 posts)."""
    from trendlens import TrendDetector, load_corpus

    corpus = load_corpus(read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")[::16])
    return TrendDetector(embedder=static_embedder, taxonomy=None, show_progress=False).fit(corpus)


def _members(detector, trend: int) -> list[str]:
    return [detector.corpus_[i].text for i in np.flatnonzero(detector.labels_ == trend)]


def _phrase_counts(detector, terms: Terms, trends) -> Counter:
    counts: Counter = Counter()
    for trend in trends:
        for text in _members(detector, trend):
            counts.update(document_phrases(terms, text).keys())
    return counts


def test_trend_names_are_document_phrases_distinct_among_siblings(bluesky_fit):
    """Issue 20: names were keyword soup with spelling variants side by side ("xodus / twitterexodus /
    xitter", "tik / tok / just"), and two sub trends of one group could read alike."""
    detector = bluesky_fit
    terms = Terms.from_texts(detector.corpus_.texts, term_stop_words("english"))
    table = detector.trends_
    assert len(table) >= 4
    for trend, row in table.iterrows():
        name = row["label"]
        assert " / " not in name, (trend, name, row["keywords"])
        assert not terms.is_stop(name), name  # not a filler word on its own
        counts = _phrase_counts(detector, terms, [trend])
        words = phrase_key(terms, name).split()
        # a phrase of at least two of its own documents, or a proper name and the common nouns after it
        splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
        assert counts[" ".join(words)] >= 2 or any(min(counts[a], counts[b]) >= 2 for a, b in splits), name
    assert table["label"].is_unique, list(table["label"])
    for group in {g.id: g for g in detector.groups_.values()}.values():
        siblings = [table.at[m, "label"] for m in group.members]
        assert len(set(siblings)) == len(siblings), siblings


def test_group_names_are_shared_phrases_distinct_among_groups(bluesky_fit):
    detector = bluesky_fit
    terms = Terms.from_texts(detector.corpus_.texts, term_stop_words("english"))
    groups = {g.id: g for g in detector.groups_.values()}
    assert len({g.name for g in groups.values()}) == len(groups)
    several = [g for g in groups.values() if len(g.members) > 1]
    assert several, "the fit should merge some sub trends"
    for group in several:
        name, _, rest = group.name.partition(" and ")  # "storm and earthquake": the second names the rest
        key = phrase_key(terms, name)
        key = key if any(_phrase_counts(detector, terms, [m])[key] for m in group.members) else key.split()[0]
        holders = [m for m in group.members if _phrase_counts(detector, terms, [m])[key] >= 1]
        assert len(holders) >= 2, (group.name, group.members)  # what members share, not one member's word
        assert not rest or _phrase_counts(detector, terms, group.members)[phrase_key(terms, rest)] >= 2


def test_keywords_carry_no_spelling_variants(bluesky_fit):
    """Issue 20: "tiktokrefugee", "tiktokrefugees" and "tiktok refugee" were three keywords of one trend."""
    for keywords in bluesky_fit.trends_["keywords"]:
        squashed = Counter(k.replace(" ", "") for k in keywords)
        assert max(squashed.values()) == 1, keywords
        assert not [k for k in keywords if len(set(k.split())) < len(k.split())], keywords  # "xodus xodus"


def _docs(*spec: tuple[int, int, dict[str, str]]) -> tuple[list[dict[str, str]], list[int]]:
    """``(trend, how many, phrases)`` → per document its phrases and its trend."""
    phrases, labels = [], []
    for trend, n, doc in spec:
        phrases += [doc] * n
        labels += [trend] * n
    return phrases, labels


def test_a_bare_place_takes_the_common_nouns_that_say_what_happened_there():
    """Issue 20 blind judgement: "colorado", "manila" and "tony blair" named only where or who."""
    phrases, labels = _docs(
        (0, 6, {"colorado": "colorado", "flood": "floods"}),
        (0, 4, {"colorado": "colorado", "boulder": "boulder"}),
        (1, 8, {"storm": "storm", "flood": "floods"}),
        (1, 2, {"storm": "storm"}),
        (2, 5, {"calgary": "calgary", "canada": "canada"}),
        (2, 5, {"calgary": "calgary"}),
    )
    texts = ["we drove from Boulder to Colorado in the floods and the storm"] * 3
    terms = Terms.from_texts(texts, term_stop_words("english"))
    assert terms.proper("boulder") and not terms.proper("floods")  # "Boulder" the town, not the rock
    names = name_trends(phrases, labels, {0: [0], 1: [1], 2: [2]}, terms=terms)
    assert names.trends[0] == "colorado floods"  # where, then what
    assert names.trends[1] == "storm"  # a common noun is a name already
    assert names.trends[2] == "calgary"  # nothing but names: no common noun to add
    assert names.groups[0] == "colorado floods"
    baseball = _docs(
        (0, 4, {"mlb": "mlb", "major league": "major league"}), (0, 6, {"mlb": "mlb"}), (1, 10, {"nba": "nba"})
    )
    assert name_trends(*baseball, {0: [0], 1: [1]}).trends[0] == "mlb"  # not "mlb major league"


def test_a_title_starts_no_name():
    terms = Terms.from_texts(["Mr Ebbers denied fraud.", "Mr Ebbers was convicted."], term_stop_words("english"))
    assert not nameable(terms, ["mr", "ebbers"])
    assert nameable(terms, ["ebbers"])
    assert "mr ebbers" not in document_phrases(terms, "Mr Ebbers denied fraud.")


def test_a_name_does_not_cut_a_fixed_expression_in_two():
    """Blind judgement of issue 20: "hits costa" named the Costa Rica earthquake tweets."""
    texts = [r["text"] for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")[::4]]
    terms = Terms.from_texts(texts, term_stop_words("english"))
    assert terms.glued("costa") and terms.glued("rica", after=False) and not terms.glued("colorado")
    phrases = document_phrases(terms, "Strong quake hits Costa Rica, tsunami warning")
    assert "costa rica" in phrases and not [p for p in phrases if p.endswith("costa") or p.startswith("rica")]


def test_the_corpus_s_own_subject_does_not_name_its_largest_group():
    """Issue 20: the Bluesky migration was named "bluesky" (then "bluesky post") in a corpus of Bluesky posts."""
    phrases, labels = _docs(
        (0, 6, {"bluesky": "bluesky", "xodus": "xodus"}),
        (0, 4, {"bluesky": "bluesky"}),
        (1, 6, {"bluesky": "bluesky", "xodus": "xodus"}),
        (1, 4, {"bluesky": "bluesky"}),
        (2, 3, {"bluesky": "bluesky", "ukraine war": "ukraine war"}),
    )
    names = name_trends(phrases, labels, {0: [0, 1], 1: [2]})
    assert names.groups[0] == "xodus" and names.groups[1] == "ukraine war"


def test_a_group_its_name_covers_only_in_part_adds_what_names_the_rest():
    """Blind judgement of issue 20: "storm" named a HuffPost group of storms, hurricanes and earthquakes
    ("covers only part"). Real headlines: quake news and hurricane news, one consumer trend of two."""
    heads = [r["text"].split(". ")[0] for r in read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")]
    kinds = ("earthquake", "hurricane", "tornado")

    def about(kind: str) -> list[str]:
        return [h for h in heads if kind in h.lower() and not any(k in h.lower() for k in kinds if k != kind)]

    quakes, storms, tornadoes = about("earthquake")[:35], about("hurricane")[:35], about("tornado")[:30]
    other = [h for h in heads if not any(k in h.lower() for k in kinds)][:400]
    texts = quakes + storms + tornadoes + other
    terms = Terms.from_texts(texts, term_stop_words("english"))
    phrases = [document_phrases(terms, t) for t in texts]
    labels = [0] * len(quakes) + [1] * len(storms) + [2] * len(tornadoes) + [-1] * len(other)
    name = name_trends(phrases, labels, {0: [0, 1, 2]}, terms=terms).groups[0]
    first, _, second = name.partition(" and ")
    assert second and len({k for k in kinds if k in name}) == 2, name
    # a group whose name covers most of it keeps the one phrase
    alone = name_trends(phrases[: len(quakes)], [0] * len(quakes), {0: [0]}, terms=terms).groups[0]
    assert " and " not in alone and "earthquake" in alone


def test_a_sub_trend_is_named_by_a_phrase_about_its_documents(embedder):
    """Blind judgement of issue 20: a phrase exclusive to a few documents outscored the topic ("vs" named
    football matches of Mexico and Costa Rica, "new this week" Netflix releases, "musk oligarchy" Xodus
    posts). Real HuffPost headlines about Netflix and the real model give the trend's direction; "vs" is
    in 8 of its 20 documents and nowhere else, "netflix" in all 20 and in 80 documents of no trend."""
    from trendlens._vectors import unit

    heads = [r["text"].split(". ")[0] for r in read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")]
    netflix = [h for h in heads if "netflix" in h.lower()][:40]
    centre = unit(np.asarray(embedder.encode(netflix), dtype=np.float64).mean(axis=0, keepdims=True))[0]

    def embed(phrases):
        return unit(np.asarray(embedder.encode(list(phrases)), dtype=np.float64))

    phrases, labels = _docs(
        (0, 8, {"netflix": "netflix", "vs": "vs"}), (0, 12, {"netflix": "netflix"}), (-1, 80, {"netflix": "netflix"})
    )
    terms = Terms.from_texts(netflix + ["mexico vs costa rica, the match tonight"] * 3, term_stop_words("english"))
    assert name_trends(phrases, labels, {0: [0]}, terms=terms).trends[0] == "vs"  # coverage and precision alone
    names = name_trends(phrases, labels, {0: [0]}, terms=terms, embed=embed, centroids={0: centre})
    assert names.trends[0] == "netflix"
    assert names.groups[0] == "netflix"  # a consumer trend of one sub trend is named as that sub trend
    # a proper name is kept whatever its cosine (real protest headlines give the direction): it takes a
    # complement that says what happened there
    places = _docs(
        (0, 12, {"hong kong": "hong kong", "protester": "protesters"}), (-1, 10, {"protester": "protesters"})
    )
    protests = [h for h in heads if "protest" in h.lower()][:30]
    towards = unit(np.asarray(embedder.encode(protests), dtype=np.float64).mean(axis=0, keepdims=True))[0]
    texts = ["Protesters marched in Hong Kong on Sunday"] * 3
    terms = Terms.from_texts(texts, term_stop_words("english"))
    named = name_trends(*places, {0: [0]}, terms=terms, embed=embed, centroids={0: towards})
    assert named.trends[0] == "hong kong protesters"


def test_a_phrase_of_the_corpus_s_own_words_does_not_name_a_sub_trend():
    """Blind judgement of issue 20: "post on bluesky" named the "Hello Bluesky" first posts of a corpus of
    Bluesky posts ("fits every document in this corpus"). Both its words are in every other trend too."""
    phrases, labels = _docs(
        (0, 5, {"post on bluesky": "post on bluesky", "bluesky": "bluesky", "post": "post"}),
        (0, 5, {"post on bluesky": "post on bluesky", "hello bluesky": "hello bluesky", "post": "post"}),
        (1, 10, {"bluesky": "bluesky", "post": "post", "art": "art"}),
        (2, 10, {"bluesky": "bluesky", "post": "post", "cat": "cat"}),
    )
    terms = Terms.from_texts(["Hello Bluesky, my first post on Bluesky"] * 3, term_stop_words("english"))
    names = name_trends(phrases, labels, {0: [0, 1, 2]}, terms=terms)
    assert names.trends[0] == "hello bluesky"
    assert names.trends[1] == "art" and names.trends[2] == "cat"


def test_a_bare_common_word_gives_way_to_its_phrase_nearly_as_common(monkeypatch):
    """Blind judgement of issue 20: "climate", "vaccine", "art" were "bare keywords", judged "partly". Real
    HuffPost headlines with "climate" (a trend) beside those with "vaccine" (another) and headlines of no
    trend: the climate trend is named "climate change" (24 of its 60 headlines; "climate" is in 59), the
    vaccine trend "covid-19 vaccine"; without the rule the first is "climate"."""
    from trendlens.topics import names as names_module

    heads = [r["text"].split(". ")[0] for r in read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")]
    climate = [h for h in heads if "climate" in h.lower()][:60]
    vaccine = [h for h in heads if "vaccine" in h.lower()][:60]
    other = [h for h in heads if "climate" not in h.lower() and "vaccine" not in h.lower()][:300]
    texts = climate + vaccine + other
    terms = Terms.from_texts(texts, term_stop_words("english"))
    phrases = [document_phrases(terms, t) for t in texts]
    labels = [0] * len(climate) + [1] * len(vaccine) + [-1] * len(other)
    with_change = sum("climate change" in p for p in phrases[: len(climate)])
    assert 0.3 * len(climate) <= with_change < 0.5 * len(climate)  # a qualifier of the bulk, not the trend's word
    names = name_trends(phrases, labels, {0: [0], 1: [1]}, terms=terms)
    assert names.trends[0] == "climate change"
    assert names.trends[1] != "vaccine" and "vaccine" in names.trends[1].split()
    monkeypatch.setattr(names_module, "LONGER_SHARE", float("inf"))
    assert name_trends(phrases, labels, {0: [0], 1: [1]}, terms=terms).trends[0] == "climate"


def test_a_bare_name_with_no_complement_gives_way_to_its_phrase_nearly_as_common(monkeypatch):
    """A name that is one proper name takes a common noun after it where one is common enough ("colorado" →
    "colorado floods"); where none is, it takes its longer phrase as a common word does. The CrisisLex tweets
    naming Tsarnaev, as one trend, were "tsarnaev" and are "dzhokhar tsarnaev"; without the rule, "tsarnaev"."""
    from trendlens.topics import names as names_module

    named, _, _, _ = _named_alone("crisislex_dev", lambda r: "tsarnaev" in r["text"].lower())
    assert named() == "dzhokhar tsarnaev"
    monkeypatch.setattr(names_module, "LONGER_SHARE", float("inf"))
    assert named() == "tsarnaev"


def test_content_words_of_the_stop_list_can_name_a_trend():
    """scikit-learn's English stop-word list holds "fire", "bill", "interest" and "system": CrisisLex's NSW
    bushfire tweets were named "nsw" and BBC's economy news had no "interest rates". Real tweets of the
    2013 Australian bushfires beside those of the Boston bombings: the bushfire trend's name says fire."""
    from trendlens.topics.model import corpus_terms, stop_words

    assert {"fire", "bill", "interest", "system"}.isdisjoint(stop_words("english"))
    assert {"the", "whereas", "dont"} <= set(stop_words("english"))
    rows = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")
    fires = [r["text"] for r in rows if r["event"] == "2013_Australia_bushfire"][:300]
    boston = [r["text"] for r in rows if r["event"] == "2013_Boston_bombings"][:300]
    texts = fires + boston
    terms = corpus_terms(texts)
    names = name_trends(
        [document_phrases(terms, t) for t in texts], [0] * 300 + [1] * 300, {0: [0], 1: [1]}, terms=terms
    )
    assert "fire" in names.trends[0] or "fires" in names.trends[0], names.trends


def test_a_consumer_trend_of_one_sub_trend_is_named_as_it_and_takes_no_other_group_s_name():
    """A consumer trend of one sub trend was named by the group rule, then renamed after its sub trend: the
    discarded name still kept its phrase from the groups named after it, and where the sub trend took the
    name of another group ("storm" here) the two kept different names. Now such a group is named only
    through its sub trend, which may not take a phrase that names another group."""
    phrases, labels = _docs(
        (0, 10, {"storm": "storm", "tornado": "tornado"}),
        (1, 10, {"storm": "storm", "hurricane": "hurricane"}),
        (2, 3, {"storm": "storm", "flood": "floods"}),
        (2, 7, {"storm": "storm"}),
        (-1, 100, {"week": "week"}),
    )
    names = name_trends(phrases, labels, {0: [0, 1], 1: [2]})
    assert names.groups[0] == "storm"
    assert names.trends[2] == "floods" and names.groups[1] == "floods"


def test_copies_of_one_campaign_message_count_once_in_a_name(embedder, monkeypatch):
    """Blind judgement of issue 20: a Bluesky trend of 153 posts was named "twitter bullhorn", a phrase of ten
    copies of one TwitterExodus campaign message (a name changed in each) that none of its sampled posts held.
    Real posts: those ten copies and 130 other #TwitterExodus posts as one trend, beside the remaining
    #TwitterExodus posts and 300 first posts. Read once per group of near-duplicates (as reach counts them),
    the copies no longer name the trend."""
    import random
    import re

    from trendlens.topics.duplicates import near_duplicate_representatives
    from trendlens.topics.model import corpus_terms
    from trendlens.topics.names import names_from_documents

    rows = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")
    # exact copies are dropped when a corpus is read (Corpus); near copies are not
    exodus = list(dict.fromkeys(r["text"] for r in rows if re.search(r"twitterexodus", r["text"], re.I)))
    copies = [t for t in exodus if "Twitter bullhorn" in t]
    others = [t for t in exodus if "TwitterExodus campaign" not in t]
    assert len(copies) == 10
    trend = copies + random.Random(0).sample(others, 130)
    chosen = set(trend)
    first = list(dict.fromkeys(r["text"] for r in rows if "#firstpost" in r["text"]))[:300]
    texts = trend + [t for t in others if t not in chosen] + first
    labels = np.array([0] * len(trend) + [2] * (len(texts) - len(trend) - 300) + [1] * 300)
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    centrality = np.zeros(len(texts))
    for label in (0, 1, 2):
        rows_of = labels == label
        centroid = vectors[rows_of].mean(axis=0)
        centrality[rows_of] = vectors[rows_of] @ (centroid / np.linalg.norm(centroid))
    speaks_as = near_duplicate_representatives(vectors, texts)
    assert (speaks_as[: len(copies)] != np.arange(len(copies))).any()  # the copies collapse

    def name(**kwargs) -> str:
        groups = {0: [0], 1: [1], 2: [2]}
        terms = corpus_terms(texts)
        return names_from_documents(texts, labels, centrality, groups, terms, {}, **kwargs).trends[0]

    assert "oligarchy" not in name(speaks_as=speaks_as) and "bullhorn" not in name(speaks_as=speaks_as)
    # copies with the same phrases are read once even without near-duplicate groups; when none are
    # (every copy read), the ten copies name the trend
    assert "oligarchy" not in name()
    monkeypatch.setattr("trendlens.topics.names.COPIED_PHRASES", 10**6)
    named = name()  # a phrase of the ten copies alone ("musk oligarchy" before phrases cut from names went)
    assert named in copies[0].lower() and not any(named in text.lower() for text in trend[len(copies) :])


def test_a_text_retweeted_under_other_handles_counts_once_in_a_name():
    """Blind judgement of issue 20: a CrisisLex trend of prayers for the 2013 Bohol earthquake was named
    "typhoons visayas" (wrong event type) from one list retweeted under several handles ("RT @a: Luzon:
    Typhoons Visayas: Earthquake Mindanao: War Pray for our Dear Philippines."). Real tweets: 25 about the
    Bohol earthquake with its 11 retweets or with one of them, beside typhoon tweets and other earthquakes.
    The trend is named alike either way; reviews that say "Nice app" are different people and all count."""
    import random
    import re

    from trendlens.topics.model import corpus_terms
    from trendlens.topics.names import names_from_documents

    rows = list(dict.fromkeys(r["text"] for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")))
    copies = [t for t in rows if re.search(r"Typhoons\W+Visayas", t)]
    bohol = [
        t
        for t in rows
        if re.search(r"earthquake", t, re.I) and re.search(r"bohol|cebu", t, re.I) and "visayas" not in t.lower()
    ]
    typhoon = [t for t in rows if re.search(r"typhoon", t, re.I) and re.search(r"pablo|bopha", t, re.I)]
    elsewhere = re.compile(r"guatemala|costa rica|japan|italy", re.I)
    other = [t for t in rows if re.search(r"earthquake", t, re.I) and elsewhere.search(t)]
    assert len(copies) >= 10 and len(set(copies)) == len(copies)  # distinct texts: the handles differ
    rest = random.Random(0).sample(typhoon, 300) + random.Random(0).sample(other, 400)
    bohol = random.Random(0).sample(bohol, 25)

    def name(retweets: int) -> str:
        texts = copies[:retweets] + bohol + rest
        labels = np.array([0] * (retweets + len(bohol)) + [1] * 300 + [2] * 400)
        groups = {0: [0], 1: [1], 2: [2]}
        return names_from_documents(texts, labels, np.zeros(len(texts)), groups, corpus_terms(texts), {}).trends[0]

    once = name(1)
    assert "earthquake" in once and "typhoon" not in once
    assert name(len(copies)) == once

    reviews = [r["text"] for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")[::10]]
    nice = [t for t in reviews if t.strip(" .!").lower() == "nice app"]
    copy = [t for t in reviews if re.fullmatch(r"\W*copy\W*cat\W*|\W*copycat\W*", t, re.I)]
    assert len(nice) >= 20 and len(copy) >= 3
    texts = nice + copy + [t for t in reviews if t not in nice and t not in copy][:1000]
    labels = np.array([0] * len(nice) + [1] * len(copy) + [-1] * (len(texts) - len(nice) - len(copy)))
    names = names_from_documents(texts, labels, np.zeros(len(texts)), {0: [0], 1: [1]}, corpus_terms(texts), {})
    assert names.trends[0] == "nice app"


def test_a_piece_cut_from_a_longer_expression_names_no_trend(bbc_terms, monkeypatch):
    """Blind judgement of issue 20: BBC trends were named by pieces of longer expressions, "world number and
    olympic" (of "world number one"), "guilty to fraud" (of "pleaded guilty to fraud"), "commercial services
    union" (of the Public and Commercial Services union), all wrong. Real BBC articles: a phrase nearly always
    said after one same verb, after "and"/"of" or before a number is cut, and so is a phrase of several words
    nearly always inside one same longer phrase; whole names and single words are not. The trend of
    the articles on the men's tennis players is named without "world number", which it is named by when no
    phrase is cut."""
    import re

    from trendlens.topics import names

    texts, terms = bbc_terms
    cut = names.cut_phrases(terms, texts)
    pieces = {"world number", "guilty to fraud", "commercial service union", "exchange commission"}
    assert pieces | {"financial officer", "indoor championship"} <= cut  # "chief ...", "european ..."
    wholes = {"tony blair", "prime minister", "chief financial officer", "european indoor championship", "world cup"}
    assert not (wholes | {"pension", "seeker", "servant"}) & cut  # one word after "asylum", "civil" is a noun still

    labels = np.array([0 if re.search(r"Roddick|Federer|Hewitt|Henman", t) else 1 for t in texts])
    assert 40 <= (labels == 0).sum() <= 80

    def tennis() -> str:
        return names.names_from_documents(texts, labels, np.ones(len(texts)), {0: [0], 1: [1]}, terms, {}).trends[0]

    assert "world number" not in tennis()
    monkeypatch.setattr(names, "cut_phrases", lambda *args, **kwargs: frozenset())
    assert "world number" in tennis()


def test_a_sub_trend_is_named_by_what_its_documents_are_about_not_by_one_of_its_entities(
    bbc_terms, embedder, monkeypatch
):
    """Blind judgement of issue 20 (run 13): sub trends were named by one entity of many, the phrase exclusive to a
    few of their documents ("mikhail khodorkovsky political ambitions" for the BBC's Yukos affair). Real BBC
    articles: those about Yukos and those about broadband, each a trend. Phrases closer to what the whole trend
    is about (cosine to its centroid) weigh more: "russian oil", "broadband users"; without that weight the
    names are a person and a generic word."""
    import re

    from trendlens.topics import names

    texts, terms = bbc_terms
    labels = np.array(
        [0 if re.search(r"Yukos|Khodorkovsky", t) else 1 if re.search(r"\bbroadband\b", t) else -1 for t in texts]
    )
    assert 20 <= (labels == 0).sum() <= 40 and 50 <= (labels == 1).sum() <= 90

    def embed(phrases) -> np.ndarray:
        vectors = np.asarray(embedder.encode(list(phrases)), dtype=np.float64)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    centroids, centrality = {}, np.zeros(len(texts))
    for trend in (0, 1):
        rows = np.flatnonzero(labels == trend)
        vectors = embed([texts[i] for i in rows])
        centroids[trend] = vectors.mean(axis=0) / np.linalg.norm(vectors.mean(axis=0))
        centrality[rows] = vectors @ centroids[trend]

    def named() -> dict[int, str]:
        groups = {0: [0], 1: [1]}
        return names.names_from_documents(
            texts, labels, centrality, groups, terms, {}, embed=embed, centroids=centroids
        ).trends

    weighted = named()
    assert "khodorkovsky" not in weighted[0] and "oil" in weighted[0]
    assert "broadband" in weighted[1]
    monkeypatch.setattr(names, "COSINE_WEIGHT", 0.0)
    plain = named()
    assert "khodorkovsky" in plain[0] and "broadband" not in plain[1]


def test_a_proper_name_takes_only_a_complement_its_documents_say_with_it(monkeypatch):
    """Blind judgement of issue 20 (run 15): "israel nuclear deal" named HuffPost headlines about Israel and
    about Iran's nuclear deal, "ibm hard drive" a trend with no document on hard drives; the two parts of each
    name were never said together. Real HuffPost headlines: those naming the Taliban and those on a nuclear
    deal as one trend are named by the Taliban alone, not "taliban nuclear deal"; Netflix headlines keep "netflix
    movies", said together, though hurricane headlines are in the same trend."""
    import re

    from trendlens.topics import names
    from trendlens.topics.model import corpus_terms

    texts = [r["text"] for r in read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")]
    terms = corpus_terms(texts)

    def named(pattern: str) -> str:
        labels = np.array([0 if re.search(pattern, t) else -1 for t in texts])
        assert 30 <= (labels == 0).sum() <= 200
        return names.names_from_documents(texts, labels, np.ones(len(texts)), {0: [0]}, terms, {}).trends[0]

    assert named(r"\bTaliban\b|\bnuclear deal\b") == "taliban"
    assert named(r"\bNetflix\b|\bhurricane\b") == "netflix movies"
    monkeypatch.setattr(names, "TOGETHER_SHARE", 0.0)
    assert named(r"\bTaliban\b|\bnuclear deal\b") == "taliban nuclear deal"


def test_short_reactions_no_phrase_names_are_named_so_before_their_keywords(static_embedder, monkeypatch):
    """Issue 20 quotes keyword soup as names ("red / end", "tik / tok / just"). In the Threads launch reviews a
    trend of one-word reviews ("Supp", "Nahhh", "Sikas") has no phrase of its own and was named by its keywords,
    "poli / gud / hhh". Real reviews as three trends: the one-word reviews whose word few others use are short
    reactions (the ranking's tier) and are named so, their keywords after; the others keep their phrases. With
    the tier's share out of reach the same trend is its keyword label again."""
    import re
    from collections import Counter

    from trendlens import TrendDetector, load_corpus
    from trendlens.signals import ranking

    records = read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")[:6000]
    words = [re.findall(r"[^\W\d_]+", r["text"].lower()) for r in records]
    used = Counter(w[0] for w in words if len(w) == 1)
    label = [
        0
        if len(w) == 1 and used[w[0]] <= 2
        else 1
        if re.search(r"\binstagram\b", r["text"], re.I) and len(w) > 5
        else 2
        if re.search(r"\btwitter\b", r["text"], re.I) and len(w) > 5
        else -1
        for r, w in zip(records, words)
    ]
    corpus = load_corpus([r for r, t in zip(records, label) if t >= 0])  # copies dropped
    of = {r["id"]: t for r, t in zip(records, label)}
    labels = np.array([of[d.id] for d in corpus])
    assert min((labels == t).sum() for t in (0, 1, 2)) >= 100
    top = [w for w, _ in Counter(w[0] for k, w in enumerate(words) if label[k] == 0).most_common(3)]
    keywords = {0: top, 1: ["instagram", "account"], 2: ["twitter", "copy"]}

    def fitted() -> dict[int, str]:
        detector = TrendDetector(embedder=static_embedder, taxonomy=None, show_progress=False)
        detector.fit_assigned(corpus, labels, keywords, embeddings=static_embedder.encode(corpus.texts))
        return detector.trends_["label"].to_dict()

    names = fitted()
    assert names[0].startswith("short reactions (") and " / " not in names[0], names
    assert not names[1].startswith("short reactions") and not names[2].startswith("short reactions"), names
    monkeypatch.setattr(ranking, "BRIEF_SHARE", 1.01)
    assert " / " in fitted()[0]  # "surprise / welcome / hi"


def test_a_bare_kind_of_event_takes_the_place_most_of_its_documents_say_with_it(monkeypatch):
    """Blind judgement of issue 20 (run 19): "earthquake" named CrisisLex tweets on one quake, the 2013 Bohol
    earthquake, judged "partly" (a bare class keyword for one event). Real tweets: the Bohol quake's English
    tweets that say "earthquake", as one trend among the other events' tweets, are a Philippine earthquake;
    HuffPost's earthquake headlines, about quakes all over the world, stay "earthquake"; without the rule the
    Bohol trend is "earthquake" too."""
    from trendlens.topics import names
    from trendlens.topics.model import corpus_terms

    rows = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")
    events = {"2013_Bohol_earthquake", "2013_Boston_bombings", "2013_Alberta_floods"}
    english = [r for r in rows if r["event"] in events]
    texts = [r["text"] for r in english]
    labels = np.array(
        [0 if r["event"] == "2013_Bohol_earthquake" and "earthquake" in r["text"].lower() else -1 for r in english]
    )
    assert (labels == 0).sum() >= 100
    terms = corpus_terms(texts)

    def named() -> str:
        return names.names_from_documents(texts, labels, np.ones(len(texts)), {0: [0]}, terms, {}).trends[0]

    bohol = named()
    assert bohol.endswith(" earthquake") and bohol.split()[0] in {"philippines", "bohol", "cebu"}

    news_rows = [r["text"] for r in read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")]
    heads = [h for h in news_rows if "earthquake" in h.lower()]
    heads += [h for h in news_rows[:3000] if "quake" not in h.lower()]
    quakes = np.array([0 if "earthquake" in h.lower() else -1 for h in heads])
    assert (quakes == 0).sum() >= 20
    news = names.names_from_documents(heads, quakes, np.ones(len(heads)), {0: [0]}, corpus_terms(heads), {})
    assert news.trends[0] == "earthquake"

    monkeypatch.setattr(names, "EVENT_SHARE", float("inf"))
    assert named() == "earthquake"


def test_a_group_its_composed_name_covers_in_part_adds_what_names_the_rest(monkeypatch):
    """Blind judgement of issue 20 (run 19): "colorado flood" named CrisisLex's group of the 2012 Colorado
    wildfires, the 2013 Colorado floods and the 2013 Alberta floods ("Colorado floods 4/15; wildfires 6;
    Alberta floods 4"). A place with what happened there covered under half of it, and only a name of one
    phrase took a second. Real tweets of the three events as one group of three sub trends (half the Alberta
    tweets: with all, "flood" alone is in 62% of the group and names it): the name says the fires too;
    without the rule it is the place and the floods alone."""
    from trendlens.topics import names
    from trendlens.topics.model import corpus_terms

    rows = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")
    sizes = {"2012_Colorado_wildfires": 1200, "2013_Colorado_floods": 1000, "2013_Alberta_floods": 500}
    taken: Counter = Counter()
    labels = []
    for r in rows:
        taken[r["event"]] += 1
        labels.append(list(sizes).index(r["event"]) if taken[r["event"]] <= sizes.get(r["event"], 0) else -1)
    texts = [r["text"] for r in rows]
    terms = corpus_terms(texts)

    def named() -> str:
        return names.names_from_documents(
            texts, np.array(labels), np.ones(len(texts)), {0: [0, 1, 2]}, terms, {}
        ).groups[0]

    group = named()
    assert group.startswith("colorado flood and ") and "fire" in group
    monkeypatch.setattr(names, "PAIR_WORDS", 0)
    assert named() == "colorado flood"


def test_a_hashtag_s_code_is_told_from_a_word_the_writers_use():
    """A pair's second phrase is no code a reader must decode: "yyc" (Calgary's airport code, in "#yycflood")
    and "ph" ("#rescuePH") are written almost only inside hashtags in the CrisisLex tweets; "xodus", the
    Bluesky migration's own word, and the place and event words are written as plain words too."""
    from trendlens.topics import names
    from trendlens.topics.model import corpus_terms

    def codes(corpus: str, words: list[str]) -> dict[str, bool]:
        texts = [r["text"] for r in read_jsonl_gz(CORPORA / f"{corpus}.jsonl.gz")]
        terms = corpus_terms(texts)
        df = Counter(key for t in texts for key in {k for seg in terms.segments(t) for k, _ in seg})
        return {w: names._code(w, df, terms) for w in words}

    assert codes("crisislex_dev", ["yyc", "ph", "calgary", "flood", "philippines"]) == {
        "yyc": True,
        "ph": True,
        "calgary": False,
        "flood": False,
        "philippines": False,
    }
    assert codes("bluesky_migration", ["xodus", "bluesky", "gay"]) == {"xodus": False, "bluesky": False, "gay": False}


def test_a_code_in_a_name_is_the_place_its_documents_say_with_it(monkeypatch):
    """Blind judgement of issue 20 (run 20): "yyc flood" named the 2013 Alberta flood tweets, "right topic, but
    "yyc" is an airport-code hashtag an analyst must decode". Real Alberta flood tweets as one trend: the code
    gives way to the place most of its tweets name with it; with no word taken for a code, the name is
    "yyc flood" again."""
    from trendlens.topics import names

    named, _, _, _ = _named_alone("crisislex_dev", lambda r: r["event"] == "2013_Alberta_floods")
    assert named() in {"calgary flood", "alberta flood"}
    monkeypatch.setattr(names, "CODE_SHARE", 0.0)
    assert named() == "yyc flood"


def test_an_adjective_is_no_complement_of_a_name():
    """Blind judgement of issue 20 (run 20): "lgbtq gay" named HuffPost's LGBTQ-rights headlines, "redundant
    bare keywords". A proper name takes common nouns that say what happened ("colorado flood"); "gay", mostly
    an adjective, says no what. Real headlines holding "LGBTQ" or "gay" as one trend."""
    from trendlens.topics import names
    from trendlens.topics.model import corpus_terms

    texts = [r["text"] for r in read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")]
    labels = np.array([0 if re.search(r"lgbtq|\bgay\b", t.lower()) else -1 for t in texts])
    assert (labels == 0).sum() >= 100
    named = names.names_from_documents(texts, labels, np.ones(len(texts)), {0: [0]}, corpus_terms(texts), {})
    assert named.trends[0] == "lgbtq"


def test_a_trend_one_word_names_in_part_adds_what_names_the_rest(monkeypatch):
    """Blind judgement of issue 20 (run 24): a sub trend named by one word its documents mostly do not say
    ("zoo" for animal news, "earthquake" for headlines of quakes, floods and tornadoes) took a second phrase
    after "and", as a consumer trend does: 55% right before, 64% after. Real HuffPost headlines of the SPORTS
    category as one trend: "olympics" is in under half of them, so the name adds the phrase that best names
    the rest, and the two together cover more of the sports headlines; a word said in most of them would
    stay alone."""
    from trendlens.topics import names

    named, texts, labels, terms = _named_alone("huffpost", lambda r: r["category"] == "SPORTS")
    name = named()
    first, joiner, second = name.partition(" and ")
    assert first == "olympics" and joiner and second
    sports = [set(phrase_key(terms, p) for p in document_phrases(terms, t)) for t in np.array(texts)[labels == 0]]
    holds = [phrase_key(terms, first) in doc for doc in sports]
    either = [h or phrase_key(terms, second) in doc for h, doc in zip(holds, sports)]
    assert sum(holds) < 0.5 * len(sports) and sum(either) >= sum(holds) + 0.1 * len(sports)
    monkeypatch.setattr(names, "PAIR_BELOW", 0.0)
    assert named() == "olympics"


def test_the_second_phrase_of_a_trend_s_name_is_about_the_trend(static_embedder):
    """A sub trend's second phrase, like its name, must be one of its phrases close to its centroid: the 100
    latest FOOD & DRINK headlines of HuffPost (among the test suite's other categories) say "coronavirus" in a
    tenth of them (pandemic cooking), and "food and coronavirus" named them; "food" is said in under half of
    them but no phrase on the topic names the rest. In a fit of the same headlines "wildfire and thousands"
    named the environment news."""
    from trendlens._vectors import unit
    from trendlens.topics import names
    from trendlens.topics.model import corpus_terms

    categories = ["SPORTS", "STYLE & BEAUTY", "FOOD & DRINK", "ENVIRONMENT", "QUEER VOICES"]
    rows = read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")
    picked = [r for c in categories for r in [r for r in rows if r["category"] == c][-100:]]
    picked += [r for r in rows if r["category"] == "POLITICS"][-150:]
    texts = [r["text"] for r in picked]
    labels = np.array([categories.index(r["category"]) if r["category"] in categories else -1 for r in picked])
    vectors = unit(np.asarray(static_embedder.encode(texts), dtype=np.float64))
    centroids = {k: unit(vectors[labels == k].mean(axis=0)) for k in range(len(categories))}
    terms = corpus_terms(texts)
    groups = {k: [k] for k in range(len(categories))}

    def embed(phrases):
        return unit(np.asarray(static_embedder.encode(list(phrases)), dtype=np.float64))

    food = categories.index("FOOD & DRINK")
    plain = names.names_from_documents(texts, labels, np.ones(len(texts)), groups, terms, {})
    assert plain.trends[food] == "food and coronavirus"
    named = names.names_from_documents(
        texts, labels, np.ones(len(texts)), groups, terms, {}, embed=embed, centroids=centroids
    )
    assert named.trends[food] == "food"


def _named_alone(corpus: str, member):
    """The bundled ``corpus``'s records for which ``member`` holds as one trend (the rest in none): a function
    naming it now (so a test can change a constant and name it again), the texts, their labels and terms."""
    from trendlens.topics import names
    from trendlens.topics.model import corpus_terms

    rows = read_jsonl_gz(CORPORA / f"{corpus}.jsonl.gz")
    texts = [r["text"] for r in rows]
    labels = np.array([0 if member(r) else -1 for r in rows])
    terms = corpus_terms(texts)

    def named() -> str:
        return names.names_from_documents(texts, labels, np.ones(len(texts)), {0: [0]}, terms, {}).trends[0]

    return named, texts, labels, terms
