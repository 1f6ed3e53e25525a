"""The `mldrill` command line: a thin layer that parses arguments, calls one core function
and hands the result to a renderer. Heavy modules (numpy, sympy, yaml) are imported inside
the commands, so `mldrill --help` starts instantly.

The commands are declared here for typer (their annotations say how each parameter is
read) but registered in `COMMANDS`, not on a typer app: importing this module does not
import typer. `main()` runs a command whose arguments are plain (`mldrill show ID --seed
1`) through `fastpath.py`, from the parameters typer derived (`argspec.py`, generated and
tested against typer); anything else (help, errors, unusual syntax) builds the typer app
(`build_app`). The module attribute `app` is the whole typer app, for tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from mldrill import __version__
from mldrill.cli.errors import ExitStatus, State, handle_errors

if TYPE_CHECKING:
    from mldrill.bank.catalog import Catalog
    from mldrill.bank.index import FamilyInfo
    from mldrill.errors import Diagnostic
    from mldrill.grade.assignment import Assignment

if TYPE_CHECKING:
    import typer  # typer evaluates the annotations below: build_app() puts it in globals()

    from mldrill.cli.env import Terminal

APP_SETTINGS: dict[str, object] = dict(
    name="mldrill",
    help="Practise and grade the mathematics of machine learning.\n\n"
    "Start with `mldrill practice` (or `mldrill practice backprop`); `mldrill list` shows "
    "every problem family.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# group name -> its typer settings
GROUPS: dict[str, dict[str, object]] = {
    "sheet": dict(help="Homework and exam sheets with a variant per student.",
                  no_args_is_help=True),
    "export": dict(help="Export for other systems (Gradescope).", no_args_is_help=True),
}


class Command:
    """A command as registered: its name (as typed), group (None: top level) and function."""

    def __init__(self, name: str, group: str | None, fn: Callable[..., None]) -> None:
        self.name, self.group, self.fn = name, group, fn


COMMANDS: list[Command] = []


def command(name: str | None = None, *, group: str | None = None
            ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command (typer's name for it: the function's, with - for _)."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        COMMANDS.append(Command(name or fn.__name__.replace("_", "-"), group, fn))
        return fn

    return register


class Banks:
    """The banks of this run (--bank, --only-bank, $MLDRILL_BANK), loaded on demand: a
    broken file is left out with a warning on stderr, so one file never stops a student.
    The core reads the banks through this (`mldrill.grade.run.Sources`)."""

    def __init__(self) -> None:
        self.extra: Sequence[str] = ()
        self.only: bool = False

    @property
    def bundled(self) -> bool:
        return not self.only

    def _check_only(self) -> None:
        from mldrill.errors import UsageError

        if self.only and not (self.extra or os.environ.get("MLDRILL_BANK")):
            raise UsageError("--only-bank needs a bank: give --bank DIR or set MLDRILL_BANK")

    def catalog(self) -> Catalog:
        from mldrill.bank.catalog import open_catalog

        self._check_only()
        cat = open_catalog(self.extra, bundled=self.bundled)
        _warn_broken(cat.diagnostics)
        return cat

    def listing(self) -> list[FamilyInfo]:
        """The families' metadata: from the bank index when nothing changed since the last
        full load (a quick start), else from a full load (with its warnings)."""
        from mldrill.bank.catalog import list_families
        from mldrill.bank.index import FamilyInfo

        self._check_only()
        infos, cat = list_families(self.extra, bundled=self.bundled)
        if infos is not None:
            return infos
        assert cat is not None
        _warn_broken(cat.diagnostics)
        return [FamilyInfo.of(f) for f in cat.families.values()]

    def assignments(self) -> list[Assignment]:
        from mldrill.bank.catalog import bank_dirs
        from mldrill.grade.grader import load_assignments

        found, diags = load_assignments(bank_dirs(self.extra, bundled=self.bundled))
        _warn_broken(diags)
        return found


BANKS = Banks()


def _version(value: bool) -> bool:
    if value:
        from mldrill.cli.render import console, plain

        plain(console(), f"mldrill {__version__}")
        raise SystemExit(0)
    return value  # what the root callback gets (its default, as without the callback)


def root(
    bank: Annotated[list[str] | None, typer.Option(
        "--bank", metavar="DIR",
        help="An extra problem bank folder (repeatable); also $MLDRILL_BANK.")] = None,
    only_bank: Annotated[bool, typer.Option(
        "--only-bank", help="Use only the banks given with --bank/$MLDRILL_BANK, not the "
        "bundled one.")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show tracebacks of internal errors.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    BANKS.extra = tuple(bank or ())
    BANKS.only = only_bank
    State.debug = debug


def _catalog() -> Catalog:
    return BANKS.catalog()


def _warn_broken(diagnostics: Sequence[Diagnostic]) -> None:
    if diagnostics:
        from mldrill.cli.render import warn_broken

        warn_broken(list(diagnostics))


def _random_seed() -> int:
    return int.from_bytes(os.urandom(4), "little") % 100_000


@command("list")
@handle_errors
def list_cmd(
    topic: Annotated[list[str] | None, typer.Option(
        "--topic", "-t", help="Only these topics (repeatable).")] = None,
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", help="Only problems with one of these tags (repeatable).")] = None,
    difficulty: Annotated[str | None, typer.Option(
        "--difficulty", "-d", help="1 to 5, or a range: 2-4, -2, 4-.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    functions: Annotated[bool, typer.Option(
        "--functions", help="List the reference functions instead (solutions/ and the coding "
        "assignments' references): name, module, the topics using it, its one-line doc; "
        "--topic, --tag and --difficulty keep those the chosen problems use.")] = False,
) -> None:
    """List the problem families by topic: id, difficulty, title."""
    from mldrill.cli import render

    if functions:
        from mldrill.bank.catalog import bank_dirs
        from mldrill.cli.render_functions import functions_json, render_functions
        from mldrill.inventory import function_listing

        cat = _catalog()
        rows = function_listing(cat, bank_dirs(BANKS.extra, bundled=BANKS.bundled),
                                topic or (), tag or (), difficulty)
        if json_out:
            render.dump_json(functions_json(rows))
        else:
            render_functions(rows)
        return
    from mldrill.bank.catalog import select_families

    families = select_families(BANKS.listing(), topic or (), tag or (), difficulty)
    if json_out:
        render.dump_json([render.family_json(f) for f in families])
    else:
        render.render_list(families)


@command()
@handle_errors
def show(
    problem_id: Annotated[str, typer.Argument(metavar="ID", help="Problem id (see list).")],
    seed: Annotated[int | None, typer.Option("--seed", "-s",
                                             help="Variant seed (default: random).")] = None,
    solution: Annotated[bool, typer.Option("--solution", help="Add the answers, hints and "
                                           "worked solution.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show a variant of a problem."""
    from mldrill.cli import render
    from mldrill.variants.generate import make_variant

    cat = _catalog()
    family = cat.get(problem_id)
    variant = make_variant(family, _random_seed() if seed is None else seed, cat.functions)
    if json_out:
        render.dump_json(render.variant_json(variant, solution))
    else:
        render.render_variant(variant, solution)


@command()
@handle_errors
def check(
    problem_id: Annotated[str, typer.Argument(metavar="ID", help="Problem id.")],
    answers: Annotated[list[str] | None, typer.Argument(
        metavar="NAME=ANSWER", help="Answers by part name, e.g. dW='[[1, 2], [3, 4]]'.",
        show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", help="The variant's seed (required).")
                    ] = ...,  # type: ignore[assignment]
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    all_parts: Annotated[bool, typer.Option(
        "--all", help="Count the parts not given as unanswered (default: check only the "
        "parts given).")] = False,
) -> None:
    """Check answers to one variant without a session. Exit 0 if every part checked is
    correct, 1 if not."""
    from mldrill.check import check_problem
    from mldrill.cli import render

    result = check_problem(_catalog(), problem_id, seed, _answers_by_part(answers or ()),
                           all_parts)
    if json_out:
        render.dump_json(result.to_json())
    else:
        render.render_check(result)
    raise SystemExit(ExitStatus.OK if result.all_correct else ExitStatus.NEGATIVE)


def _answers_by_part(items: Sequence[str]) -> dict[str, str]:
    """NAME=ANSWER arguments by part name (each part once)."""
    from mldrill.errors import UsageError

    given: dict[str, str] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"'{item}' is not NAME=ANSWER (e.g. dx='[1, 2]')")
        if name.strip() in given:
            raise UsageError(f"part '{name.strip()}' is answered twice")
        given[name.strip()] = text
    return given


@command()
@handle_errors
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="[PATH]...", help="Problem files or folders (default: every bank).",
        show_default=False)] = None,
    seeds: Annotated[int, typer.Option("--seeds", "-n", min=0,
                                       help="Seeds to self-test per family.")] = 20,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Missing hints, solution, verification or mistakes are errors.")
    ] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0,
                                      help="Worker processes (0 = all cores).")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Lint problem files and self-test every family over N seeds."""
    from mldrill.cli import render
    from mldrill.verify.run import validate_bank

    outcome = validate_bank(paths or [], list(BANKS.extra), bundled=BANKS.bundled,
                            seeds=seeds, jobs=jobs)
    if json_out:
        render.dump_json(outcome.to_json(strict))
    else:
        render.render_validate(outcome.reports, outcome.diagnostics, outcome.files, seeds,
                               strict)
    raise SystemExit(ExitStatus.NEGATIVE if outcome.failed(strict) else ExitStatus.OK)


@command()
@handle_errors
def practice(
    ctx: typer.Context,
    topics: Annotated[list[str] | None, typer.Argument(
        metavar="[TOPIC]...", help="Topics to practise (default: chosen for you).",
        show_default=False)] = None,
    problem: Annotated[str | None, typer.Option("--problem", "-p",
                                                help="Practise this problem id.")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", "-s", help="Seed of the session (with --problem: of the variant).")] = None,
    count: Annotated[int, typer.Option("--count", "-c", min=1,
                                       help="Number of problems.")] = 5,
    difficulty: Annotated[str | None, typer.Option(
        "--difficulty", "-d", help="1 to 5, or a range: 2-4, -2, 4-.")] = None,
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", help="Only problems with one of these tags (repeatable).")] = None,
    tries: Annotated[int, typer.Option("--tries", min=1, help="Tries per part.")] = 2,
    save: Annotated[bool, typer.Option(
        "--save/--no-save", help="Record answers and reviews (in MLDRILL_HOME).")] = True,
) -> None:
    """Practise problems one at a time: answer, get feedback, try again.

    Without a topic, reviews that are due come first, then your weakest topics, then
    new material."""
    from mldrill.cli.env import terminal_for
    from mldrill.cli.practice import run_practice
    from mldrill.practice.choose import practice_plan

    cat = _catalog()
    plan = practice_plan(cat, topics or (), problem, seed, tag or (), difficulty,
                         fresh_seed=_random_seed())
    code = run_practice(terminal_for(ctx.obj), cat, plan.families, seed=plan.seed,
                        count=count, tries=tries, problem_seed=plan.problem_seed, save=save)
    if code:
        raise SystemExit(ExitStatus(code))


@command()
@handle_errors
def exam(
    ctx: typer.Context,
    words: Annotated[list[str] | None, typer.Argument(
        metavar="[TOPIC]...", help="Topics of the paper (same as --topics).",
        show_default=False)] = None,
    topics: Annotated[list[str] | None, typer.Option(
        "--topics", "-t", help="Topics of the paper: repeat, or separate with commas "
        "(default: every topic).")] = None,
    count: Annotated[int, typer.Option("--count", "-c", min=1,
                                       help="Number of questions.")] = 5,
    minutes: Annotated[float | None, typer.Option(
        "--minutes", "-m", min=0.01, help="Time allowed (default: 6 per question).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", "-s", help="Seed of the paper: the same seed and options give the same "
        "paper (default: random).")] = None,
    difficulty: Annotated[str | None, typer.Option(
        "--difficulty", "-d", help="1 to 5, or a range: 2-4, -2, 4-.")] = None,
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", help="Only problems with one of these tags (repeatable).")] = None,
    save: Annotated[bool, typer.Option(
        "--save/--no-save", help="Record the paper and its marks (in MLDRILL_HOME).")] = True,
) -> None:
    """Sit a timed paper: no hints or verdicts until you submit, then a full report.

    Answers can be revised (back, next, go N) until you submit or the time runs out."""
    from mldrill.cli.env import terminal_for
    from mldrill.cli.exam import run_exam
    from mldrill.practice.choose import exam_plan

    cat = _catalog()
    plan = exam_plan(cat, [*(words or ()), *(topics or ())], count, minutes, seed,
                     difficulty, tag or (), fresh_seed=_random_seed())
    code = run_exam(terminal_for(ctx.obj), cat, plan.families, seed=plan.seed, count=count,
                    minutes=plan.minutes, save=save, settings=plan.settings)
    if code:
        raise SystemExit(ExitStatus(code))


@command()
@handle_errors
def grade(
    path: Annotated[Path, typer.Argument(
        metavar="PATH", help="A student's .py file, notebook (.ipynb) or zipped folder (.zip, "
        ".tar.gz), or a folder with one of those or a sub-folder per student.",
        show_default=False)],
    assignment: Annotated[str | None, typer.Option(
        "--assignment", "-a", help="Grade only this assignment (default: every assignment "
        "whose functions the file defines).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", "-s", help="Seed of the random test inputs (default: random, printed; a "
        "class folder reuses the seed its earlier run stored).")
    ] = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="text, json or gradescope (results.json).")] = "text",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report here (a folder: the gradebook CSV).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0,
                                      help="Students graded at once (0 = all cores).")] = 0,
    key: Annotated[Path | None, typer.Option(
        "--key", "-k", help="For answer files (.yaml): the key folder of `mldrill sheet "
        "new` (default: DIR/key beside DIR/<id>/answers.yaml).")] = None,
) -> None:
    """Grade students' NumPy code (sandboxed, random inputs, against the reference), or
    filled answer files of a sheet (answers.yaml, with --key).

    Exit status: 0 graded (any score), 1 not gradable (syntax or import error, nothing
    recognisable), 3 grader failure."""
    from mldrill.cli.grade import BatchBar, show_grade
    from mldrill.grade.run import GradeRequest, grade_path

    request = GradeRequest(path, seed if seed is not None else _random_seed(), assignment,
                           fmt, output, jobs, key, seed_given=seed is not None)
    run = grade_path(request, BANKS, BatchBar())
    show_grade(run, request)
    raise SystemExit(ExitStatus.of_outcome(run.outcome))


@command("new", group="sheet")
@handle_errors
def sheet_new(
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder to write.")
                   ] = ...,  # type: ignore[assignment]
    topics: Annotated[list[str] | None, typer.Option(
        "--topics", "-t", help="Topics to draw from: repeat, or separate with commas.")
    ] = None,
    problems: Annotated[str | None, typer.Option(
        "--problems", "-p", help="These problem ids, in order (comma-separated).")] = None,
    count: Annotated[int, typer.Option("--count", "-c", min=1,
                                       help="Questions drawn from the topics.")] = 5,
    seed: Annotated[int | None, typer.Option(
        "--seed", "-s", help="Seed of the sheet (default: random, printed).")] = None,
    students: Annotated[Path | None, typer.Option(
        "--students", help="A roster CSV with an 'id' column (and 'name'); without it, one "
        "sheet.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The sheet's title.")] = None,
    exam: Annotated[bool, typer.Option("--exam", help="An exam: cover page, points per "
                                       "question, time allowed.")] = False,
    minutes: Annotated[float | None, typer.Option("--minutes", "-m", min=1,
                                                  help="Time allowed (exams).")] = None,
    shared: Annotated[bool, typer.Option(
        "--shared", help="One variant for the whole room instead of one per student.")
    ] = False,
    difficulty: Annotated[str | None, typer.Option(
        "--difficulty", "-d", help="1 to 5, or a range: 2-4, -2, 4-.")] = None,
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", help="Only problems with one of these tags (repeatable).")] = None,
    secret: Annotated[str | None, typer.Option(
        "--secret", help="Share sheets between instructors: the same secret, seed and roster "
        "give the same sheets (default: this account's secret).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Compile sheet.pdf when "
                                      "pdflatex is installed.")] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print what was written as JSON, "
                                           "for scripts.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the files of an earlier sheet in --out (filled answer files "
        "and keys included).")] = False,
) -> None:
    """Write a sheet per student: sheet.md, sheet.tex (and .pdf), answers.yaml to fill in,
    and the instructor's key/ (reference answers, worked solutions, the secret).

    With --json, what was written (folders, students, problem ids, seeds, PDFs, warnings)
    as JSON: see docs/sheets.md."""
    from mldrill.cli.sheet import render_sheets_made
    from mldrill.sheets.make import SheetRequest, make_sheets

    ids = tuple(p.strip() for p in problems.split(",") if p.strip()) if problems else None
    request = SheetRequest(
        out, seed if seed is not None else _random_seed(), problems=ids,
        topics=tuple(topics or ()), count=count, students=students, title=title, exam=exam,
        minutes=minutes, shared=shared, difficulty=difficulty, tags=tuple(tag or ()),
        secret=secret, pdf=pdf, force=force)
    render_sheets_made(make_sheets(request, _catalog()), json_out)


@command("gradescope", group="export")
@handle_errors
def export_gradescope(
    assignment: Annotated[str, typer.Option(
        "--assignment", "-a", help="The assignment to grade (see `mldrill grade`).")
    ] = ...,  # type: ignore[assignment]
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip to write.")
                      ] = Path("autograder.zip"),
    secret: Annotated[str | None, typer.Option(
        "--secret", help="The secret behind every submission's seed (default: random).")
    ] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an existing --output file that is not an autograder zip.")
    ] = False,
) -> None:
    """Write a Gradescope autograder zip: setup.sh installs mldrill, run_autograder grades
    /autograder/submission into /autograder/results/results.json."""
    from mldrill.cli.grade import render_bundle
    from mldrill.grade.run import export_gradescope as export

    render_bundle(export(BANKS, assignment, output, secret, force=force))


@command()
@handle_errors
def stats(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Your progress: mastery and accuracy per topic, streak, attempts, what is due."""
    from mldrill.cli import render
    from mldrill.progress.stats import stats_of
    from mldrill.progress.store import open_store

    topics = {f.id: f.topic for f in BANKS.listing()}
    with open_store() as store:
        result = stats_of(store, topics)
    if json_out:
        render.dump_json(result.to_json())
    else:
        render.render_stats(result)


@command()
@handle_errors
def history(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1,
                                       help="How many attempts.")] = 20,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    export: Annotated[Path | None, typer.Option(
        "--export", metavar="FILE", help="Write every exam you sat to FILE (JSON) for your "
        "instructor's `mldrill report` (with --student; see docs/report.md).")] = None,
    student: Annotated[str | None, typer.Option(
        "--student", help="Your id on the class roster, recorded in the --export file.")
    ] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an existing --export FILE that is not an earlier export.")
    ] = False,
) -> None:
    """Your recent answers, newest first; --export writes your exams for the instructor."""
    from mldrill.cli import render
    from mldrill.progress.store import open_store

    if export is not None:
        from mldrill.cli.report import render_exported
        from mldrill.report.exam_export import write_export

        with open_store() as store:
            rows = [dict(r) for r in store.attempts(mode="exam")]
        render_exported(write_export(export, student, rows, force=force))
        return
    with open_store() as store:
        rows = [dict(r) for r in store.attempts(limit=limit)]
    if json_out:
        render.dump_json(rows)
    else:
        render.render_history(rows)


@command()
@handle_errors
def report(
    path: Annotated[Path, typer.Argument(
        metavar="PATH", help="A folder of a sheet's answer files, a code batch's gradebook "
        "(.csv) or reports folder, the JSON of `grade --format json`, or a folder of exam "
        "exports (`history --export`).", show_default=False)],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="The HTML file to write (default: <name>-report.html; with "
        "--json, none unless given).")] = None,
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print the report as JSON (shape: docs/report.md).")] = False,
    students: Annotated[Path | None, typer.Option(
        "--students", metavar="DIR", help="Write one small file per student into DIR.")
    ] = None,
    anonymous: Annotated[bool, typer.Option(
        "--anonymous", help="Replace every student id by student-NNN.")] = False,
    key: Annotated[Path | None, typer.Option(
        "--key", "-k", help="For answer files: the key folder of `mldrill sheet new` "
        "(default: DIR/key).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace existing files that are not earlier reports.")] = False,
) -> None:
    """What did the class get wrong? Item analysis, diagnoses, unexplained answers,
    code-test failures and per-student profiles, as a self-contained HTML page."""
    from mldrill.cli.report import render_report_made
    from mldrill.report.run import ReportRequest, make_report

    request = ReportRequest(path, output, json_out, students, anonymous, key, force)
    render_report_made(make_report(request, BANKS), json_out)


def entry() -> None:
    """The `mldrill` console script and `python -m mldrill`: `main()`, then an exit that
    skips the interpreter's last garbage collection. That pass walks every object left
    (numpy's, rich's, the bank index's) only to find cycles to free at exit: about 20 ms
    of a 200 ms `show`. Frozen, they are left to the end of the process. (Files, the
    progress database and temporary folders are closed by the commands themselves, not by
    that pass.)"""
    try:
        main()
    finally:
        import gc

        gc.freeze()


def main(terminal: Terminal | None = None) -> None:
    """The `mldrill` command. `terminal`: what `practice` and `exam` talk to, instead of the
    process's own (mldrill/cli/env.py)."""
    import sys

    from mldrill import THREAD_VARS
    from mldrill.cli import fastpath

    for name in THREAD_VARS:  # before numpy is imported; the user's own setting wins
        os.environ.setdefault(name, "1")
    args = sys.argv[1:]
    call = fastpath.parse(args)
    if call is not None:  # plain arguments: typer would read them the same way
        fastpath.run(call, terminal)
    build_app(invoked_command(args))(prog_name="mldrill", obj=terminal)


ROOT_OPTIONS_WITH_VALUE = ("--bank",)


def invoked_command(args: Sequence[str]) -> str | None:
    """The subcommand the arguments name (the first word after the root options), or
    None (no command: help, --version)."""
    at = command_index(args)
    return None if at is None else args[at]


def command_index(args: Sequence[str]) -> int | None:
    """Where the subcommand's name is in the arguments, or None (no command)."""
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
        elif arg in ROOT_OPTIONS_WITH_VALUE:
            skip = True
        elif arg == "--":
            return None
        elif not arg.startswith("-"):
            return i
    return None


def build_app(only: str | None = None, wrap: Callable[[Callable[..., None]],
                                                      Callable[..., None]] | None = None
              ) -> typer.Typer:
    """The typer app of every command, or (`only`) of just the command or group about to
    run: typer builds each registered command's parameters from its signature (~25 ms for
    all of them); an unknown name keeps them all, for the "no such command" suggestions.
    `wrap`: applied to each function before it is registered (tests record the calls)."""
    import typer

    globals()["typer"] = typer  # the annotations name it; typer evaluates them here
    if only is not None and not any(c.name == only and c.group is None or c.group == only
                                    for c in COMMANDS):
        only = None
    wrap = wrap or (lambda fn: fn)
    app = typer.Typer(**APP_SETTINGS)  # type: ignore[arg-type]
    app.callback()(wrap(root))
    groups: dict[str, typer.Typer] = {}
    for c in COMMANDS:
        if only is not None and (c.group or c.name) != only:
            continue
        if c.group is None:
            app.command(c.name)(wrap(c.fn))
            continue
        if c.group not in groups:
            groups[c.group] = typer.Typer(**GROUPS[c.group])  # type: ignore[arg-type]
            app.add_typer(groups[c.group], name=c.group)
        groups[c.group].command(c.name)(wrap(c.fn))
    return app


_APP: typer.Typer | None = None


def __getattr__(name: str) -> object:
    """`app`: the whole typer app, built on first use (tests invoke it with CliRunner)."""
    global _APP
    if name == "app":
        if _APP is None:
            _APP = build_app()
        return _APP
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
