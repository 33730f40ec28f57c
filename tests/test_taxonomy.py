"""The trend taxonomy: the shipped file, loading user files, strict validation, overrides."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import subprocess
import sys
from importlib import resources

import pytest
import yaml

from trendlens.errors import ConfigError
from trendlens.hierarchy import LEVELS, Taxonomy, TaxonomyNode, default_taxonomy, load_taxonomy

PREFIX = {"social_drive": "cd.", "worldwide_social_trend": "wst.", "big_social_trend": "bst.", "consumer_trend": "ct."}
IMPLICATIONS = {"brands": "For brands.", "society": "For society.", "consumers": "For people.", "future": "Later."}


def node(node_id: str, parent: str | None = None, consumer: bool = False) -> dict:
    """A complete, valid node mapping for the tiny test taxonomy."""
    data = {
        "id": node_id,
        "name": node_id.split(".")[-1].title(),
        "description": f"About {node_id}. Second sentence.",
        "exemplars": [f"{node_id} in the news", f"people talk about {node_id}"],
        "implications": dict(IMPLICATIONS),
        "strategies": ["Do one thing", "Do another"],
    }
    if parent is not None:
        data["parent"] = parent
    if consumer:
        data |= {"motivations": ["feel part of a group"], "drivers": ["cheaper smartphones"]}
    return data


@pytest.fixture()
def doc() -> dict:
    """A minimal valid taxonomy: one drive, one worldwide trend, two big trends, two consumer trends."""
    return {
        "version": "1.0",
        "name": "tiny",
        "levels": {
            "social_drive": [node("cd.one")],
            "worldwide_social_trend": [node("wst.one", "cd.one")],
            "big_social_trend": [node("bst.one", "wst.one"), node("bst.two", "wst.one")],
            "consumer_trend": [node("ct.one", "bst.one", True), node("ct.two", "bst.one", True)],
        },
    }


def ct(doc: dict, index: int = 0) -> dict:
    return doc["levels"]["consumer_trend"][index]


# --- the shipped taxonomy -------------------------------------------------------------------------


def test_shipped_taxonomy_loads_with_enough_nodes_per_level():
    tax = default_taxonomy()
    assert tax.version == "1.8" and tax.name and tax.description
    counts = {level: len(tax.level(level)) for level in LEVELS}
    assert counts["social_drive"] >= 8
    assert counts["worldwide_social_trend"] >= 12
    assert counts["big_social_trend"] >= 20
    assert counts["consumer_trend"] >= 50
    assert len(tax) == sum(counts.values())


def test_shipped_ids_are_unique_slugs_prefixed_by_level():
    raw = yaml.safe_load(resources.files("trendlens.hierarchy").joinpath("data", "taxonomy.yaml").read_text("utf-8"))
    ids = [entry["id"] for level in LEVELS for entry in raw["levels"][level]]
    assert len(ids) == len(set(ids))
    for tax_node in default_taxonomy():
        assert tax_node.id.startswith(PREFIX[tax_node.level]), tax_node.id
        assert re.fullmatch(r"[a-z]+\.[a-z0-9-]+", tax_node.id), tax_node.id


def test_every_shipped_node_has_every_field_filled():
    for n in default_taxonomy():
        assert n.name.strip() and n.description.strip(), n.id
        sentences = re.findall(r"[.!?](?:\s|$)", n.description)
        assert 2 <= len(sentences) <= 3, (n.id, n.description)
        assert 5 <= len(n.exemplars) <= 10, n.id
        assert set(n.implications) == {"brands", "society", "consumers", "future"}, n.id
        assert all(text.strip() for text in n.implications.values()), n.id
        assert 2 <= len(n.strategies) <= 4, n.id
        assert all(phrase.strip() for phrase in (*n.exemplars, *n.strategies, *n.motivations, *n.drivers)), n.id
        if n.level == "consumer_trend":
            assert 2 <= len(n.motivations) <= 4 and 2 <= len(n.drivers) <= 4, n.id


def test_every_shipped_path_runs_from_a_drive_through_every_level():
    tax = default_taxonomy()
    for n in tax:
        path = tax.path(n.id)
        assert [step.level for step in path] == list(LEVELS[: LEVELS.index(n.level) + 1]), n.id
        assert path[0].parent is None and path[-1] is n
        if n.level != "consumer_trend":
            assert tax.children(n.id), f"{n.id} has nothing below it"


@pytest.mark.parametrize(
    ("topic", "node_id", "phrase"),
    [
        ("politics / elections", "ct.election-mobilisation", "election"),
        ("sports", "ct.sports-fandom", "stadium"),
        ("entertainment / celebrity", "ct.celebrity-spotlight", "premiere"),
        ("crime", "ct.policing-under-scrutiny", "arrest"),
        ("disasters", "ct.crowd-powered-relief", "earthquake"),
        ("health / pandemics", "ct.outbreak-watch", "variant"),
        ("climate / weather extremes", "bst.weather-extremes", "wildfire"),
        ("food / cooking", "ct.cook-along-kitchens", "recipe"),
        ("style / beauty", "bst.beauty-redefined", "serum"),
        ("technology / social media", "ct.reining-in-big-tech", "social network"),
        ("war / international conflict", "bst.war-close-to-home", "invasion"),
        ("money / economy", "ct.recession-proofing", "interest rates"),
        ("LGBTQ+ / identity", "ct.year-round-pride", "pride"),
        ("LGBTQ+ rights in law", "ct.rights-in-law", "same-sex"),  # taxonomy 1.8
        # taxonomy 1.4, after the blind judgements of issue 20 placed these on neighbouring nodes
        ("elite sport", "ct.sports-fandom", "olympic champion"),
        ("disaster and accident news", "ct.disaster-watch", "magnitude"),
        ("deaths of public figures", "ct.public-mourning", "tributes"),
        ("corporate fraud", "ct.boardroom-scandals", "fraud"),
        ("new releases to watch", "ct.what-to-watch", "trailer"),
    ],
)
def test_news_topics_have_a_home(topic, node_id, phrase):
    tax = default_taxonomy()
    assert node_id in tax, f"no node for {topic}"
    text = " ".join([tax.nodes[node_id].name, *tax.nodes[node_id].exemplars]).lower()
    assert phrase in text, f"{node_id} exemplars do not mention {phrase!r}"


@pytest.mark.parametrize(
    ("topic", "node_id", "phrase"),
    [
        ("leaving one social network for another", "ct.platform-hopping", "leaving"),
        ("newcomers on a new network", "ct.newcomer-culture", "new here"),
        ("decentralised / federated social media", "ct.open-social", "open protocol"),
        ("creator monetisation", "ct.creator-monetisation", "subscribe"),
        ("online fandoms", "ct.fandom-spaces", "fan art"),
        ("online communities", "ct.niche-communities", "forum"),
        ("content moderation", "ct.moderation-debates", "block list"),
        ("AI tools in daily life", "ct.ai-sidekicks", "chatbot"),
        ("AI at work", "ct.ai-at-work", "jobs"),
        ("app launches", "ct.app-launch-rush", "day one"),
        ("app reviews", "ct.app-reviews", "stars"),
        ("tech bans between states", "ct.app-bans", "ban"),
        ("data sovereignty", "ct.data-borders", "stored in the country"),
        ("chip rivalry", "ct.chip-race", "chips"),
        ("internet shutdowns", "ct.internet-controls", "vpn"),
    ],
)
def test_digital_life_and_the_geopolitics_of_technology_have_a_home(topic, node_id, phrase):
    tax = default_taxonomy()
    assert node_id in tax, f"no node for {topic}"
    node = tax.nodes[node_id]
    text = " ".join([node.name, node.description, *node.exemplars]).lower()
    assert phrase in text, f"{node_id} does not mention {phrase!r}"


def test_digital_areas_are_covered_at_the_depth_of_the_others():
    """Every big social trend about platforms, apps, creators and tech geopolitics has two or more consumer trends,
    as many as the taxonomy's big social trends have on average."""
    tax = default_taxonomy()
    digital = [
        "bst.platform-exodus",
        "bst.rules-of-the-feed",
        "bst.app-culture",
        "bst.online-communities",
        "bst.creator-economy",
        "bst.fandom-identity",
        "bst.generative-ai",
        "bst.tech-nationalism",
    ]
    sizes = [len(tax.children(b.id)) for b in tax.level("big_social_trend")]
    mean_children = sum(sizes) / len(sizes)
    for bst in digital:
        assert len(tax.children(bst)) >= max(2, round(mean_children)), bst
    assert tax.parent("ct.platform-hopping").id == "bst.platform-exodus"
    assert tax.parent("ct.app-bans").id == "bst.tech-nationalism"


def test_default_taxonomy_is_cached_and_read_only():
    tax = default_taxonomy()
    assert default_taxonomy() is tax
    dupe = tax.nodes["ct.dupe-culture"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        dupe.name = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        dupe.implications["brands"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        tax.nodes["ct.new"] = dupe  # type: ignore[index]


def test_importing_and_loading_stays_light():
    code = (
        "import sys; from trendlens.hierarchy import default_taxonomy; default_taxonomy(); "
        "print([m for m in ('torch', 'bertopic', 'spacy', 'sentence_transformers', 'umap') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- user files and navigation --------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_user_file_loads_and_navigates(tmp_path, doc, suffix):
    path = tmp_path / f"mine{suffix}"
    path.write_text(json.dumps(doc) if suffix == ".json" else yaml.safe_dump(doc), encoding="utf-8")
    tax = load_taxonomy(path)
    assert isinstance(tax, Taxonomy) and tax.source == str(path)
    assert (tax.version, tax.name, len(tax)) == ("1.0", "tiny", 6)
    assert [n.id for n in tax.level("big_social_trend")] == ["bst.one", "bst.two"]
    assert tax.parent("ct.one").id == "bst.one" and tax.parent("cd.one") is None
    assert [n.id for n in tax.path("ct.two")] == ["cd.one", "wst.one", "bst.one", "ct.two"]
    assert [n.id for n in tax.children("bst.one")] == ["ct.one", "ct.two"]
    assert tax.children("bst.two") == [] and tax.children("ct.one") == []
    assert isinstance(tax.nodes["ct.one"], TaxonomyNode) and tax.nodes["ct.one"].level == "consumer_trend"
    assert tax.nodes["ct.one"].exemplars == ("ct.one in the news", "people talk about ct.one")


def test_to_dict_round_trips(doc):
    tax = load_taxonomy(doc)
    assert load_taxonomy(tax.to_dict()).to_dict() == tax.to_dict()
    assert tax.to_dict()["levels"]["consumer_trend"][0] == ct(doc)


def test_unknown_ids_and_levels_are_config_errors(doc):
    tax = load_taxonomy(doc)
    with pytest.raises(ConfigError, match=r"unknown node id 'ct.onee'.*'ct.one'"):
        tax.path("ct.onee")
    with pytest.raises(ConfigError, match="unknown node id"):
        tax.children("nope")
    with pytest.raises(ConfigError, match="unknown level 'trend'"):
        tax.level("trend")


# --- strict validation ----------------------------------------------------------------------------


def _break(doc: dict, how: str) -> None:
    """Apply one defect to the document in place."""
    levels = doc["levels"]
    if how == "unknown level":
        levels["consumer_trends"] = levels.pop("consumer_trend")
    elif how == "duplicate id":
        levels["big_social_trend"][1]["id"] = "ct.one"
    elif how == "missing field":
        del ct(doc)["description"]
    elif how == "missing motivations":
        del ct(doc)["motivations"]
    elif how == "missing parent":
        del ct(doc)["parent"]
    elif how == "parent does not exist":
        ct(doc)["parent"] = "bst.nope"
    elif how == "parent on wrong level":
        ct(doc)["parent"] = "wst.one"
    elif how == "cycle":
        ct(doc, 0)["parent"], ct(doc, 1)["parent"] = "ct.two", "ct.one"
    elif how == "empty exemplars":
        ct(doc)["exemplars"] = []
    elif how == "blank exemplar":
        ct(doc)["exemplars"] = ["fine", "  "]
    elif how == "empty level":
        levels["big_social_trend"] = []
    elif how == "absent level":
        del levels["worldwide_social_trend"]
    elif how == "drive with parent":
        levels["social_drive"][0]["parent"] = "cd.other"
    elif how == "implication missing":
        del ct(doc)["implications"]["future"]
    elif how == "typo field":
        ct(doc)["exemplar"] = ct(doc).pop("exemplars")
    elif how == "bad id":
        ct(doc)["id"] = "CT One"
    elif how == "version not text":
        doc["version"] = 1.0
    else:
        raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("unknown level", r"unknown level 'consumer_trends' \(did you mean 'consumer_trend'\?\)"),
        ("duplicate id", r"duplicate node id 'ct.one' \(on big social trend and consumer trend\)"),
        ("missing field", r"node 'ct.one' \(consumer trend\): missing required field\(s\) description"),
        ("missing motivations", r"node 'ct.one' \(consumer trend\): missing required field\(s\) motivations"),
        ("missing parent", r"node 'ct.one' \(consumer trend\): missing required field\(s\) parent"),
        ("parent does not exist", r"node 'ct.one' \(consumer trend\): parent 'bst.nope' does not exist"),
        ("parent on wrong level", r"node 'ct.one'.*parent 'wst.one' is a worldwide social trend.*must be a big"),
        ("cycle", r"node 'ct.one': its parents form a cycle \(ct.one → ct.two → ct.one\)"),
        ("empty exemplars", r"node 'ct.one' \(consumer trend\), field 'exemplars': is empty"),
        ("blank exemplar", r"node 'ct.one' \(consumer trend\), field 'exemplars', item 1: must be non-empty text"),
        ("empty level", r"level 'big_social_trend' has no nodes"),
        ("absent level", r"level 'worldwide_social_trend' has no nodes"),
        ("drive with parent", r"node 'cd.one' \(social drive\): a social drive .* has no parent"),
        ("implication missing", r"node 'ct.one'.*field 'implications': missing key\(s\) future"),
        ("typo field", r"node 'ct.one'.*unknown field 'exemplar' \(did you mean 'exemplars'\?\)"),
        ("bad id", r"levels.consumer_trend\[0\]: field 'id' must be a slug.*'CT One'"),
        ("version not text", r"'version': must be a quoted string"),
    ],
)
def test_invalid_file_is_rejected_naming_file_node_and_fix(tmp_path, doc, how, expected):
    _break(doc, how)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=expected) as info:
        load_taxonomy(path)
    assert str(info.value).startswith(f"{path}: ")


def test_file_level_problems_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="taxonomy file not found"):
        load_taxonomy(tmp_path / "missing.yaml")
    (tmp_path / "t.txt").write_text("version: '1.0'")
    with pytest.raises(ConfigError, match=r"unsupported taxonomy file type '.txt'"):
        load_taxonomy(tmp_path / "t.txt")
    (tmp_path / "bad.yaml").write_text("levels: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: not valid taxonomy YAML"):
        load_taxonomy(tmp_path / "bad.yaml")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigError, match=r"bad.json: not valid JSON \(line 1"):
        load_taxonomy(tmp_path / "bad.json")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="a taxonomy must be a mapping"):
        load_taxonomy(tmp_path / "list.yaml")
    with pytest.raises(ConfigError, match="expects a path"):
        load_taxonomy(42)  # type: ignore[arg-type]


def test_python_object_tags_are_rejected_not_executed(tmp_path, doc):
    marker = tmp_path / "pwned"
    text = yaml.safe_dump(doc).replace("version: '1.0'", f'version: !!python/object/apply:os.system ["touch {marker}"]')
    assert "!!python/object/apply" in text
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"evil.yaml: not valid taxonomy YAML.*python/object/apply"):
        load_taxonomy(path)
    assert not marker.exists()


# --- overrides ------------------------------------------------------------------------------------


def test_override_renames_one_node_and_leaves_the_original_alone(doc):
    tax = load_taxonomy(doc)
    renamed = tax.with_overrides({"ct.one": {"name": "Brand New", "exemplars": ["only this"]}})
    assert renamed.nodes["ct.one"].name == "Brand New" and renamed.nodes["ct.one"].exemplars == ("only this",)
    assert tax.nodes["ct.one"].name == "One" and len(tax.nodes["ct.one"].exemplars) == 2
    assert renamed.nodes["ct.two"] == tax.nodes["ct.two"]
    assert renamed.source == "taxonomy dict with overrides"


def test_override_moves_a_consumer_trend_under_another_parent(doc):
    moved = load_taxonomy(doc).with_overrides({"ct.two": {"parent": "bst.two"}})
    assert [n.id for n in moved.children("bst.two")] == ["ct.two"]
    assert [n.id for n in moved.children("bst.one")] == ["ct.one"]
    assert moved.path("ct.two")[-2].id == "bst.two"


def test_shipped_taxonomy_accepts_overrides():
    moved = default_taxonomy().with_overrides({"ct.dupe-culture": {"parent": "bst.new-status-symbols"}})
    assert [n.id for n in moved.path("ct.dupe-culture")][:2] == ["cd.achievement", "wst.redefined-success"]
    assert default_taxonomy().parent("ct.dupe-culture").id == "bst.value-hunting"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"ct.one": {"parent": "bst.onw"}}, r"node 'ct.one'.*parent 'bst.onw' does not exist \(did you mean 'bst.one'"),
        ({"ct.one": {"parent": "cd.one"}}, r"node 'ct.one'.*parent 'cd.one' is a social drive"),
        ({"ct.one": {"exemplars": []}}, r"node 'ct.one' \(consumer trend\), field 'exemplars': is empty"),
        ({"ct.one": {"colour": "red"}}, r"node 'ct.one'.*unknown field 'colour'"),
        ({"ct.one": {"id": "ct.uno"}}, r"override for node 'ct.one': id cannot be overridden"),
        ({"ct.onee": {"name": "x"}}, r"override for unknown node 'ct.onee'; did you mean 'ct.one'"),
        ({"ct.one": "New name"}, r"override for node 'ct.one' must be a mapping"),
    ],
)
def test_bad_overrides_are_rejected(doc, overrides, expected):
    tax = load_taxonomy(copy.deepcopy(doc))
    with pytest.raises(ConfigError, match=expected):
        tax.with_overrides(overrides)
