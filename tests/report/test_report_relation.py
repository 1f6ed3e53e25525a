"""Across per-student variants, students who made the same uncatalogued slip on their own
numbers (twice the reference, the reference plus one: only a generic diagnosis, no
catalogued mistake) are one group, whose YAML entry is written over the part's reference
expression, so it holds for every variant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from report_plant import REFERENCE, Invoke, catalog, fill, roster, typed

pytestmark = pytest.mark.slow  # whole CLI runs: sheets graded, sandboxes, browsers

DOUBLED = ["d1", "d2", "d3"]
SHIFTED = ["p1", "p2"]
OTHER = ["x1"]


def _number(text: str) -> int:
    return int(text.strip())


def test_same_slip_on_own_numbers_is_one_group(cli: Invoke, tmp_path: Path) -> None:
    """Three students typed 2x their own reference, two their own reference + 1, one an
    unrelated number: two relation groups with exactly those students and an answer
    expression over `conv_params(...)`; the unrelated answer stays a text group."""
    ids = DOUBLED + SHIFTED + OTHER
    result = cli("sheet", "new", "--problems", "params-conv-layer", "--seed", "3",
                 "--secret", "relation-tests", "--out", "hw", "--no-pdf", "--students",
                 str(roster(tmp_path / "roster.csv", ids)))
    assert result.exit_code == 0, result.output
    cat, hw = catalog(), tmp_path / "hw"
    refs = {s: _number(typed(cat, hw / "key", s, 1, "params", REFERENCE)) for s in ids}
    assert len(set(refs.values())) > 1  # the variants differ: text alone would not group
    for s in DOUBLED:
        fill(cat, hw, s, {(1, "params"): str(2 * refs[s]), (1, "outputs"): REFERENCE})
    for s in SHIFTED:
        fill(cat, hw, s, {(1, "params"): str(refs[s] + 1), (1, "outputs"): REFERENCE})
    fill(cat, hw, OTHER[0], {(1, "params"): "7", (1, "outputs"): REFERENCE})
    data = json.loads(cli("report", "hw", "--json").stdout)
    params = next(i for i in data["items"] if i["item"] == "Q1 params")
    assert [(g["label"], g["students"]) for g in params["diagnoses"]] == [
        ("factor", DOUBLED), ("off-by-one", SHIFTED)]
    groups = [(a["relation"], a["diagnosis"], a["students"], a["count"])
              for a in params["unexplained"]]
    assert groups == [("reference × 2", "factor", DOUBLED, 3),
                      ("reference + 1", "off-by-one", SHIFTED, 2), (None, None, OTHER, 1)]
    doubled = yaml.safe_load(params["unexplained"][0]["yaml"])["mistakes"][0]
    shifted = yaml.safe_load(params["unexplained"][1]["yaml"])["mistakes"][0]
    expression = cat.get("params-conv-layer").part("params").answer
    assert doubled["answer"] == f"2 * ({expression})"
    assert shifted["answer"] == f"({expression}) + 1"
    assert yaml.safe_load(params["unexplained"][2]["yaml"])["mistakes"][0]["answer"] == "7"
