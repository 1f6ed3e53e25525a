"""The bundled bank covers a first ML course: the breadth the product promises.

These are the acceptance criteria of the bank, as tests: how many families, which topics,
that every family is fully specified (hints, worked solution, verification, mistakes, tags),
and that each has enough distinct variants that students cannot memorise answers.
"""

from __future__ import annotations

from collections import Counter

import pytest
from bank_student import CATALOG  # one load of the bundled bank per test process

from mldrill.variants.generate import draw_params
from mldrill.verify.selftest import VARIETY_MIN, VARIETY_SEEDS, _fingerprint, completeness

FAMILIES = sorted(CATALOG.families.values(), key=lambda f: f.id)
IDS = [f.id for f in FAMILIES]
PER_TOPIC = Counter(f.topic for f in FAMILIES)

CORE = ("backprop", "conv", "mle", "matrix-calculus", "params")
EXTENDED = ("activations", "losses", "gradient-descent", "optimizers", "initialization",
            "regularization", "regression", "softmax", "perceptron", "kernels", "classical",
            "unsupervised")


# The rest of CS189 / CS229 / a deep-learning course (issue 15): each a topic of its own.
COURSE = ("svm", "gda", "glm", "ensembles", "trees", "clustering", "dim-reduction",
          "evaluation", "probability", "nn-design", "sequence", "attention")


def test_bank_is_broad() -> None:
    """The whole course: at least 150 families across at least 28 topics."""
    assert len(FAMILIES) >= 150, PER_TOPIC
    assert len(PER_TOPIC) >= 28, PER_TOPIC


@pytest.mark.parametrize("topic", COURSE)
def test_course_topic_goes_from_easy_to_exam_hard(topic: str) -> None:
    """Each topic of the rest of the course has at least 4 families, one of them at
    difficulty 4 or 5 with at least 3 parts that follow through from earlier ones."""
    from mldrill.answers.follow import links

    families = [f for f in FAMILIES if f.topic == topic]
    assert len(families) >= 4, [f.id for f in families]
    hard = [f for f in families if f.difficulty >= 4 and len(f.parts) >= 3
            and links(f).follows_any()]
    assert hard, [(f.id, f.difficulty) for f in families]


def test_every_topic_has_an_exam_hard_item() -> None:
    """Every topic of the bank has an item at difficulty 4 or more."""
    hardest = {t: max(f.difficulty for f in FAMILIES if f.topic == t) for t in PER_TOPIC}
    assert all(d >= 4 for d in hardest.values()), {t: d for t, d in hardest.items() if d < 4}


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
    """At least 20 distinct variants over 100 seeds, unless the family says why not (the
    seeds are drawn in order until 20 distinct ones are found: the same verdict, at a
    fraction of the draws)."""
    if family.few_variants:
        pytest.skip(f"few_variants: {family.few_variants}")
    prints: set[str] = set()
    for seed in range(VARIETY_SEEDS):
        prints.add(_fingerprint(draw_params(family, seed, CATALOG.functions)))
        if len(prints) >= VARIETY_MIN:
            break
    assert len(prints) >= VARIETY_MIN
