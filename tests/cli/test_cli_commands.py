"""What a user sees from list, show, check and validate, and the exit codes; every command
has help text and is in the README."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from mldrill.cli.app import app

FIXTURE_BANK = Path(__file__).parent.parent / "fixtures" / "bank"


def _commands(typer_app: typer.Typer = app, prefix: tuple[str, ...] = ()
              ) -> list[tuple[tuple[str, ...], str]]:
    """Every command of the typer app, sub-commands of groups included, found from the
    app itself (so a new command cannot be missed): (words after `mldrill`, help text)."""
    found = []
    for cmd in typer_app.registered_commands:
        assert cmd.callback is not None
        name = cmd.name or cmd.callback.__name__.replace("_", "-")
        found.append(((*prefix, name), cmd.help or cmd.callback.__doc__ or ""))
    for group in typer_app.registered_groups:
        assert group.name and group.typer_instance is not None
        found.extend(_commands(group.typer_instance, (*prefix, group.name)))
    return found


def _groups(typer_app: typer.Typer = app) -> list[tuple[str, str]]:
    """(name, help text) of each group of sub-commands (`sheet`, `export`)."""
    return [(g.name or "", g.typer_instance.info.help if g.typer_instance
             and isinstance(g.typer_instance.info.help, str) else "")
            for g in typer_app.registered_groups]


def test_command_discovery_finds_the_groups_sub_commands() -> None:
    """The discovery the tests below rely on sees every command, `sheet new` and `export
    gradescope` included (it cannot silently find nothing)."""
    names = {" ".join(words) for words, _ in _commands()}
    assert {"list", "show", "check", "validate", "practice", "exam", "grade", "stats",
            "history", "sheet new", "export gradescope"} <= names


def test_help_lists_every_command(run) -> None:
    """`--help` names every command, and each group's `--help` names its sub-commands;
    `mldrill <command> --help` works for each and shows its help text."""
    result = run("--help", bank=False)
    assert result.exit_code == 0
    for words, _ in _commands():
        assert words[0] in result.output, f"`mldrill --help` does not list {words[0]}"
    for name, _ in _groups():
        group = run(name, "--help", bank=False)
        assert group.exit_code == 0, group.output
        for words, _ in _commands():
            if words[0] == name:
                assert words[1] in group.output, f"`mldrill {name} --help` lacks {words[1]}"
    for words, text in _commands():
        shown = run(*words, "--help", bank=False)
        assert shown.exit_code == 0, (words, shown.output)
        first = " ".join(text.split("\n\n")[0].split())
        assert first[:40] in " ".join(shown.output.split()), words


def test_every_command_has_help_text_and_is_in_the_readme() -> None:
    """Each command and sub-command (and each group) has help text, and README.md shows
    each command as `mldrill <command>`."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for words, text in _commands():
        name = " ".join(words)
        assert text.strip(), f"`mldrill {name}` has no help text"
        assert f"mldrill {name}" in readme, f"README does not mention `mldrill {name}`"
    for name, text in _groups():
        assert text.strip(), f"`mldrill {name}` has no help text"


def test_list_shows_families(run) -> None:
    """`list` prints each family's id, topic and title and a count."""
    result = run("list")
    assert result.exit_code == 0
    assert "demo-sigmoid" in result.output and "demo-transpose" in result.output
    assert "2 problem families" in result.output


def test_list_json_contract(run) -> None:
    """`list --json` is a list of objects with at least id, title, topic."""
    result = run("list", "--json")
    data = json.loads(result.output)
    assert isinstance(data, list) and len(data) == 2
    for item in data:
        assert {"id", "title", "topic"} <= set(item)


def test_list_unknown_topic_suggests(run) -> None:
    """An unknown topic is a usage error (exit 2) with a suggestion."""
    result = run("list", "--topic", "dmo")
    assert result.exit_code == 2
    assert "no topic 'dmo' (did you mean 'demo'?)" in result.output


def test_list_filters_by_tag_and_difficulty(run) -> None:
    """--tag and --difficulty select families; a selection matching nothing says so."""
    result = run("list", "--tag", "sigmoid", "--json")
    assert [f["id"] for f in json.loads(result.output)] == ["demo-sigmoid"]
    result = run("list", "--difficulty", "1-2", "--json")
    assert len(json.loads(result.output)) == 2
    result = run("list", "--difficulty", "3-")
    assert result.exit_code == 2 and "no problem matches difficulty 3-" in result.output
    result = run("list", "--tag", "sigmod")
    assert result.exit_code == 2 and "no tag 'sigmod' (did you mean 'sigmoid'?)" in \
        result.output


def test_list_groups_by_topic_and_never_wraps(run, monkeypatch) -> None:
    """Each topic has a heading with its count; at 60 columns rows are cut, not wrapped."""
    monkeypatch.setenv("COLUMNS", "60")
    result = run("list")
    lines = result.output.splitlines()
    assert lines[0].rstrip() == "demo (2)"
    assert all(len(line.rstrip()) <= 60 for line in lines)
    assert sum(1 for line in lines if line.startswith("  demo-")) == 2


def test_show_renders_matrix_as_grid(run) -> None:
    """`show` prints the prompt with the matrix as an aligned grid beside its name."""
    result = run("show", "demo-transpose", "--seed", "4")
    assert result.exit_code == 0
    assert "A = [ 2  3  0 ]   (2 x 3)\n    [ 3  3  2 ]" in result.output
    assert "mldrill check demo-transpose --seed 4" in result.output


def test_show_is_deterministic(run) -> None:
    """The same seed gives the same variant, byte for byte."""
    assert run("show", "demo-transpose", "--seed", "11").output == \
        run("show", "demo-transpose", "--seed", "11").output


def test_show_json_contract_and_answers_round_trip(run) -> None:
    """`show --json --solution` gives answers that `check` accepts in full."""
    data = json.loads(run("show", "demo-transpose", "--seed", "9", "--json",
                          "--solution").output)
    assert {"id", "seed", "topic", "prompt", "parts"} <= set(data)
    assert data["id"] == "demo-transpose" and data["seed"] == 9
    args = []
    for part in data["parts"]:
        assert {"name", "kind", "answer"} <= set(part)
        args.append(f"{part['name']}={part['answer']}")
    result = run("check", "demo-transpose", "--seed", "9", *args, "--json")
    assert result.exit_code == 0
    verdict = json.loads(result.output)
    assert verdict["score"] == 1.0
    assert all(p["status"] == "correct" for p in verdict["parts"])


def test_show_json_without_solution_hides_answers(run) -> None:
    """Without --solution the JSON has no answers and no worked solution."""
    data = json.loads(run("show", "demo-transpose", "--seed", "9", "--json").output)
    assert all("answer" not in p for p in data["parts"])
    assert "solution" not in data


def test_check_json_contract(run) -> None:
    """`check --json` has id, seed, score and per-part name/status/score/messages/diagnosis."""
    result = run("check", "demo-transpose", "--seed", "4", "size=7", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert {"id", "seed", "score", "parts"} <= set(data)
    for part in data["parts"]:
        assert {"name", "status", "score", "messages", "diagnosis"} <= set(part)
    size = next(p for p in data["parts"] if p["name"] == "size")
    assert size["status"] == "incorrect" and size["diagnosis"] == "off-by-one"


def test_check_catalogued_mistake_with_partial_credit(run) -> None:
    """A catalogued mistake shows its feedback and earns its partial credit."""
    result = run("check", "demo-transpose", "--seed", "4", "At=-[2 3; 3 3; 0 2]", "--json")
    part = json.loads(result.output)["parts"][0]
    assert part["diagnosis"] == "mistake:negated"
    assert part["score"] == 0.5
    assert part["messages"] == ["Transposing does not change signs."]


def test_check_text_output_for_a_wrong_shape(run) -> None:
    """A transposed matrix answer says what shape was expected and what was given."""
    result = run("check", "demo-transpose", "--seed", "4", "At=[2 3 0; 3 3 2]")
    assert result.exit_code == 1
    assert "At: incorrect" in result.output
    assert "expected 3x2, got 2x3: your answer is the transpose of the right one" \
        in result.output


def test_check_unparseable_answer_points_at_column(run) -> None:
    """An unreadable answer is 'not understood', shown with a caret, and not scored."""
    result = run("check", "demo-transpose", "--seed", "4", "size=3*(2", "--json")
    part = next(p for p in json.loads(result.output)["parts"] if p["name"] == "size")
    assert part["status"] == "invalid"
    assert part["messages"][0].splitlines()[1:] == ["  3*(2", "    ^"]


def test_check_grades_only_the_parts_given_unless_all(run) -> None:
    """One right part of three: exit 0, only that part judged, the others named as not
    checked; --all counts them as unanswered (exit 1)."""
    result = run("check", "demo-transpose", "--seed", "4", "size=6")
    assert result.exit_code == 0, result.output
    assert "score: 100%" in result.output
    assert "not checked (no answer given): At, shape" in result.output
    data = json.loads(run("check", "demo-transpose", "--seed", "4", "size=6", "--json").output)
    assert [p["name"] for p in data["parts"]] == ["size"]
    assert data["unchecked"] == ["At", "shape"]
    every = run("check", "demo-transpose", "--seed", "4", "size=6", "--all", "--json")
    assert every.exit_code == 1
    statuses = {p["name"]: p["status"] for p in json.loads(every.output)["parts"]}
    assert statuses == {"At": "unanswered", "size": "correct", "shape": "unanswered"}
    assert json.loads(every.output)["unchecked"] == []


def test_check_all_correct_exits_zero(run) -> None:
    """All parts right: exit 0 and a 100% score."""
    result = run("check", "demo-transpose", "--seed", "4", "At=[2 3; 3 3; 0 2]", "size=6",
                 "shape=3x2")
    assert result.exit_code == 0, result.output
    assert "score: 100%" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "demo-transpose", "--seed", "4", "nosuch=1"],
         "problem 'demo-transpose' has no part 'nosuch'; its parts are: At, size, shape"),
        (["check", "demo-transpose", "--seed", "4", "size"], "'size' is not NAME=ANSWER"),
        (["check", "demo-transpose", "--seed", "4"], "give at least one answer as NAME=ANSWER"),
        (["show", "demo-transpos"], "no problem with id 'demo-transpos' (did you mean "
                                    "'demo-transpose' or 'demo-sigmoid'?)"),
    ],
)
def test_user_errors_exit_2_with_a_message_and_no_traceback(run, args, message) -> None:
    """Mistakes in how a command is called: exit 2, a clear message, no traceback."""
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_check_requires_seed(run) -> None:
    """`check` without --seed is a usage error."""
    result = run("check", "demo-transpose", "size=6")
    assert result.exit_code == 2
    assert "--seed" in result.output


def test_validate_fixture_bank_passes(run) -> None:
    """`validate` self-tests each family over the seeds and exits 0 when all pass."""
    result = run("validate", "--seeds", "15", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "2 files, 2 families, 15 seeds each: 2 passed, 0 failed" in result.output


def test_validate_reports_broken_files_and_exits_1(run, tmp_path: Path) -> None:
    """A broken file given to validate is reported as path:line:col and exits 1."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: demo-bad\ntitle: T\ntopic: demo\nprompt: P\nparts:\n"
                   "  - name: a\n    kind: integr\n    answer: '1'\n")
    result = run("validate", str(bad), "--seeds", "2")
    assert result.exit_code == 1
    assert f"{bad}:7:11: unknown answer kind 'integr' (did you mean 'integer'?)" \
        in result.output


def test_validate_catches_a_wrong_reference(run, tmp_path: Path) -> None:
    """A reference that disagrees with its verification fails the self-test."""
    bad = tmp_path / "wrong.yaml"
    bad.write_text("id: demo-wrong\ntitle: T\ntopic: demo\nparams:\n  n: {type: int, low: 2, "
                   "high: 9}\nprompt: 'n = {{ n }}; n squared?'\nparts:\n  - name: a\n"
                   "    kind: integer\n    answer: 'n * 2'\nverify:\n  - method: equal\n"
                   "    part: a\n    expr: 'n ** 2'\n")
    result = run("validate", str(bad), "--seeds", "5", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)["families"][0]
    assert not report["ok"]
    assert "disagree" in report["errors"][0]


def test_broken_file_is_left_out_with_a_warning(run, tmp_path: Path) -> None:
    """`list` with a broken file in a bank warns with every diagnostic and lists the rest."""
    (tmp_path / "x.yaml").write_text("id: X\ntitle: T\n")
    result = run("--bank", str(tmp_path), "list")
    assert result.exit_code == 0
    assert "warning: 4 errors in 1 problem file; the families in it are left out" \
        in result.output
    assert "x.yaml:1:5: id 'X' must be lowercase" in result.output
    assert "demo-transpose" in result.output


def test_internal_error_is_reported_as_a_bug(run, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception is reported as a bug (exit 3) without a traceback."""
    import mldrill.variants.generate as gen

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(gen, "make_variant", boom)
    result = run("show", "demo-transpose", "--seed", "1")
    assert result.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in result.output
    assert "This is a bug in mldrill" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_traceback_without_locals(run, monkeypatch: pytest.MonkeyPatch) -> None:
    """--debug prints the traceback of an internal error, and no local variables."""
    import mldrill.variants.generate as gen

    def boom(family, seed, functions):
        secret_answer_key = "42"  # noqa: F841
        raise RuntimeError("kaboom")

    monkeypatch.setattr(gen, "make_variant", boom)
    result = run("--debug", "show", "demo-transpose", "--seed", "1")
    assert result.exit_code == 3
    assert "Traceback" in result.output
    assert "secret_answer_key = " not in result.output and "'42'" not in result.output


def test_bank_env_variable_adds_a_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    """MLDRILL_BANK adds a bank like --bank does."""
    from typer.testing import CliRunner

    monkeypatch.setenv("MLDRILL_BANK", str(FIXTURE_BANK))
    result = CliRunner().invoke(app, ["--only-bank", "list", "--json"])
    assert {x["id"] for x in json.loads(result.output)} == {"demo-sigmoid", "demo-transpose"}


def test_only_bank_without_a_bank_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """--only-bank with no bank given is a usage error."""
    from typer.testing import CliRunner

    monkeypatch.delenv("MLDRILL_BANK", raising=False)
    result = CliRunner().invoke(app, ["--only-bank", "list"])
    assert result.exit_code == 2
    assert "--only-bank needs a bank" in result.output


def test_validate_strict_counts_incomplete_families_as_failed(run, tmp_path: Path) -> None:
    """Under --strict a family lacking hints/mistakes/variety fails, and the summary says so."""
    thin = tmp_path / "thin.yaml"
    thin.write_text("id: demo-thin\ntitle: T\ntopic: demo\nparams:\n  n: {type: int, low: 2, "
                    "high: 4}\nprompt: 'n = {{ n }}; n squared?'\nparts:\n  - name: a\n"
                    "    kind: integer\n    answer: 'n ** 2'\nverify:\n  - method: equal\n"
                    "    part: a\n    expr: 'n * n'\n")
    lax = run("validate", str(thin), "--seeds", "100", "--jobs", "1")
    assert lax.exit_code == 0, lax.output
    assert "1 passed, 0 failed" in lax.output
    strict = run("validate", str(thin), "--seeds", "100", "--jobs", "1", "--strict")
    assert strict.exit_code == 1
    assert "0 passed, 1 failed" in strict.output
    assert "has 0 hint(s)" in strict.output
    assert "has 0 catalogued mistake(s)" in strict.output
    assert "has no tags" in strict.output
    assert "only 3 distinct variants over 100 seeds" in strict.output


def test_few_variants_excuses_a_small_family(run, tmp_path: Path) -> None:
    """A family that says why it is small is not warned about variety."""
    small = tmp_path / "small.yaml"
    small.write_text("id: demo-small\ntitle: T\ntopic: demo\nfew_variants: only three sizes\n"
                     "params:\n  n: {type: int, low: 2, high: 4}\nprompt: 'n = {{ n }}'\n"
                     "parts:\n  - name: a\n    kind: integer\n    answer: 'n ** 2'\n")
    result = run("validate", str(small), "--seeds", "100", "--jobs", "1")
    assert "distinct variants" not in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(small.read_text().replace("few_variants: only three sizes",
                                             "few_variants: 3"))
    result = run("validate", str(bad), "--seeds", "1")
    assert result.exit_code == 1
    assert f"{bad}:4:15: few_variants must be a sentence" in result.output


def test_wrap_prose_keeps_brackets_whole_and_short_lines_alone() -> None:
    """Long lines wrap at spaces outside brackets, keep their indent; grids are untouched."""
    from mldrill.cli.render import wrap_prose

    text = ("  so w = [-3, 0] + 1*[1, 2] = [-2, 2] and b = 2, which classifies every point "
            "correctly\nX = [ 1  2 ]")
    lines = wrap_prose(text, 30).splitlines()
    assert all(len(line) <= 30 for line in lines if "[" not in line or len(line) <= 30)
    assert all(line.startswith("  ") for line in lines[:-1])
    assert lines[-1] == "X = [ 1  2 ]"
    joined = " ".join(line.strip() for line in lines[:-1])
    assert joined == text.splitlines()[0].strip()
    assert all(line.count("[") == line.count("]") for line in lines)


def test_wrap_prose_with_a_bracket_closed_on_a_later_line() -> None:
    """A parenthesis opened on one line and closed on the next does not stop wrapping."""
    from mldrill.cli.render import wrap_prose

    text = "(Max pooling and ReLU commute: conv -> ReLU -> pool would give the same O, but"
    assert all(len(line) <= 40 for line in wrap_prose(text, 40).splitlines())


def test_no_command_exits_with_a_literal_number() -> None:
    """Exit statuses come from the one `ExitStatus` enum: no `Exit(3)` or `sys.exit(130)`
    in mldrill/cli."""
    import re

    cli = Path(__file__).parents[2] / "mldrill" / "cli"
    literal = re.compile(r"\b(?:Exit|exit)\(\s*-?\d")
    found = [f"{p.name}:{n}" for p in sorted(cli.glob("*.py"))
             for n, line in enumerate(p.read_text().splitlines(), 1) if literal.search(line)]
    assert found == []
