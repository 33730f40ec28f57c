"""Drivers stated in the documents: causal statements found, grouped, counted and cited (real posts and tweets)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.enrich.causes import CANDIDATES, cause_mentions, sentence_causes
from trendlens.enrich.drivers import MAX_OWN, counted, document_drivers, driver_statements
from trendlens.enrich.nlp import load_nlp, parse_matching, parse_sentences
from trendlens.report.model import Insight, Statement, Trend
from trendlens.report.sections import insight_sections


@pytest.fixture(scope="module")
def bluesky() -> dict[str, dict]:
    return {r["id"]: r for r in read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")}


@pytest.fixture(scope="module")
def wildfire_tweets() -> list[dict]:
    """The 2012 Colorado wildfires tweets of CrisisLex (1,200)."""
    return [r for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz") if r["event"] == "2012_Colorado_wildfires"]


def causes_of(text: str) -> list[tuple[str, str]]:

    return [(m.cause, m.marker) for sent in load_nlp()(text).sents for m in sentence_causes(sent)]


def test_a_cause_is_read_past_a_lone_adverb_whole_after_how_and_by_its_phrasal_verb(bluesky):
    """Reasons of the Bluesky posts and the Threads reviews that were missed or cut to a word or two: "because
    apparently, the bird app ..." gave "apparently" (no cause), "due to how awful the main feed algorithm is" gave
    "how awful the main", and "because I give up with the hate" had one content word ("give" and "up" are spaCy
    stop words)."""
    said = bluesky["bskymig-3lcpur63cp22m"]["text"]  # "Just migrated from X because apparently, the bird app ..."
    assert ("the bird app wasn't giving me enough sky to fly", "because") in causes_of(said)
    wanted = {"threadsrev-36817", "threadsrev-38376"}
    threads = {
        r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz") if r["id"] in wanted
    }
    assert ("how confusing it is to find everyone", "because of") in causes_of(threads["threadsrev-36817"])
    assert ("how much is collected", "due to") in causes_of(threads["threadsrev-38376"])
    assert ("I give up with the hate", "because") in causes_of(bluesky["bskymig-3laubmkvry32r"]["text"])
    # a light verb is no content: a BBC Sport quote gives no cause
    assert not causes_of(
        '"I have said to him many times that he has the freedom because he has talent and is very important to us.'
    )


def test_the_subject_of_a_verb_of_causing_is_a_cause():
    """BBC business and technology news give their reasons as the subject (or passive agent) of "trigger",
    "push", "fuel", "drive", "prompt": the oil trend's "cold weather" was read nowhere."""
    rows = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "bbc.jsonl.gz")}
    said = {
        cause
        for text in rows.values()
        if "IEA watchdog" in text or "has pushed US crude oil prices above" in text
        for cause, marker in causes_of(text)
        if marker == "causes"
    }
    expected = {
        "Cold weather across parts of the United States",
        "ongoing problems for beleaguered Russian oil giant Yukos",
    }
    assert expected <= said, said
    fuelled = next(t for t in rows.values() if "The growth has been fuelled by lower prices" in t)
    assert ("lower prices and a wider choice of always-on, fast-net subscription plans", "causes") in causes_of(fuelled)
    # not a pronoun, a negated verb or a participle that only describes
    assert not causes_of("It caused chaos. The storm did not cause damage.")
    assert not causes_of(
        "Update after 2Hrs Musk's propaganda driven algorithm has now given me a refreshed 10 accounts"
    )


def test_connectives_cut_out_the_cause_they_introduce(bluesky):
    # real posts, each giving its reason with a different connective
    assert ("the AI update", "due to") in causes_of(bluesky["bskymig-3l6v2cyhobc2o"]["text"])
    assert ("Twitter is a bigoted hellhole", "because") in causes_of(bluesky["bskymig-3kr52tdlfdd2v"]["text"])
    assert ("the Meta boycott started", "since") not in causes_of(
        "Trying to find my people since the Meta boycott started."
    )
    # "X is breaking down ... so it's unusable. So I come here": the cause is the sentence before "So I"
    assert any("X is breaking down" in c and m == "so" for c, m in causes_of(bluesky["bskymig-3keukkfpnrf27"]["text"]))
    # "Hello wanted to make posts about my artwork! So I chose to use blue sky!": the greeting is no part of it
    assert ("wanted to make posts about my artwork", "so") in causes_of(bluesky["bskymig-3lhot3ktg3m2z"]["text"])
    assert causes_of("I left because that site is toxic.") == [("that site is toxic", "because")]
    review = (  # threadsrev-17463
        "I have downloaded this because that I have to follow Imran Khan on this and no more special thing in this app"
    )
    assert causes_of(review) == [("I have to follow Imran Khan on this", "because")]


def test_because_as_social_posts_spell_it_gives_a_cause_and_the_noun_or_verb_cause_does_not(bluesky):
    reviews = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")}
    crises = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")}
    bbc = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "bbc.jsonl.gz")}
    # "cause", "bc", "bcoz" and "cos" saying "because" (real posts and reviews)
    assert ("i am looking for a safe creative space", "because") in causes_of(bluesky["bskymig-3lbyp6ec3t22r"]["text"])
    assert ("it's free to use", "because") in causes_of(reviews["threadsrev-32815"])
    assert ("Zayn", "because of") in causes_of(reviews["threadsrev-36173"])
    assert ("i got overwhelmed", "because") in causes_of(reviews["threadsrev-39674"])
    assert ("i am very active on Instagram", "because") in causes_of(reviews["threadsrev-22398"])  # "bcoz"
    # the noun ("the cause of", "major cause of", "CONFIRMED cause of fire", "Cause of death"), the verb, and
    # "Just because ..., doesn't mean", which explains nothing
    for text in (
        bluesky["bskymig-3kfgzvlgxjh2w"]["text"],
        bluesky["bskymig-3l6xo2qsgso2g"]["text"],
        crises["2012_Colorado_wildfires:212315735609966592"],
        crises["2012_Colorado_wildfires:217755538195361793"],
        re.search(r"[^.]*could cause them to[^.]*\.", bbc["bbc-tech-122"]).group(0),  # the article's sentence
        crises["2012_Colorado_wildfires:218855649579253760"],  # "Just because the fire is ... doesn't mean"
    ):
        assert not [c for c, marker in causes_of(text) if marker.startswith("because")], text


def test_an_aside_after_because_is_not_the_cause_the_clause_after_it_is(bluesky):
    """A post of the Bluesky wave gave "let's be real" as its cause: "because, let's be real, Twitter is getting out
    of hand". An aside set off by commas is skipped when a clause with its own subject follows it; where none
    follows, the aside is the cause ("because, screw elon, but I'm not handing over all my data")."""
    reviews = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")}
    assert causes_of(bluesky["bskymig-3klegdxjymc2m"]["text"]) == [("Twitter is getting out of hand", "because")]
    assert ("they didn’t release a version that works on a standard table in landscape mode", "because") in causes_of(
        reviews["threadsrev-37031"]
    )
    assert causes_of(reviews["threadsrev-12721"]) == [("screw elon", "because")]
    assert causes_of(reviews["threadsrev-32695"]) == [("this app is from Meta", "because")]  # no aside


def test_thanks_times_and_names_are_no_causes(bluesky):
    # "Big thanks to @fudge.org for the invitation!": thanking, not a cause
    assert causes_of(bluesky["bskymig-3k5syp53q5t27"]["text"]) == []
    # "before and after the new year": a time
    assert causes_of(bluesky["bskymig-3kilmvrzypt2o"]["text"]) == []
    # "The platform named after blue sky ...": a name's origin
    assert not [
        c for c, m in causes_of("The platform named after blue sky where beautiful weather appears.") if m == "after"
    ]
    # "since" before a time or a start is temporal; "since" giving a reason is causal
    assert causes_of("Been months since MHA ended, and the hole in my heart has yet to be filled.") == []
    # "I got my bsky account some time ago, but ... since I thought it was mobile-only."
    assert causes_of(bluesky["bskymig-3k5qi7gmvu223"]["text"]) == [("I thought it was mobile-only", "since")]


def test_a_schedule_or_a_cut_phrase_is_no_driver_regression():
    """Regression (blind judgement): BBC trends got the drivers "start in early April", "end in May after
    four series" and "intervention from allies in the Cabinet and the suspicion that the"."""
    bbc = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "bbc.jsonl.gz")}
    # "due to be published in April", "due to end on 22 February": a schedule
    for doc_id in ("bbc-business-098", "bbc-entertainment-051", "bbc-business-457"):
        assert not [c for c, m in causes_of(bbc[doc_id]) if m == "due to"], doc_id
    # a cause is a whole phrase: not cut after "the", not cut inside "the immigration and asylum system"
    causes = causes_of(bbc["bbc-politics-218"])
    assert ("intervention from allies in the Cabinet and the suspicion", "following") in causes
    assert not [c for c, _ in causes if c.split()[-1] in {"the", "that", "of", "and"}]
    assert ("there are abuses of the immigration and asylum system", "because") in causes_of(bbc["bbc-politics-153"])
    # a count of what went before is a time
    assert causes_of("The drama will end in May after four series.") == []
    assert causes_of("I came here due to the TikTok ban.") == [("the TikTok ban", "due to")]
    # one word after a time connective is a sequence of events ("... After His Death")
    assert causes_of("Family Shares Tribute After His Death.") == []
    assert causes_of("Flights were cancelled amid the pandemic.") == []
    assert causes_of("Tens of thousands joined after the US election.") == [("the US election", "after")]


def test_causal_sentence_becomes_a_cited_driver(wildfire_tweets, embedder):
    """Regression: the drivers section said "not stated" although the documents state the cause."""
    texts, ids = [r["text"] for r in wildfire_tweets], [r["id"] for r in wildfire_tweets]
    scanned = parse_matching(texts, ids, CANDIDATES.search)
    assert 20 <= len({s.doc_id for s in scanned}) < len(texts) // 10  # only documents with a connective are parsed
    drivers = document_drivers(scanned, embedder)
    top = drivers[0]
    assert "fire" in top.cause.lower()
    assert top.documents >= 10  # "due to the fire", "because of the wildfires", "due to forest fires", ...
    assert all(a.documents >= b.documents for a, b in zip(drivers, drivers[1:]))
    by_id = dict(zip(ids, texts))
    assert len({e.doc_id for e in top.evidence}) == len(top.evidence) <= 3  # one quote per document
    for evidence in top.evidence:
        assert evidence.text in by_id[evidence.doc_id]  # verbatim, cited
    statement = driver_statements(drivers, len(texts))[0]
    assert statement.source == "documents" and statement.text == top.cause
    assert statement.title == f"{top.documents} of {len(texts)} documents"
    assert statement.evidence == top.evidence


def test_causes_that_say_the_same_thing_are_one_driver(bluesky, embedder):
    election = ["bskymig-3lajy5pyvp2i2"]  # "... Leaving #X for #Bluesky After #Trump's Election ..."
    election += [i for i, r in bluesky.items() if "driven by political reaction following the US election" in r["text"]]
    others = ["bskymig-3l6v2cyhobc2o", "bskymig-3kr52tdlfdd2v", "bskymig-3kazqenmdf32l"]
    ids = election + others
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    # both posts give the election after "after"/"following" only: by default that orders events, no driver
    assert not document_drivers(sentences, embedder, min_documents=2, max_own=0)
    drivers = document_drivers(sentences, embedder, min_documents=2, sequence=frozenset(), max_own=0)
    assert len(election) == 2
    assert len(drivers) == 1 and drivers[0].documents == 2  # the single causes stay out: one post is no trend
    assert {e.doc_id for e in drivers[0].evidence} == set(election)
    assert "election" in drivers[0].cause.lower() or "trump" in drivers[0].cause.lower()


def test_a_time_connective_before_the_trend_itself_is_no_driver(bluesky, embedder):
    ids = [i for i, r in bluesky.items() if "after the mass xodus" in r["text"].lower()][:4]
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    assert len(ids) >= 3 and any(m.cause.lower() == "the mass xodus" for m in cause_mentions(sentences))
    assert not document_drivers(sentences, embedder, exclude=("xodus", "bluesky"))
    anyway = {"min_documents": 2, "sequence": frozenset()}  # the keyword rule alone
    assert not document_drivers(sentences, embedder, exclude=("xodus", "bluesky"), **anyway)
    assert document_drivers(sentences, embedder, **anyway)  # without the trend's keywords it would be one


def test_a_cause_that_is_only_the_name_of_one_of_the_trend_s_keywords_is_the_trend_itself(bluesky, embedder):
    """On 700 posts of the wave the migration's first driver was "I want people to call it the Xodus": posts
    that explain delays, growth or a name "because of the Xodus" / "thanks to the #Xodus", effects of the trend.
    A reason connective kept them, as it keeps a common noun ("due to the ban" in a trend about a ban)."""
    ids = [
        "bskymig-3lauegr7o2k2z",  # "Because I want people to call it the Xodus."
        "bskymig-3lbfmd7ngck2l",  # "Posts are getting delayed a bit because of the Xodus :/"
        "bskymig-3lbvli55ans2q",  # "Things have swung dramatically in the other direction now thanks to the Xodus."
    ]
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    assert sum(m.only_names and m.keys == ("xodus",) for m in cause_mentions(sentences)) == 2
    (effects,) = document_drivers(sentences, embedder, max_own=0)  # without the trend's keywords: one driver
    assert effects.stories == 3
    keywords = ("twitter", "new", "xodus", "bluesky", "post", "twitter exodus")  # the 700 posts' group's first six
    assert not document_drivers(sentences, embedder, exclude=keywords, names=("new to bluesky and twitter exodus",))
    # a cause about a name that is not one of the trend's keywords stays ("because of Elon", below)


def test_drivers_section_lists_document_drivers_first_and_marks_taxonomy_ones(bluesky):
    ev = parse_sentences([bluesky["bskymig-3kr52tdlfdd2v"]["text"]], ["bskymig-3kr52tdlfdd2v"])[0]
    stated = Statement("Twitter is a bigoted hellhole", "documents", title="2 of 40 documents", evidence=(ev,))
    typical = Statement("platform fatigue", "taxonomy", "ct.x")
    head = Statement("head", "signals")
    trend = Trend(1, "t", (), 40, 0.1, None, None, insight=Insight(head, head, head, drivers=(stated, typical)))
    section = next(s for s in insight_sections(trend) if s.title == "What is driving the trend")
    first, second = section.items
    assert first.title == "2 of 40 documents" and first.text == "Twitter is a bigoted hellhole"
    assert first.children[0].cite == ("bskymig-3kr52tdlfdd2v",)
    assert second.title == "Typical driver from the taxonomy" and "platform fatigue" in second.text
    assert second.cite == ("taxonomy ct.x",)


def test_a_cause_that_is_the_trend_s_own_name_is_no_driver(embedder):
    """Regression (blind judgement): "Kilroy-Silk" led the drivers of the trend named "mr kilroy-silk"."""
    bbc = {r["id"]: r for r in read_jsonl_gz(CORPORA / "bbc.jsonl.gz")}
    ids = ["bbc-politics-111", "bbc-politics-293"]  # "UKIP achieved a major advance, partly ... due to Kilroy-Silk."
    sentences = parse_sentences([bbc[i]["text"] for i in ids], ids, min_chars=0)
    assert not document_drivers(sentences, embedder)  # one article run twice: one story, no driver
    one = {"min_documents": 1}  # the name rule alone
    assert "Kilroy-Silk" in [d.cause for d in document_drivers(sentences, embedder, **one)]
    assert "Kilroy-Silk" not in [
        d.cause for d in document_drivers(sentences, embedder, names=("mr kilroy-silk",), **one)
    ]
    assert "Kilroy-Silk" in [d.cause for d in document_drivers(sentences, embedder, names=("ukip",), **one)]
    from trendlens.enrich.drivers import _restates, _words

    ban = set(_words("the TikTok ban"))
    assert not _restates(ban, set(_words("tiktok refugees")))  # the cause of a migration stays its driver
    assert _restates(set(_words("explosion at Boston Marathon finish line")), set(_words("boston marathon")))
    assert _restates(set(_words("Ukraine war")), set(_words("ukraine war")))


def test_a_cause_that_holds_the_trend_s_name_in_other_forms_restates_it(embedder):
    """Blind judgement of issue 20 (packets of run 21): with the Alberta flood tweets named "calgary flood", "due to
    widespread flooding parts of Calgary are being evacuated" made "flooding concerns" their driver. The cause
    holds every word of the name, "flooding" as "flood": it is the trend itself."""
    rows = [r for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz") if r["event"] == "2013_Alberta_floods"]
    said = [r for r in rows if re.search(r"due to widespread flooding parts of calgary", r["text"], re.I)]
    assert said
    sentences = parse_sentences([r["text"] for r in said[:1]], [r["id"] for r in said[:1]], min_chars=0)
    one = {"min_documents": 1}
    assert [d.cause for d in document_drivers(sentences, embedder, names=("alberta",), **one)] == [
        "widespread flooding parts of Calgary"
    ]
    assert not document_drivers(sentences, embedder, names=("calgary flood",), **one)


def test_the_trend_s_own_subject_is_no_driver(wildfire_tweets, embedder):
    """Blind judgement of issue 20: "floods" led a flood cluster, "the coronavirus pandemic" the COVID news."""
    texts, ids = [r["text"] for r in wildfire_tweets], [r["id"] for r in wildfire_tweets]
    scanned = parse_matching(texts, ids, CANDIDATES.search)
    assert "fire" in document_drivers(scanned, embedder)[0].cause.lower()  # "the fires", said of fire tweets
    drivers = document_drivers(scanned, embedder, texts=texts)
    variants = {v.lower() for d in drivers for v in d.variants}
    assert not variants & {"the fires", "the fire", "the wildfires", "wildfire", "other fires", "forest fires"}
    assert "danger" in drivers[0].cause  # "due to extreme fire danger", "due to high fire danger"


def test_one_story_told_twice_counts_once(embedder):
    copy = "Schools in the county closed today due to the heavy rain and flooding."
    other = "The derby was called off because of heavy rain."
    sentences = parse_sentences([copy, copy.replace("today", "on Monday"), other], ["a", "b", "c"], min_chars=0)
    assert not document_drivers(sentences[:2], embedder, min_documents=2)  # a headline run twice is one story
    (driver,) = document_drivers(sentences, embedder, min_documents=2)
    assert "rain" in driver.cause and (driver.documents, driver.stories) == (3, 2)


def test_with_no_supported_driver_the_section_says_so_before_the_taxonomy_s():
    from trendlens.enrich.insight import UNMAPPED, _drivers
    from trendlens.enrich.reading import Reading
    from trendlens.report.model import NOT_STATED

    reading = Reading((), (), 10, 40)
    typical = (Statement("heavy news cycles", "taxonomy", "ct.x"), Statement("platform fatigue", "taxonomy", "ct.x"))
    assert [s.text for s in _drivers((), reading, typical)] == [NOT_STATED, "heavy news cycles", "platform fatigue"]
    ev = parse_sentences(["People turn to satire during heavy news cycles."], ["d1"])[0]
    echoed = (Statement("heavy news cycles", "taxonomy", "ct.x", None, (ev,)),)
    # two documents echo it: quoted, but a typical driver still never leads (blind judgement: "labour shortages")
    assert _drivers((), reading, echoed) == (Statement(NOT_STATED, "none"),) + echoed
    # no taxonomy entry fits: the documents were still read, and state no driver (run 9's judge took "the
    # trend matches no taxonomy entry" for a driver step that hangs on the taxonomy)
    unmapped = (Statement(UNMAPPED, "none"),)
    assert _drivers((), reading, unmapped) == (Statement(NOT_STATED, "none"),)


def test_a_headline_s_after_orders_events_and_gives_no_driver(embedder):
    """Blind judgement of issue 20: "Heart Surgery" led the drivers of a cluster of deaths and returns."""
    huffpost = {r["id"]: r for r in read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")}
    ids = ["huffpost-9d2471cee002d32a", "huffpost-f5511f4bae55a79b"]  # "... After Hip/Heart Surgery"
    sentences = parse_sentences([huffpost[i]["text"] for i in ids], ids, min_chars=0)
    assert {m.marker for m in cause_mentions(sentences)} == {"after"}
    anyway = {"min_documents": 2, "sequence": frozenset()}  # the headline rule alone
    assert not document_drivers(sentences, embedder, **anyway)
    told = ["I left the old site after the US election results.", "Moved here after the US election, no regrets."]
    assert document_drivers(parse_sentences(told, ["a", "b"], min_chars=0), embedder, **anyway)  # posts: a reason


def test_a_cause_close_to_the_trend_itself_restates_it(embedder):
    """Blind judgement of issue 20: "earthquake rocks Guatemala" was the driver of the Guatemala quake tweets."""
    crisis = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")
    records = [r for r in crisis if r["event"] == "2012_Guatemala_earthquake"]
    texts, ids = [r["text"] for r in records], [r["id"] for r in records]
    scanned = parse_matching(texts, ids, CANDIDATES.search)
    before = document_drivers(scanned, embedder, min_documents=1, sequence=frozenset())
    assert any("guatemala" in d.cause.lower() for d in before)
    vectors = embedder.encode(texts[::4])  # the trend's direction: every fourth of its 1,050 tweets gives it
    centroid = vectors.mean(axis=0) / np.linalg.norm(vectors.mean(axis=0))
    after = document_drivers(scanned, embedder, centroid=centroid, min_documents=1, sequence=frozenset())
    assert not any("guatemala" in v.lower() and "quake" in v.lower() for d in after for v in d.variants)


def test_causes_that_only_share_a_name_are_not_one_driver(bluesky, embedder):
    """Blind judgement of issue 20: three prayers ("because God knows everything", "because God was too busy
    protecting our home ...", "because of God's presence") led a disaster group as one driver, joined by "God"."""
    crisis = {r["id"]: r for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")}
    prayers = [
        "2013_Brazil_nightclub_fire:295686063022829568",
        "2013_Bohol_earthquake:390088953434361856",
        "2013_Bohol_earthquake:390343124062842880",
    ]
    sentences = parse_sentences([crisis[i]["text"] for i in prayers], prayers, min_chars=0)
    assert len({m.keys for m in cause_mentions(sentences)} - {()}) >= 1  # they do share the name
    assert not document_drivers(sentences, embedder, min_documents=2)
    # causes about one person that say related things still join: "Musk" in four posts, four wordings
    musk = ["bskymig-3lbwazoiy7d2l", "bskymig-3lc5d5jabss2a", "bskymig-3lefgrg72uk2d", "bskymig-3lhlu52r7g22z"]
    drivers = document_drivers(parse_sentences([bluesky[i]["text"] for i in musk], musk, min_chars=0), embedder)
    assert drivers and drivers[0].documents >= 3 and "musk" in drivers[0].cause.lower()


def test_a_preposition_that_ends_its_clause_stays_in_the_cause(bluesky):
    """Blind judgement of issue 20: the driver "fuck Musk and everything he stands" lost its last word."""
    text = bluesky["bskymig-3lefgrg72uk2d"]["text"]
    assert ("fuck Musk and everything he stands for", "because") in causes_of(text)
    # one whose object the cut left out still goes: test_a_schedule_or_a_cut_phrase_is_no_driver_regression


def test_what_one_sub_trend_is_about_is_no_driver_of_its_group(embedder):
    """Blind judgement of issue 20: "the wildfires" led the drivers of a consumer trend of the 2012 Colorado
    wildfires and the 2013 Colorado floods; "fire" is in a third of the wildfire tweets, not of the whole."""
    crisis = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")
    records = [r for r in crisis if r["event"] in ("2012_Colorado_wildfires", "2013_Colorado_floods")]
    texts, ids, parts = [r["text"] for r in records], [r["id"] for r in records], [r["event"] for r in records]
    scanned = parse_matching(texts, ids, CANDIDATES.search)
    whole = {v.lower() for d in document_drivers(scanned, embedder, texts=texts) for v in d.variants}
    assert "the fires" in whole
    by_part = document_drivers(scanned, embedder, texts=texts, parts=parts)
    causes = [d.cause.lower() for d in by_part]
    assert not any(c in ("the fires", "the wildfires in colorado", "colorado floods") for c in causes)
    assert all("danger" in c or ("fire" not in c and "flood" not in c) for c in causes), causes


def test_a_driver_stated_in_one_sub_trend_alone_is_that_sub_trend_s_not_its_group_s(embedder):
    """Blind judgement of issue 20 (run 18): the CrisisLex group of the Colorado wildfires and floods had "extreme
    fire danger" (4 of 2,754 tweets, all of the wildfires) as its driver, "irrelevant to the flood part". A
    consumer trend's driver must be stated in two of its sub trends; the wildfire tweets alone keep it."""
    crisis = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")
    records = [r for r in crisis if r["event"] in ("2012_Colorado_wildfires", "2013_Colorado_floods")]
    texts, ids, parts = [r["text"] for r in records], [r["id"] for r in records], [r["event"] for r in records]
    scanned = parse_matching(texts, ids, CANDIDATES.search)
    part_of = dict(zip(ids, parts))
    fires = [i for i, p in enumerate(parts) if p == "2012_Colorado_wildfires"]
    alone = document_drivers(
        [s for s in scanned if part_of[s.doc_id] == "2012_Colorado_wildfires"],
        embedder,
        texts=[texts[i] for i in fires],
    )
    assert [d for d in alone if "fire danger" in d.cause.lower()], [d.cause for d in alone]
    grouped = document_drivers(scanned, embedder, texts=texts, parts=parts)  # no document ids: no part rule
    assert [d for d in grouped if "fire danger" in d.cause.lower()], [d.cause for d in grouped]
    by_part = document_drivers(scanned, embedder, texts=texts, parts=parts, doc_ids=ids)
    assert not [d for d in by_part if "fire danger" in d.cause.lower()], [d.cause for d in by_part]


def test_a_driver_is_named_by_what_it_says_not_by_a_bare_name(bluesky, embedder):
    """Issue 20: a driver of the Bluesky migration read "Elon": "because of Elon" was its most frequent phrase."""
    posts = ["I left because of Elon.", "We moved over here because of Elon!", "Quit the old site because of Elon"]
    posts.append("#firstpost i'm here because elon has ruined twitter")
    sentences = parse_sentences(posts, ["a", "b", "c", "d"], min_chars=0)
    (driver,) = document_drivers(sentences, embedder)
    assert driver.variants[0] == "Elon" and driver.cause == "elon has ruined twitter"
    # the same on the posts of the corpus that give Elon as their reason
    said = re.compile(r"because (of )?(fuck )?elon\b|elon has ruined", re.IGNORECASE)
    ids = [i for i, r in bluesky.items() if said.search(r["text"])]
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    (driver,) = [d for d in document_drivers(sentences, embedder) if "Elon" in d.variants]
    assert driver.cause != "Elon" and "elon" in driver.cause.lower() and driver.stories >= 3


def test_a_consumer_trend_s_insight_leaves_out_what_its_sub_trends_are_about(embedder):
    """The whole path of a consumer trend's insight: ``enrich_trend`` with its sub trends named and each document's
    sub trend given (the report of the shared CrisisLex tweets led a wildfire-and-flood group with "the fires")."""
    from trendlens.enrich.insight import TrendFacts, enrich_trend

    crisis = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")
    records = [r for r in crisis if r["event"] in ("2012_Colorado_wildfires", "2013_Colorado_floods")]
    records = records[::2]  # 1,100 tweets, both events
    texts, ids, parts = [r["text"] for r in records], [r["id"] for r in records], [r["event"] for r in records]
    vectors = embedder.encode(texts[:200])
    centroid = vectors.mean(axis=0) / np.linalg.norm(vectors.mean(axis=0))
    facts = TrendFacts("colorado", ("colorado",), len(texts), None, None, sub_trends=(("fires", 600), ("floods", 500)))

    def drivers(**kwargs) -> list[str]:
        _, insight = enrich_trend(texts, ids, centroid, embedder, facts, n_read=50, n_scan=len(texts), **kwargs)
        return [s.text.lower() for s in insight.drivers if s.source == "documents"]

    whole = drivers()
    assert [d for d in whole if "fire" in d and "danger" not in d] and [d for d in whole if "flood" in d]
    by_part = drivers(parts=parts)
    assert not [d for d in by_part if ("fire" in d and "danger" not in d) or "flood" in d], by_part


def test_a_sub_trend_about_a_person_leaves_that_person_a_driver_of_the_whole(bluesky, embedder):
    """Issue 20: with the sub-trend subject rule the Bluesky migration's Musk driver fell from 8 posts to 5,
    because one of its sub trends is about Elon Musk. A name a cause is about stays a driver."""
    about_elon = [r["text"] for r in bluesky.values() if "elon" in r["text"].lower()][:120]
    first_posts = [r["text"] for r in bluesky.values() if "firstpost" in r["text"].lower()][:600]
    said = ["I left because of Elon.", "We moved over here because of Elon!", "Quit the old site because of Elon"]
    texts = about_elon + said + first_posts
    parts = [0] * (len(about_elon) + len(said)) + [1] * len(first_posts)
    ids = [f"d{i}" for i in range(len(texts))]
    scanned = parse_matching(texts, ids, CANDIDATES.search)
    drivers = document_drivers(scanned, embedder, texts=texts, parts=parts)
    assert any("Elon" in d.variants for d in drivers), [d.cause for d in drivers]


def test_a_cause_read_from_the_sentence_before_is_quoted_with_it(bluesky):
    """Issue 20: a driver of the Bluesky migration quoted "So I went through and did some pruning, ..." as
    evidence of a cause that its previous sentence states."""
    doc = "bskymig-3ldbps6us6s2a"  # "... make for a cluttered feed. So I went through and did some pruning, ..."
    mentions = cause_mentions(parse_sentences([bluesky[doc]["text"]], [doc], min_chars=0))
    result = [m for m in mentions if m.marker == "so"]
    assert result and all(m.cause in m.evidence.text for m in mentions)
    assert result[0].evidence.text.endswith("lists of people to *potentially* follow.")


def test_a_sub_trend_gives_its_consumer_trend_s_driver_once_and_reports_it(bluesky, embedder):
    """Blind judgement of issue 20 (run 5): "the tool's own consumer-level driver ('I refuse to support Elon
    Musk') never reaches the sub trends that share its cause". Real posts: one gives that reason in other
    words, one gives an unrelated one; neither is a driver of its own (one story each)."""
    musk = [i for i, r in bluesky.items() if "Musk & Mark has been irritating me" in r["text"]]
    other = [i for i, r in bluesky.items() if "because my laptop is out for repair" in r["text"]]
    ids = musk + other
    assert len(musk) == 1 and len(other) == 1
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    assert not document_drivers(sentences, embedder)
    consumer = (("I refuse to support Elon Musk", "8 of 5000 documents"), ("I want to post my art", "3 of 5000"))
    drivers = document_drivers(sentences, embedder, consumer=consumer)
    assert [d.cause for d in drivers] == ["I refuse to support Elon Musk"]  # the consumer trend's words
    assert [e.doc_id for e in drivers[0].evidence] == musk  # quoted from the sub trend's own post
    statement = driver_statements(drivers, 2)[0]
    assert statement.title == "a driver of its consumer trend (8 of 5000 documents); here 1 of 2 documents"


def test_a_writer_s_own_reason_given_once_must_name_something(bluesky, embedder):
    """A reason one post gives is reported as the writer's own only when it names something, a noun or a name:
    "they all hate artists" (the Bluesky artist's), not "we gotta resist", which led the drivers of a Bluesky sub
    trend of 265 posts, nor "I refuse to agree to it" (a Threads review). Real posts of both corpora."""
    threads = {r["id"]: r for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")}
    texts = {
        "bskymig-3lfnzruo3v42u": bluesky["bskymig-3lfnzruo3v42u"]["text"],  # "... because they all hate artists"
        "bskymig-3lbfiltmbj22q": bluesky["bskymig-3lbfiltmbj22q"]["text"],  # "... since we gotta resist ..."
        "threadsrev-25158": threads["threadsrev-25158"]["text"],  # "I refuse to agree to it. So I uninstalled"
    }
    sentences = parse_sentences(list(texts.values()), list(texts), min_chars=0)
    mentions = cause_mentions(sentences)
    vague = {m.cause for m in mentions if m.own and not m.concrete}
    assert {"we gotta resist", "I refuse to agree to it"} <= vague, [(m.cause, m.own, m.concrete) for m in mentions]
    drivers = document_drivers(sentences, embedder, exclude=("bluesky",))
    assert [d.evidence[0].doc_id for d in drivers] == ["bskymig-3lfnzruo3v42u"], drivers
    assert drivers[0].own and "they all hate artists" in drivers[0].cause


def test_a_writer_s_own_reason_for_joining_is_a_driver_even_when_one_post_gives_it(bluesky, embedder):
    # each post gives its reason once, in its own words: too few to count as the trend's driver
    joined = ["bskymig-3kr52tdlfdd2v", "bskymig-3lhlu52r7g22z"]  # "Decided to move to here because ...",
    # "I just joined Bluesky because Musk & Mark has been irritating me"
    others = [
        "bskymig-3ke4qcsczck2k",  # "my first post will be phone doodle because my laptop is out for repair"
        "bskymig-3k6dvxun5ix2o",  # "I signed up for a free trial of Apple One because I wanted to ..."
        "bskymig-3kzt27wroal2b",  # "I can't join the Xodus just yet, because I depend on island accounts"
    ]
    ids = joined + others
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    assert len(cause_mentions(sentences)) >= 5  # every post states a cause
    drivers = document_drivers(sentences, embedder, exclude=("bluesky", "first post"))
    assert [d.evidence[0].doc_id for d in drivers] == joined, drivers
    assert all(d.own and d.documents == d.stories == 1 for d in drivers)
    assert drivers[0].cause == "Twitter is a bigoted hellhole"
    statement = driver_statements(drivers, 5)[0]
    assert statement.title == "the writer's own reason (1 of 5 documents)" and not counted(statement)
    # run 8's judge read "1 of 500 documents" in a trend of 707 as its size: a partial read says so
    statement = driver_statements(drivers, 5, total=707)[0]
    assert statement.title == "the writer's own reason (1 of 5 documents read, of 707)" and not counted(statement)
    # at most MAX_OWN of them, and none where the report shows only counted drivers
    assert len(document_drivers(sentences, embedder, exclude=("bluesky",), max_own=1)) == 1
    assert not document_drivers(sentences, embedder, exclude=("bluesky",), max_own=0)


def test_a_writer_s_own_reason_that_points_outside_itself_is_named_by_its_sentence(bluesky, embedder):
    """Blind judgements of issue 20 (runs 20 and 22): "they all hate artists" led the drivers of Bluesky's digital
    artists, "a fragment with an unclear 'they'". Named by its sentence, the reader learns who they are; a reason
    that says what it means stays as it is."""
    ids = ["bskymig-3lfnzruo3v42u", "bskymig-3kr52tdlfdd2v"]  # "... because they all hate artists", "... hellhole"
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    causes = {d.evidence[0].doc_id: d.cause for d in document_drivers(sentences, embedder, exclude=("bluesky",))}
    assert causes == {
        ids[0]: "I'm migrating here from other online platforms because they all hate artists.",
        ids[1]: "Twitter is a bigoted hellhole",
    }
    # the report quotes the sentence under its title: how many writers give it stays said
    drivers = document_drivers(sentences, embedder, exclude=("bluesky",))
    head = Statement("head", "signals")
    insight = Insight(head, head, head, drivers=driver_statements(drivers, 2, total=708))
    section = next(
        s
        for s in insight_sections(Trend(1, "t", (), 708, 0.1, None, None, insight=insight))
        if s.title == "What is driving the trend"
    )
    quoted = next(item for item in section.items if item.cite == (ids[0],))
    assert quoted.text == f"“{causes[ids[0]]}”"
    assert quoted.title == "the writer's own reason (1 of 2 documents read, of 708)"


def test_three_writers_reasons_given_once_are_listed_and_a_bare_name_by_its_sentence(bluesky, embedder):
    """On 700 posts of the Bluesky wave no reason reaches three stories; the writers' reasons given once are the
    drivers, up to :data:`MAX_OWN` (3) of them in reading order. A reason that is only a name is quoted whole."""
    ids = [
        "bskymig-3laubmkvry32r",  # "I am here because I give up with the hate #xodus"
        "bskymig-3lbtxzfdplk24",  # "I definitely stopped using Twitter after Elon bought it."
        "bskymig-3lc5d5jabss2a",  # "I'm not on Twitter because I refuse to support Elon Musk."
        "bskymig-3kr52tdlfdd2v",  # "... because Twitter is a bigoted hellhole"
    ]
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    drivers = document_drivers(sentences, embedder, exclude=("bluesky", "twitter"))  # the wave's first keywords
    assert MAX_OWN == 3 and [d.evidence[0].doc_id for d in drivers] == ids[:3], drivers
    assert all(d.own and d.documents == 1 for d in drivers)
    (review,) = [r for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz") if r["id"] == "threadsrev-05778"]
    sentences = parse_sentences([review["text"]], [review["id"]], min_chars=0)
    (leo,) = document_drivers(sentences, embedder, exclude=("app",))
    assert leo.own and leo.cause == "I downloaded this because of leo"


def test_what_someone_else_did_before_the_writer_left_is_the_writer_s_own_reason(bluesky):
    """An "after" orders events as often as it gives a reason, so a writer's act counts only with another
    connective; but "after" a clause saying what someone else did gives the reason for leaving. Real posts of
    the 700-post sample of the wave: "I definitely stopped using Twitter after Elon bought it." and "I left
    the other place the day after the country lost its damn mind." were read as no one's reason."""
    ids = ["bskymig-3lbtxzfdplk24", "bskymig-3lalzramxv22y", "bskymig-3lbtt4nultm2h"]
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    after = {m.cause: m for m in cause_mentions(sentences) if m.marker == "after"}
    assert after["Elon bought it"].own and after["the country lost its damn mind"].own
    # a noun phrase after "after" is the order of events: "New on here after varying levels of success ..."
    assert not after["varying levels of success on Twitter and Threads"].own


def test_staying_off_a_platform_is_the_writer_s_act(bluesky):
    """ "I'm not on Twitter because I refuse to support Elon Musk." gives the writer's reason for being off Twitter,
    as "I left Twitter because ..." does; "I was on Twitter because ..." does not."""
    ids = ["bskymig-3lc5d5jabss2a"]
    (mention,) = cause_mentions(parse_sentences([bluesky[ids[0]]["text"]], ids, min_chars=0))
    assert mention.cause == "I refuse to support Elon Musk" and mention.act == ("twitter",)
    texts = [
        "I'm no longer on Facebook because the feed is full of ads.",
        "I was on Twitter because my friends and family used it.",
    ]
    acts = [m.act for m in cause_mentions(parse_sentences(texts, ["a", "b"], min_chars=0))]
    assert acts == [("facebook",), None]


def test_causes_that_only_share_the_trend_s_name_are_not_one_driver(bluesky, embedder):
    """Blind judgement of issue 20 (run 7): the migration's second driver, "I want people to call it the Xodus",
    grouped posts that name the Xodus, each for something else; it was marked wrong where it was reported."""
    ids = [
        "bskymig-3k3c7pyt2em2b",  # "... after a dopey rebrand is called an Xodus."
        "bskymig-3kz5nvp6k4e2o",  # "... because every time there's an Xodus I get tons of new gardening feed people"
        "bskymig-3lauegr7o2k2z",  # "Because I want people to call it the Xodus."
        "bskymig-3ldbps6us6s2a",  # "... starter packs in the first days of the Xodus, then realized ..."
        "bskymig-3ljzy53iems2w",  # "I should prob start using this cuz I think the Xodus is starting to get real"
    ]
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    # read without the trend's name, the shared word alone makes them one driver of several stories
    (alike,) = document_drivers(sentences, embedder, max_own=0)
    assert alike.stories >= 3 and all("xodus" in v.lower() for v in alike.variants)
    assert not document_drivers(sentences, embedder, names=("new to bluesky and xodus",), max_own=0)


def test_a_quoted_speaker_s_reason_is_not_the_writer_s_own():
    """Run 9's packets: BBC articles quoting a footballer ("I always try to be sniffing around because ...")
    and a fan ("I came to check out Fightstar because of all the controversy") gave "the writer's own reason"."""
    bbc = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "bbc.jsonl.gz")}
    ids = ["bbc-sport-217", "bbc-entertainment-239"]
    sentences = parse_sentences([bbc[i] for i in ids], ids, min_chars=0)
    quoted = [
        m for m in cause_mentions(sentences) if m.evidence.text.lstrip().startswith('"') or ': "I' in m.evidence.text
    ]
    said = {m.evidence.doc_id for m in quoted if re.search(r"\bI (always try|came)\b", m.evidence.text)}
    assert said == set(ids)  # each quote states a cause ...
    assert not any(m.own for m in quoted)  # ... of the speaker's, not the writer's
    # written by the writer, the footballer's words are the writer's own reason
    text = (
        "I always try to be sniffing around because you know nine times out of 10 Duffer is going to get it in the box."
    )
    (mine,) = cause_mentions(parse_sentences([text], ["post"], min_chars=0))
    assert mine.own


def test_a_headline_s_line_ends_its_cause():
    """Regression: BBC articles open with their headline on a line of its own, and a cause in the headline ran
    on into the article ("bid criticism\n\nAustralian mining firm WMC Resources"). Real BBC articles."""
    bbc = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "bbc.jsonl.gz")}
    assert ("bid criticism", "amid") in causes_of(bbc["bbc-business-125"])  # "WMC profits up amid bid criticism"
    assert ("growth fears", "amid") in causes_of(bbc["bbc-business-436"])  # "ECB holds rates amid growth fears"
    assert ("Big Brother 'leak", "after") in causes_of(bbc["bbc-entertainment-221"])
    assert not [c for doc in list(bbc.values())[:500] for c, _ in causes_of(doc[:300]) if "\n" in c]


def test_a_driver_is_first_quoted_from_the_sentence_its_name_is_read_from(bluesky, embedder):
    """The quotes of a driver were its first sentences read: the migration's "I was hearing Twitter wasn't good
    anymore" led with a post that stays on Twitter for the people it follows there."""
    ids = ["bskymig-3lbwpa2lrz22o", "bskymig-3ledswou6q22h", "bskymig-3l6pu72646d26"]  # in this reading order
    assert "since alot of people I follow are still on Twitter" in bluesky[ids[0]]["text"]
    sentences = parse_sentences([bluesky[i]["text"] for i in ids], ids, min_chars=0)
    (driver,) = document_drivers(sentences, embedder)
    assert driver.cause == "I was hearing Twitter wasn't good anymore" and driver.documents == 3
    assert driver.cause in driver.evidence[0].text and driver.evidence[0].doc_id == ids[1]
    assert [e.doc_id for e in driver.evidence][-1] == ids[0]  # the statement least like the others comes last
