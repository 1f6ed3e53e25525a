"""The `mldrill` command line: a thin layer that parses arguments, calls one core function
and hands the result to a renderer. Heavy modules (numpy, sympy, yaml) are imported inside
the commands, so `mldrill --help` starts instantly."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from mldrill import __version__
from mldrill.cli.errors import EXIT_BUG, EXIT_NEGATIVE, EXIT_OK, State, handle_errors

app = typer.Typer(
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


class Options:
    banks: list[str] = []
    only_bank: bool = False


def _version(value: bool) -> None:
    if value:
        print(f"mldrill {__version__}")
        raise typer.Exit()


@app.callback()
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
    Options.banks = list(bank or [])
    Options.only_bank = only_bank
    State.debug = debug


def _catalog():  # -> Catalog
    from mldrill.bank.catalog import load_catalog
    from mldrill.errors import UsageError

    if Options.only_bank and not (Options.banks or os.environ.get("MLDRILL_BANK")):
        raise UsageError("--only-bank needs a bank: give --bank DIR or set MLDRILL_BANK")
    cat = load_catalog(Options.banks, bundled=not Options.only_bank, strict=False)
    if cat.diagnostics:
        # one broken file must not stop a student: say so loudly, and go on without it
        from mldrill.cli.render import warn_broken

        warn_broken(cat.diagnostics)
    return cat


def _random_seed() -> int:
    return int.from_bytes(os.urandom(4), "little") % 100_000


@app.command("list")
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
        rows = function_listing(cat, bank_dirs(Options.banks, bundled=not Options.only_bank),
                                topic or (), tag or (), difficulty)
        if json_out:
            render.dump_json(functions_json(rows))
        else:
            render_functions(rows)
        return
    families = _catalog().select(topic or (), tag or (), difficulty)
    if json_out:
        render.dump_json([render.family_json(f) for f in families])
    else:
        render.render_list(families)


@app.command()
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


@app.command()
@handle_errors
def check(
    problem_id: Annotated[str, typer.Argument(metavar="ID", help="Problem id.")],
    answers: Annotated[list[str] | None, typer.Argument(
        metavar="NAME=ANSWER", help="Answers by part name, e.g. dW='[[1, 2], [3, 4]]'.",
        show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", help="The variant's seed (required).")
                    ] = ...,  # type: ignore[assignment]
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Check answers to one variant without a session. Exit 0 if all correct, 1 if not."""
    from mldrill.check import check_answers
    from mldrill.cli import render
    from mldrill.errors import UsageError
    from mldrill.variants.generate import make_variant

    given: dict[str, str] = {}
    for item in answers or []:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"'{item}' is not NAME=ANSWER (e.g. dx='[1, 2]')")
        if name.strip() in given:
            raise UsageError(f"part '{name.strip()}' is answered twice")
        given[name.strip()] = text
    cat = _catalog()
    family = cat.get(problem_id)
    if not given:
        raise UsageError(f"give at least one answer as NAME=ANSWER; the parts of "
                         f"'{problem_id}' are: {', '.join(p.name for p in family.parts)}")
    variant = make_variant(family, seed, cat.functions)
    result = check_answers(variant, given)
    if json_out:
        render.dump_json(result.to_json())
    else:
        render.render_check(result)
    raise typer.Exit(EXIT_OK if result.all_correct else EXIT_NEGATIVE)


@app.command()
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

    outcome = validate_bank(paths or [], Options.banks, bundled=not Options.only_bank,
                            seeds=seeds, jobs=jobs)
    failed = outcome.failed(strict)
    if json_out:
        render.dump_json(outcome.to_json(strict))
    else:
        render.render_validate(outcome.reports, outcome.diagnostics, outcome.files, seeds,
                               strict)
    raise typer.Exit(EXIT_NEGATIVE if failed else EXIT_OK)


@app.command()
@handle_errors
def practice(
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
    from mldrill.cli.practice import run_practice

    cat = _catalog()
    words = list(topics or ())
    ids = [w for w in words if w in cat.families]  # `practice conv-maxpool` works too
    if problem:
        ids.append(problem)
    families = cat.select([w for w in words if w not in ids], tag or (), difficulty, ids)
    problem = problem or (ids[0] if len(ids) == 1 and len(words) == 1 else None)
    session_seed = seed if seed is not None and not problem else _random_seed()
    code = run_practice(cat, families, seed=session_seed, count=count, tries=tries,
                        problem_seed=seed if problem else None, save=save)
    if code:
        raise typer.Exit(code)


@app.command()
@handle_errors
def exam(
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
    from mldrill.cli.exam import run_exam
    from mldrill.errors import UsageError

    cat = _catalog()
    chosen = [t.strip() for item in [*(words or ()), *(topics or ())]
              for t in item.split(",") if t.strip()]
    families = cat.select(chosen, tag or (), difficulty)
    if not families:
        raise UsageError("no problems match the topics, tags and difficulty given")
    paper_seed = seed if seed is not None else _random_seed()
    allowed = minutes if minutes is not None else 6.0 * count
    code = run_exam(cat, families, seed=paper_seed, count=count, minutes=allowed, save=save,
                    settings={"topics": chosen, "count": count, "minutes": allowed,
                              "difficulty": difficulty, "tags": list(tag or ())})
    if code:
        raise typer.Exit(code)


@app.command()
@handle_errors
def grade(
    path: Annotated[Path, typer.Argument(
        metavar="PATH", help="A student's .py file, or a folder with one file or sub-folder "
        "per student.", show_default=False)],
    assignment: Annotated[str | None, typer.Option(
        "--assignment", "-a", help="Grade only this assignment (default: every assignment "
        "whose functions the file defines).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", "-s", help="Seed of the random test inputs (default: random, printed).")
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
    if _is_answers(path):
        raise typer.Exit(_grade_answers(path, key, fmt, output))
    from mldrill.bank.catalog import bank_dirs
    from mldrill.errors import UsageError
    from mldrill.grade.grader import grade_file, load_assignments

    if fmt not in ("text", "json", "gradescope"):
        raise UsageError(f"--format must be text, json or gradescope, not '{fmt}'")
    if not os.path.lexists(path):
        raise UsageError(f"'{path}' does not exist")
    banks = bank_dirs(Options.banks, bundled=not Options.only_bank)
    assignments, diags = load_assignments(banks)
    if diags:
        from mldrill.cli.render import warn_broken

        warn_broken(diags)
    if not assignments:
        raise UsageError("no coding assignments found in the banks")
    used_seed = seed if seed is not None else _random_seed()
    root = path.parent  # nothing below it is followed if a link
    if path.is_dir() and fmt == "gradescope":  # one student's folder (Gradescope's layout)
        from mldrill.grade.submissions import find_submission

        me = find_submission(path, assignments, assignment)
        if me.path is None:
            from mldrill.cli.grade import emit
            from mldrill.grade.report import GradeReport

            emit(GradeReport(str(path), used_seed, "not gradable",
                             message=f"not gradable: {me.problem}").to_gradescope(), output)
            raise typer.Exit(EXIT_NEGATIVE)
        root, path = path, me.path
    if path.is_dir():
        from mldrill.cli.grade import run_batch

        if assignment is not None:
            from mldrill.grade.grader import choose_by_name

            choose_by_name(assignments, assignment)  # an unknown name is a usage error
        code = run_batch(path, assignments, banks=list(Options.banks),
                         bundled=not Options.only_bank, seed=used_seed, only=assignment,
                         jobs=jobs, output=output, fmt=fmt)
        raise typer.Exit(code)
    from mldrill.cli.grade import emit, render_report

    report = grade_file(path, assignments, used_seed, only=assignment, root=root)
    if fmt == "json":
        emit(report.to_json(), output)
    elif fmt == "gradescope":
        emit(report.to_gradescope(), output)
    else:
        from mldrill.text import clean_line

        render_report(report, f"mldrill grade {clean_line(str(path))}"
                              + (f" --assignment {assignment}" if assignment else "")
                              + f" --seed {used_seed}")
    raise typer.Exit({"graded": EXIT_OK, "not gradable": EXIT_NEGATIVE}.get(report.outcome, 3))


def _is_answers(path: Path) -> bool:
    if path.is_dir():
        from mldrill.sheets.answers import has_answer_files

        return has_answer_files(path) and not any(path.glob("*.py")) and not any(
            path.glob("*/*.py"))
    return path.suffix in (".yaml", ".yml") and os.path.lexists(path)


def _grade_answers(path: Path, key: Path | None, fmt: str, output: Path | None) -> int:
    from mldrill.cli.grade import emit
    from mldrill.cli.sheet import render_sheet_batch, render_sheet_grade
    from mldrill.errors import UsageError
    from mldrill.grade.batch import write_gradebook
    from mldrill.sheets.answers import (
        find_key,
        grade_answer_file,
        grade_answer_folder,
        load_spec,
    )

    if fmt not in ("text", "json", "gradescope"):
        raise UsageError(f"--format must be text, json or gradescope, not '{fmt}'")
    single = not path.is_dir()
    key_dir = key or find_key(path if single else path / "x" / "answers.yaml")
    if key_dir is None:
        raise UsageError("give --key DIR/key: the key folder written by `mldrill sheet new`")
    spec = load_spec(key_dir)
    cat = _catalog()
    if single:
        grade = grade_answer_file(path, spec, cat, root=path.parent)
        if fmt == "json":
            emit(grade.to_json(), output)
        elif fmt == "gradescope":
            emit(grade.to_gradescope(), output)
        else:
            render_sheet_grade(grade, key_dir)
        return {"graded": EXIT_OK, "not gradable": EXIT_NEGATIVE}.get(grade.outcome, EXIT_BUG)
    grades = grade_answer_folder(path, spec, cat)  # one bad file is one not-gradable row
    book = output or Path(f"{path.resolve().name}-grades.csv")
    write_gradebook(book, [g.to_row() for g in grades])
    if fmt == "json":
        emit({"gradebook": str(book), "reports": [g.to_json() for g in grades]}, None)
    else:
        render_sheet_batch(grades, book)
    return EXIT_BUG if any(g.outcome == "grader failure" for g in grades) else EXIT_OK


sheet_app = typer.Typer(help="Homework and exam sheets with a variant per student.",
                        no_args_is_help=True)
app.add_typer(sheet_app, name="sheet")


@sheet_app.command("new")
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
) -> None:
    """Write a sheet per student: sheet.md, sheet.tex (and .pdf), answers.yaml to fill in,
    and the instructor's key/ (reference answers, worked solutions, the secret)."""
    from mldrill.errors import UsageError
    from mldrill.progress.store import default_home
    from mldrill.sheets.build import (
        SOLO,
        SheetSpec,
        Student,
        choose_problems,
        instructor_secret,
        read_roster,
        sheet_secret,
    )
    from mldrill.sheets.write import write_sheets

    cat = _catalog()
    if problems:
        ids = tuple(p.strip() for p in problems.split(",") if p.strip())
        for pid in ids:
            cat.get(pid)  # an unknown id is a usage error with suggestions
        if topics:
            raise UsageError("give --problems or --topics, not both")
    else:
        chosen = [t.strip() for item in topics or () for t in item.split(",") if t.strip()]
        families = cat.select(chosen, tag or (), difficulty)
        if not families:
            raise UsageError("no problems match the topics, tags and difficulty given")
        ids = None
    if minutes is not None and not exam:
        raise UsageError("--minutes is for exams: add --exam")
    sheet_seed = seed if seed is not None else _random_seed()
    if ids is None:
        ids = choose_problems(families, count, sheet_seed)
    roster = read_roster(students) if students else (Student(SOLO),)
    base = secret if secret is not None else instructor_secret(default_home())
    spec = SheetSpec(title or ("Exam" if exam else "Homework"), sheet_seed, ids,
                     sheet_secret(base, sheet_seed), exam, minutes, shared, roster)
    result = write_sheets(spec, cat, out, pdf=pdf)
    print(f"wrote {len(result.folders)} sheet{'s' if len(result.folders) != 1 else ''} "
          f"({len(ids)} questions, seed {sheet_seed}) to {out}/; the key is in {out}/key/ "
          "(keep it from students)")
    if pdf and result.pdf_engine is None:
        print("no pdflatex found: sheet.tex written, not compiled")
    elif result.pdfs:
        print(f"compiled {result.pdfs} PDFs with {result.pdf_engine}")
    for err in result.pdf_errors:
        print(f"warning: could not compile {err}")
    print(f"grade the answers with: mldrill grade {out}/<id>/answers.yaml "
          f"(or the folder of collected answer files) --key {out}/key")


export_app = typer.Typer(help="Export for other systems (Gradescope).", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("gradescope")
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
) -> None:
    """Write a Gradescope autograder zip: setup.sh installs mldrill, run_autograder grades
    /autograder/submission into /autograder/results/results.json."""
    from mldrill.bank.catalog import bank_dirs
    from mldrill.grade.export import build_bundle
    from mldrill.grade.grader import choose_by_name, load_assignments

    banks = bank_dirs(Options.banks, bundled=not Options.only_bank)
    assignments, diags = load_assignments(banks)
    if diags:
        from mldrill.cli.render import warn_broken

        warn_broken(diags)
    (chosen,) = choose_by_name(assignments, assignment)
    path = build_bundle(output, chosen, [b.root for b in banks], secret)
    print(f"wrote {path} (assignment {chosen.name}); upload it as the autograder. "
          "Keep it private: it holds the secret behind every submission's inputs.")


@app.command()
@handle_errors
def stats(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Your progress: mastery and accuracy per topic, streak, attempts, what is due."""
    from mldrill.cli import render
    from mldrill.progress.stats import compute
    from mldrill.progress.store import open_store

    cat = _catalog()
    with open_store() as store:
        result = compute([dict(r) for r in store.attempts()], [dict(r) for r in store.cards()],
                         {f.id: f.topic for f in cat.families.values()})
    if json_out:
        render.dump_json(result.to_json())
    else:
        render.render_stats(result)


@app.command()
@handle_errors
def history(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1,
                                       help="How many attempts.")] = 20,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Your recent answers, newest first."""
    from mldrill.cli import render
    from mldrill.progress.store import open_store

    with open_store() as store:
        rows = [dict(r) for r in store.attempts(limit=limit)]
    if json_out:
        render.dump_json(rows)
    else:
        render.render_history(rows)


def main() -> None:
    app(prog_name="mldrill")
