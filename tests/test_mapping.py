"""Placing real clusters in the shipped taxonomy with the real model."""

from __future__ import annotations

import gzip
import json
import re

import numpy as np
import pytest

from tests.conftest import CORPORA, ROOT
from trendlens.hierarchy import default_taxonomy
from trendlens.hierarchy.mapping import MAPPED_LEVELS, UNMAPPED, TaxonomyMapper, group_evidence, trend_evidence

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mapper(embedder):
    return TaxonomyMapper(default_taxonomy(), embedder)


@pytest.fixture(scope="module")
def bluesky_records():
    with gzip.open(CORPORA / "bluesky_migration.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def crisislex_records():
    with gzip.open(CORPORA / "crisislex_dev.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def place_texts(mapper, embedder, texts, name=""):
    return mapper.place_trends([trend_evidence(embedder.encode(texts), name=name)])[0]


def place_category(mapper, embedder, records, category, n=40):
    texts = [r["text"] for r in records if r["category"] == category][-n:]
    return place_texts(mapper, embedder, texts, name=category.lower())


def test_sports_and_politics_land_under_different_big_social_trends(mapper, embedder, huffpost_records):
    sports = place_category(mapper, embedder, huffpost_records, "SPORTS")
    politics = place_category(mapper, embedder, huffpost_records, "POLITICS")
    assert sports.mapped and politics.mapped
    assert sports.at("big_social_trend").node_id != politics.at("big_social_trend").node_id
    assert sports.at("big_social_trend").confidence >= 0.5, sports
    assert politics.at("big_social_trend").confidence >= 0.4, politics


def test_confidence_never_falls_going_up_the_hierarchy(mapper, embedder, huffpost_records):
    placement = place_category(mapper, embedder, huffpost_records, "FOOD & DRINK")
    confidences = [placement.at(level).confidence for level in MAPPED_LEVELS]
    assert confidences == sorted(confidences)
    assert [m.level for m in placement.levels] == list(MAPPED_LEVELS)
    # the chosen nodes form one path of the taxonomy
    tax = default_taxonomy()
    path = [n.id for n in tax.path(placement.at("consumer_trend").node_id)]
    assert path == [placement.at(level).node_id for level in reversed(MAPPED_LEVELS)]


def test_nonsense_text_is_unmapped(mapper, embedder):
    rng = np.random.default_rng(0)
    letters = np.array(list("qxzjvkwpfgb"))
    texts = ["".join(rng.choice(letters, 12)) + " " + "".join(rng.choice(letters, 9)) for _ in range(30)]
    placement = place_texts(mapper, embedder, texts)
    assert not placement.mapped
    assert {m.name for m in placement.levels} == {UNMAPPED}
    assert placement.proposed is None  # no name, no keywords: nothing to propose


# --- the bug: one literal word ("refugee") carried a platform migration to a war-refugee node ---------------


def test_platform_migration_refugees_are_not_placed_with_war_refugees(mapper, embedder, bluesky_records):
    """Posts of people who call themselves refugees from a social network they left are a platform
    migration, not displacement by war; headlines about refugees and asylum still are displacement."""
    migrants = [
        r["text"]
        for r in bluesky_records
        if re.search(r"refugee", r["text"], re.I) and re.search(r"twitter|xodus|exodus|\bx\b|new here", r["text"], re.I)
    ]
    assert len(migrants) >= 20
    placement = place_texts(mapper, embedder, migrants, name="twitter refugee")
    assert placement.at("consumer_trend").node_id != "ct.welcoming-the-displaced", placement
    assert placement.at("big_social_trend").node_id == "bst.platform-exodus", placement


def test_war_and_asylum_refugee_headlines_are_still_placed_with_the_displaced(mapper, embedder, huffpost_records):
    headlines = [r["text"] for r in huffpost_records if re.search(r"refugee|asylum", r["text"], re.I)]
    assert len(headlines) >= 30
    placement = place_texts(mapper, embedder, headlines, name="refugees")
    assert placement.at("consumer_trend").node_id == "ct.welcoming-the-displaced", placement
    assert placement.at("big_social_trend").node_id == "bst.war-close-to-home"


def test_a_single_literal_word_in_the_name_does_not_move_a_trend(mapper, embedder, bluesky_records):
    """The name and keywords do not choose the node: the documents do."""
    posts = [r["text"] for r in bluesky_records if "#firstpost" in r["text"].lower()][:60]
    plain = place_texts(mapper, embedder, posts, name="first post")
    loaded = place_texts(mapper, embedder, posts, name="refugee asylum border")
    assert plain.at("consumer_trend").node_id == loaded.at("consumer_trend").node_id
    assert plain.at("consumer_trend").node_id != "ct.welcoming-the-displaced"


# --- proposals when no consumer trend fits ---------------------------------------------------------------


def test_a_trend_no_node_fits_gets_a_proposed_node_named_from_the_trend(mapper, embedder):
    """Programmers' questions about building a windowing system: no consumer trend describes them."""
    with gzip.open(CORPORA / "20newsgroups.jsonl.gz", "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    texts = [r["text"][:500] for r in records if r["category"] == "comp.windows.x"][:40]
    evidence = trend_evidence(embedder.encode(texts), name="", keywords=("x11r5", "motif", "xterm", "compile"))
    placement = mapper.place_trends([evidence])[0]
    assert not placement.mapped and placement.candidates == ()
    proposed = placement.proposed
    assert proposed is not None and proposed.level == "consumer_trend"
    assert proposed.name == "x11r5 / motif / xterm" and proposed.basis == "keywords"
    if proposed.parent_id is None:  # nothing close: every level says so
        assert {m.node_id for m in placement.levels} == {None}
    else:
        assert placement.at("big_social_trend").node_id == proposed.parent_id


def test_a_proposed_node_sits_under_the_closest_big_social_trend_when_it_is_close(embedder, huffpost_records):
    """With a bar no trend reaches, sports headlines are unmapped, yet clearly about sport fandom."""
    strict = TaxonomyMapper(default_taxonomy(), embedder, min_similarity=0.99)
    texts = [r["text"] for r in huffpost_records if r["category"] == "SPORTS"][-40:]
    placement = strict.place_trends([trend_evidence(embedder.encode(texts), name="NFL playoffs")])[0]
    assert not placement.mapped
    proposed = placement.proposed
    assert proposed.name == "NFL playoffs" and proposed.basis == "trend name"
    assert proposed.parent_id == "bst.fandom-identity"
    assert proposed.parent_name == default_taxonomy().nodes["bst.fandom-identity"].name
    assert placement.at("consumer_trend").node_id is None
    path = [n.id for n in default_taxonomy().path("bst.fandom-identity")]
    assert [placement.at(level).node_id for level in reversed(MAPPED_LEVELS[1:])] == path
    never = TaxonomyMapper(default_taxonomy(), embedder, min_similarity=0.99, parent_similarity=0.99)
    alone = never.place_trends([trend_evidence(embedder.encode(texts), name="NFL playoffs")])[0]
    assert alone.proposed.parent_id is None and {m.node_id for m in alone.levels} == {None}


def test_a_group_is_placed_by_its_members_documents(mapper, embedder, huffpost_records):
    sports = trend_evidence(embedder.encode([r["text"] for r in huffpost_records if r["category"] == "SPORTS"][-30:]))
    climate = trend_evidence(
        embedder.encode([r["text"] for r in huffpost_records if r["category"] == "ENVIRONMENT"][-30:])
    )
    mostly_sports = group_evidence([sports, climate], [300, 30], name="games")
    assert mostly_sports.documents.shape == (10, sports.centroid.shape[0])
    placement = mapper.place_trends([mostly_sports])[0]
    assert placement.at("consumer_trend").node_id == mapper.place_trends([sports])[0].at("consumer_trend").node_id


# --- the bug: the Bluesky migration's main consumer trend sat under "Welcoming the Displaced" (0.63) -----------


def test_bluesky_migration_consumer_trend_is_not_placed_with_the_displaced(mapper, embedder, bluesky_records):
    """The consumer trend of people leaving X/Twitter for Bluesky (judged group of six sub trends, rebuilt from
    a seeded sample of each sub trend's posts and merged as the detector merges them) belongs under a platform
    node, not under war and displacement, whatever literal word ("refugee", "exodus") its posts or name hold."""
    from trendlens.hierarchy.evaluation import load_judgements
    from trendlens.hierarchy.taxonomy import LEVELS

    records, _ = load_judgements(ROOT / "benchmarks" / "data" / "taxonomy_judgements.jsonl")
    by_id = {r["id"]: r for r in records}
    group = next(
        r for r in records if r["corpus"] == "bluesky_migration" and r["kind"] == "group" and r["id"].endswith("group1")
    )
    texts = {r["id"]: r["text"] for r in bluesky_records}
    rng = np.random.default_rng(0)
    members, sizes = [], []
    for m in group["members"]:
        trend = by_id[f"bluesky_migration#{m}"]
        ids = rng.choice(trend["member_ids"], size=min(50, len(trend["member_ids"])), replace=False)
        members.append(trend_evidence(embedder.encode([texts[i] for i in ids]), trend["label"], trend["keywords"]))
        sizes.append(trend["size"])
    merged = group_evidence(members, sizes, name="Twitter refugees welcome", keywords=tuple(group["keywords"]))
    placement = mapper.place_trends([merged])[0]
    displaced = {n.id for n in default_taxonomy().path("ct.welcoming-the-displaced")} - {
        n.id for n in default_taxonomy().level(LEVELS[0])
    }
    assert not {m.node_id for m in placement.levels} & displaced, placement
    assert placement.at("big_social_trend").node_id == "bst.platform-exodus", placement
    assert placement.at("consumer_trend").node_id in {"ct.platform-hopping", "ct.owner-backlash"}, placement
    # close platform nodes share the probability (Switching Social Networks 0.42, Owner Backlash 0.42), but the
    # mass sits with contested platforms, not with war and displacement
    assert placement.at("worldwide_social_trend").node_id == "wst.contested-platforms", placement
    assert placement.at("worldwide_social_trend").confidence >= 0.3, placement


def test_prayers_rescue_requests_climate_rules_and_voting_laws_each_have_their_node(
    mapper, embedder, huffpost_records, crisislex_records
):
    """Taxonomy 1.6: the blind judgements of issue 20 and the calibration judges found no node for prayer
    hashtags after a disaster (placed with the relief work), for climate policy (placed with eco-anxiety)
    or for fights over voting rules (placed with election campaigns)."""
    tweets = [r["text"] for r in crisislex_records]
    prayers = [t for t in tweets if re.search(r"#prayfor(?!boston)", t, re.I)][:40]
    rescue = [t for t in tweets if re.search(r"#rescueph", t, re.I)][:40]
    heads = [r["text"] for r in huffpost_records]
    climate = [h for h in heads if "climate" in h.lower() and re.search(r"\b(EPA|emissions|Paris|rule|policy)", h)]
    rules = re.compile(r"voting (law|right|restriction|bill)|voter suppression|redistricting", re.I)
    voting = [h for h in heads if rules.search(h)]
    assert len(prayers) == len(rescue) == 40 and len(climate) >= 10 and len(voting) >= 30
    expected = [
        (prayers, "ct.prayers-and-sympathy"),
        (rescue, "ct.crowd-powered-relief"),
        (climate, "ct.climate-policy-fights"),
        (voting[:40], "ct.fights-over-the-vote"),
    ]
    for texts, node in expected:
        placement = place_texts(mapper, embedder, texts)
        assert placement.at("consumer_trend").node_id == node, placement
        assert placement.at("consumer_trend").confidence >= 0.5, placement


def test_elite_athletics_news_is_followed_sport_not_amateur_racing(mapper, embedder):
    """Taxonomy 1.7: every blind judgement of issue 20 marked BBC's athletics news (Olympic champions, indoor
    meetings, world records) placed under the amateur node "Weekend Athletes" wrong; fans follow it as
    professional sport, as they follow football."""
    with gzip.open(CORPORA / "bbc.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    events = re.compile(r"\b(athletics|60m|hurdles|indoor|world record|olympic champion)\b", re.I)
    athletics = [r["text"] for r in rows if r["id"].startswith("bbc-sport") and events.search(r["text"])]
    assert len(athletics) >= 40
    placement = place_texts(mapper, embedder, athletics[:40])
    assert placement.at("consumer_trend").node_id == "ct.sports-fandom", placement
    assert placement.at("consumer_trend").confidence >= 0.5, placement


def test_an_unmapped_trend_in_another_language_is_placed_in_the_multilingual_space(
    embedder, multilingual_embedder, crisislex_records
):
    """Blind judgements of issue 20: the Spanish and Italian quake tweets of CrisisLex were "unmapped / novel"
    although Disasters as They Unfold plainly fits: MiniLM reads English. Real Spanish tweets of the 2012
    Costa Rica earthquake are unmapped in MiniLM's space and placed there by the multilingual tier; English
    tweets of the Alberta floods keep MiniLM's placement, and so does every trend without the tier."""
    rows = crisislex_records
    spanish = [
        r["text"] for r in rows if r["event"] == "2012_Costa_Rica_earthquake" and "terremoto" in r["text"].lower()
    ]
    english = [r["text"] for r in rows if r["event"] == "2013_Alberta_floods" and "flood" in r["text"].lower()]
    plain, again = _place_with_the_tier(embedder, multilingual_embedder, [spanish[:40], english[:40]])
    assert not plain[0].mapped and plain[1].mapped
    assert again[0].mapped and again[0].at("consumer_trend").node_id == "ct.disaster-watch", again[0]
    assert again[1] == plain[1]


def _place_with_the_tier(embedder, multilingual_embedder, parts: list[list[str]]):
    """Each list of texts placed as one trend: MiniLM's placements, and those with the multilingual second opinion."""
    import pandas as pd

    from trendlens.hierarchy.placement import place_in_taxonomy

    texts = [text for part in parts for text in part]
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
    bounds = np.cumsum([0, *map(len, parts)])
    rows = {t: np.arange(bounds[t], bounds[t + 1]) for t in range(len(parts))}
    centroids = {t: vectors[r].mean(axis=0) / np.linalg.norm(vectors[r].mean(axis=0)) for t, r in rows.items()}
    central = {t: r[np.argsort(-(vectors[r] @ centroids[t]))][:10] for t, r in rows.items()}
    trends = pd.DataFrame({"label": [""] * len(parts), "keywords": [()] * len(parts), "size": list(map(len, parts))})
    args = (default_taxonomy(), embedder, trends, centroids, central, vectors, [])
    return place_in_taxonomy(*args)[0], place_in_taxonomy(*args, texts, lambda: multilingual_embedder)[0]


def test_the_multilingual_tier_places_by_its_own_threshold_and_nonsense_stays_unmapped(
    embedder, multilingual_embedder, crisislex_records
):
    """The tier's cosines run lower than MiniLM's, most of all from other languages to the English taxonomy: real
    Italian tweets of the 2012 earthquakes reach 0.33 in its space, under MiniLM's threshold of 0.35, and were left
    unmapped (so was the CrisisLex consumer trend of the Spanish, Italian and Portuguese disasters, at 0.32),
    though Disasters as They Unfold fits. The tier has its own threshold with a floor on confidence; random
    letters, which the language identifier often calls foreign, reach its threshold at no confidence."""
    from trendlens.hierarchy.mapping import MIN_SIMILARITY
    from trendlens.hierarchy.placement import MULTILINGUAL_MIN_SIMILARITY

    rows = crisislex_records
    quake = [r["text"] for r in rows if r["event"] == "2012_Italy_earthquakes" and "terremoto" in r["text"].lower()]
    rng = np.random.default_rng(0)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    nonsense = [
        [
            " ".join("".join(rng.choice(letters, rng.integers(3, 11))) for _ in range(rng.integers(1, 6)))
            for _ in range(10)
        ]
        for _ in range(20)
    ]
    plain, again = _place_with_the_tier(embedder, multilingual_embedder, [quake[:40], *nonsense])
    assert not plain[0].mapped
    assert MULTILINGUAL_MIN_SIMILARITY <= again[0].similarity < MIN_SIMILARITY, again[0]  # the band it opens
    assert again[0].at("consumer_trend").node_id == "ct.disaster-watch", again[0]
    assert not any(plain[t].mapped or again[t].mapped for t in range(1, len(nonsense) + 1))


def test_laws_and_rulings_on_gay_and_transgender_people_have_their_own_node_and_abortion_keeps_its_own(
    mapper, embedder, huffpost_records
):
    """Taxonomy 1.8: the blind judgement of issue 20 (run 18) placed HuffPost's news on anti-LGBTQ bills and
    rulings with Year-Round Pride, a node of Pride campaigns and brands: LGBTQ+ Visibility and Rights had no
    consumer trend of rights fought over in law. Real headlines on bills, laws, bans and rulings about gay and
    transgender people went there at a confidence of 0.19; abortion news stays with Reproductive Health Access."""
    queer = re.compile(r"\b(transgender|trans|lgbtq|gay|same-sex)\b", re.I)
    in_law = re.compile(r"\b(bills?|laws?|court|bans?|ruling)\b", re.I)
    law = [r["text"] for r in huffpost_records if queer.search(r["text"]) and in_law.search(r["text"])]
    abortion = [r["text"] for r in huffpost_records if "abortion" in r["text"].lower() and not queer.search(r["text"])]
    rights = place_texts(mapper, embedder, law[:40])
    assert rights.at("consumer_trend").node_id == "ct.rights-in-law" and rights.similarity > 0.6, rights
    assert rights.at("big_social_trend").node_id == "bst.lgbtq-visibility"
    assert place_texts(mapper, embedder, abortion[:40]).at("consumer_trend").node_id == "ct.reproductive-health-access"


def test_a_taxonomy_is_embedded_once_per_model_in_a_process(embedder):
    """The next mapper of the same taxonomy and model (a notebook's next fit, the multilingual tier's second
    placement) takes the consumer trends' vectors this process made: the same rows, no text embedded. Another
    model, or a taxonomy with one exemplar more, embeds its own. On the shipped taxonomy's first social drive."""
    from trendlens.hierarchy.taxonomy import LEVELS, Taxonomy

    class Counting:
        def __init__(self, inner, name):
            self.inner, self.name, self.dim, self.texts = inner, name, inner.dim, 0

        def encode(self, texts):
            self.texts += len(texts)
            return self.inner.encode(texts)

    document = default_taxonomy().to_dict()
    kept = {document["levels"][LEVELS[0]][0]["id"]}
    for level in LEVELS:
        document["levels"][level] = [n for n in document["levels"][level] if n["id"] in kept or n.get("parent") in kept]
        kept |= {n["id"] for n in document["levels"][level]}
    taxonomy = Taxonomy(document)
    first = Counting(embedder, embedder.name + "#memo-test")
    made = TaxonomyMapper(taxonomy, first)
    assert len(made.leaf_ids) >= 5 and first.texts > 3 * len(made.leaf_ids)  # names, descriptions, exemplars
    again = Counting(embedder, first.name)
    mapper = TaxonomyMapper(Taxonomy(document), again, min_similarity=0.5)
    assert again.texts == 0 and np.array_equal(mapper.leaf_vectors, made.leaf_vectors)
    assert not mapper.leaf_vectors.flags.writeable  # one array serves every mapper: none may change it
    other = Counting(embedder, first.name + "-other")
    TaxonomyMapper(taxonomy, other)
    assert other.texts == first.texts
    leaf = taxonomy.level("consumer_trend")[0]
    longer = taxonomy.with_overrides({leaf.id: {"exemplars": [*leaf.exemplars, "one exemplar more"]}})
    grown = Counting(embedder, first.name)
    changed = TaxonomyMapper(longer, grown)
    assert grown.texts == first.texts + 1
    assert not np.array_equal(changed.leaf_vectors[0], made.leaf_vectors[0])
    assert np.array_equal(changed.leaf_vectors[1:], made.leaf_vectors[1:])
