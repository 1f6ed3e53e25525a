"""The authoring guide cannot go stale: every complete example in it loads and self-tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mldrill.bank.catalog import load_catalog
from mldrill.verify.selftest import selftest_family

GUIDE = Path(__file__).parents[2] / "docs" / "authoring.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(), re.S)
EXAMPLES = [b for b in BLOCKS if b.startswith("id:")]
SNIPPETS = [b for b in BLOCKS if not b.startswith("id:")]


def test_guide_has_worked_examples() -> None:
    """The guide carries at least four complete examples (so the tests below are not vacuous)."""
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("text", EXAMPLES, ids=[e.split("\n", 1)[0][4:] for e in EXAMPLES])
def test_guide_example_loads_and_passes_self_test(text: str, tmp_path: Path) -> None:
    """A complete example is a valid family whose self-test passes over 30 seeds, strictly."""
    path = tmp_path / "example.yaml"
    path.write_text(text)
    cat = load_catalog(strict=False, paths=[path])
    assert not cat.diagnostics, "\n".join(map(str, cat.diagnostics))
    (family,) = cat.families.values()
    report = selftest_family(family, range(30), cat.functions)
    assert report.ok, report.errors
    assert not report.warnings, report.warnings


@pytest.mark.parametrize("text", SNIPPETS)
def test_guide_snippets_are_valid_yaml(text: str) -> None:
    """Every partial YAML snippet in the guide at least parses."""
    import yaml

    yaml.safe_load(text)


def test_guide_documents_every_registered_name() -> None:
    """Every answer kind, parameter type and verification method is named in the guide."""
    from mldrill.answers import KINDS
    from mldrill.variants.params import PARAM_TYPES
    from mldrill.verify.methods import METHODS

    text = GUIDE.read_text()
    for name in [*KINDS, *PARAM_TYPES, *METHODS]:
        assert f"`{name}`" in text, f"docs/authoring.md does not document `{name}`"


EXCERPTS = [b for b in BLOCKS if b.startswith("# from problems/")]
REPO = GUIDE.parents[1]


def test_every_bundled_topic_has_a_worked_example_section() -> None:
    """The guide walks through one bundled family per topic (`### <topic>: ...`)."""
    from mldrill.bank.catalog import load_catalog

    text = GUIDE.read_text()
    for topic in load_catalog().topics():
        assert re.search(rf"^### {re.escape(topic)}: `[a-z0-9-]+`", text, re.M), \
            f"docs/authoring.md has no worked-example section for topic {topic}"


@pytest.mark.parametrize("block", EXCERPTS, ids=[b.split("\n", 1)[0][7:] for b in EXCERPTS])
def test_excerpts_are_verbatim_from_the_bank(block: str) -> None:
    """An excerpt marked `# from problems/...` is copied exactly from that file, so the
    guide cannot drift from the bank."""
    first, body = block.split("\n", 1)
    source = (REPO / first[len("# from "):].strip()).read_text()
    assert body.strip() in source
