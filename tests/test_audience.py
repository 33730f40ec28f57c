"""Description of consumers: explicit cues only, real spaCy pipeline, real headlines."""

from __future__ import annotations

import pytest

from trendlens.enrich.audience import FACETS, NOT_STATED, AudienceFacet, describe_audience
from trendlens.enrich.findings import Finding
from trendlens.enrich.nlp import parse_sentences

#: Records of one HuffPost section read by the real-data tests.
SAMPLE = 60


def facets_of(*texts: str, **kwargs) -> dict[str, AudienceFacet]:
    ids = [f"doc-{i}" for i in range(len(texts))]
    result = describe_audience(parse_sentences(list(texts), ids), **kwargs)
    assert tuple(f.facet for f in result) == FACETS
    return {f.facet: f for f in result}


def test_cohorts_lifestyle_and_unstated_gender():
    got = facets_of("Gen Z shoppers and millennials are driving resale apps.")
    assert got["age"].values == ("Gen Z", "millennials")
    assert got["lifestyle"].values == ("shoppers",)
    assert not got["gender"].stated and got["gender"].values == () and got["gender"].evidence == ()
    assert got["gender"].summary == NOT_STATED
    assert got["income"].summary == NOT_STATED
    assert got["age"].summary == "Gen Z, millennials"
    assert got["age"].evidence == (Finding("Gen Z shoppers and millennials are driving resale apps.", "doc-0"),)


def test_numeric_age_gender_and_income():
    got = facets_of(
        "A 16-year-old girl built the app for low-income families in her town.",
        "Subscriptions rose fastest among adults aged 65 and older.",
        "The survey covered consumers ages 18-34 and their 40-something parents.",
    )
    assert got["age"].values[0] == "teenagers"
    assert set(got["age"].values) == {"teenagers", "older adults", "young adults", "middle-aged"}
    assert got["gender"].values == ("women",)
    assert got["income"].values == ("low income",)
    assert got["income"].evidence == (
        Finding("A 16-year-old girl built the app for low-income families in her town.", "doc-0"),
    )
    assert got["lifestyle"].values == ("parents",)


def test_no_false_cues_inside_words_abbreviations_or_things():
    got = facets_of(
        "Gen. Mark Milley said the X-ray showed the manager's mandate was poor.",
        "The menu has a rich, creamy sauce and a 100-year-old recipe from Germany.",
        "Her fanbase grew after the Spider-Man premiere, a man-made spectacle.",
    )
    assert got["age"].values == ()
    assert got["income"].values == ()
    assert got["gender"].values == ()
    assert got["lifestyle"].values == ("fans",)


def test_ranking_min_mentions_and_evidence_choice():
    texts = (
        "Many parents say the app saves time.",
        "Students and parents both use it on the bus.",
        "Parents, gamers and students share accounts.",
        "Commuters like the offline mode.",
    )
    got = facets_of(*texts, max_evidence=2)["lifestyle"]
    assert got.values == ("parents", "students", "gamers", "commuters")  # 3, 2, 1, 1 sentences; ties first seen
    assert [f.text for f in got.evidence] == [texts[2], texts[1]]  # most values named, then earlier
    strict = facets_of(*texts, min_mentions=2)["lifestyle"]
    assert strict.values == ("parents", "students")
    assert [f.text for f in strict.evidence] == [texts[1], texts[2]]  # both values named: the earlier first


def test_sentences_without_cues_leave_every_facet_unstated():
    got = facets_of(
        "Oat milk sales doubled this year across the region.",
        "The company plans to open three new factories in 2025.",
    )
    for facet in got.values():
        assert not facet.stated
        assert facet.values == () and facet.evidence == ()
        assert facet.summary == NOT_STATED
    assert describe_audience([]) == tuple(AudienceFacet(f) for f in FACETS)


def _section(records: list[dict], category: str) -> list[dict]:
    picked = [r for r in records if r["category"] == category][:SAMPLE]
    assert len(picked) == SAMPLE
    return picked


def _assert_evidence_is_verbatim(facets: tuple[AudienceFacet, ...], records: list[dict]) -> None:
    by_id = {r["id"]: r["text"] for r in records}
    for facet in facets:
        assert len(facet.evidence) <= 2
        for finding in facet.evidence:
            assert finding.text in by_id[finding.doc_id]


@pytest.mark.parametrize(
    ("category", "facet", "value"), [("PARENTING", "lifestyle", "parents"), ("WOMEN", "gender", "women")]
)
def test_real_headlines_state_the_obvious_audience(huffpost_records, category, facet, value):
    records = _section(huffpost_records, category)
    result = describe_audience(parse_sentences([r["text"] for r in records], [r["id"] for r in records]))
    got = {f.facet: f for f in result}
    assert value in got[facet].values
    assert got[facet].values[0] == value  # the section's own audience is the most mentioned
    assert got[facet].evidence
    _assert_evidence_is_verbatim(result, records)
