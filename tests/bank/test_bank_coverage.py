"""The bundled bank covers a first ML course: the breadth the product promises.

These are the acceptance criteria of the bank, as tests: how many families, which topics,
that every family is fully specified (hints, worked solution, verification, mistakes, tags),
and that each has enough distinct variants that students cannot memorise answers.
"""

from __future__ import annotations

from collections import Counter

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.variants.generate import draw_params
from mldrill.verify.selftest import VARIETY_MIN, VARIETY_SEEDS, _fingerprint, completeness

CATALOG = load_catalog(strict=False)
FAMILIES = sorted(CATALOG.families.values(), key=lambda f: f.id)
IDS = [f.id for f in FAMILIES]
PER_TOPIC = Counter(f.topic for f in FAMILIES)

CORE = ("backprop", "conv", "mle", "matrix-calculus", "params")
EXTENDED = ("activations", "losses", "gradient-descent", "optimizers", "initialization",
            "regularization", "regression", "softmax", "perceptron", "kernels", "classical",
            "unsupervised")


def test_bank_is_broad() -> None:
    """At least 45 families across at least 15 topics."""
    assert len(FAMILIES) >= 45, PER_TOPIC
    assert len(PER_TOPIC) >= 15, PER_TOPIC


@pytest.mark.parametrize("topic", CORE)
def test_core_topic_has_six_families(topic: str) -> None:
    """Each core topic has at least 6 families, from easy to exam-hard."""
    families = [f for f in FAMILIES if f.topic == topic]
    assert len(families) >= 6, [f.id for f in families]
    difficulties = {f.difficulty for f in families}
    assert min(difficulties) <= 2 and max(difficulties) >= 4, difficulties


@pytest.mark.parametrize("topic", EXTENDED)
def test_extended_topic_has_two_families(topic: str) -> None:
    """Each extended topic of the syllabus has at least 2 families."""
    assert PER_TOPIC[topic] >= 2, PER_TOPIC


def test_exam_hard_problems_exist() -> None:
    """The exam-hard problems the syllabus names are in the bank, as multi-part problems."""
    def has(topic: str, *words: str) -> bool:
        return any(f.topic == topic and f.difficulty >= 4 and len(f.parts) >= 3
                   and all(w in (f.id + " " + " ".join(f.tags)) for w in words)
                   for f in FAMILIES)

    assert has("backprop", "mlp"), "a whole 2-layer network's gradients"
    assert has("conv", "pipeline"), "a conv -> pool -> ReLU pipeline (J, K and O)"
    assert has("mle", "gda"), "GDA parameters"
    assert has("params", "lenet") or has("params", "cnn"), "a LeNet-style parameter table"
    assert any(f.topic == "matrix-calculus" and "logdet" in f.id for f in FAMILIES)


def test_every_family_is_in_its_topic_folder() -> None:
    """`topic:` names the folder the file is in, so topics are easy to find."""
    for f in FAMILIES:
        assert f"problems/{f.topic}/" in f.path.replace("\\", "/"), (f.id, f.path)


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_family_is_fully_specified(family) -> None:
    """Two hints, a worked solution, verification, two mistakes, tags and a difficulty."""
    assert completeness(family) == []
    for part in family.parts:
        assert family.verify and any(v.part == part.name for v in family.verify) or \
            part.kind in ("choice", "shape"), f"part {part.name} is not verified"


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_family_has_enough_variants(family) -> None:
    """At least 20 distinct variants over 100 seeds, unless the family says why not."""
    if family.few_variants:
        pytest.skip(f"few_variants: {family.few_variants}")
    prints = {_fingerprint(draw_params(family, seed, CATALOG.functions))
              for seed in range(VARIETY_SEEDS)}
    assert len(prints) >= VARIETY_MIN
