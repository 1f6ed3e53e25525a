"""Answer kinds: the registry, the verdict data, and the shared checking flow.

An answer kind knows how to compute a target from a reference (or mistake) expression,
how to read a student's text, whether two values agree, and what generic diagnoses apply.
`check_part` runs the same flow for every kind:

    read the answer  -> invalid (with a caret) if it cannot be read; never counted
    compare          -> correct
    mistakes         -> the problem's own catalogue of known wrong answers, first
    generic          -> transposed, sign, constant factor, off by one, missing 1/N, ...
    otherwise        -> incorrect, with what can be said (wrong entries, shapes)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, cast

from mldrill.bank.model import PartSpec, Tolerance
from mldrill.errors import AnswerParseError, EvaluationError, MldrillError
from mldrill.expr.evaluate import evaluate
from mldrill.expr.functions import CONSTANTS
from mldrill.patterns import lazy
from mldrill.record import field, record
from mldrill.score import Score
from mldrill.values import as_float
from mldrill.variants.template import render

if TYPE_CHECKING:
    from mldrill.answers.follow import FollowThrough
    from mldrill.values import Functions, JsonObject, Value

V = TypeVar("V")  # the values one answer kind reads and compares
T = TypeVar("T")

# parameter names that conventionally count things: n, N, m, M, n_samples, batch, num_x...
COUNT_NAME = lazy(r"^(?:[nNmM]|[nN]_\w+|num_?\w*|n?samples?|batch(?:_size)?|count\w*|"
                        r"[nN][A-Z]?\w*_count)$")

Status = Literal["correct", "incorrect", "invalid", "unanswered"]


@record(frozen=True)
class PartResult:
    """The verdict on one part: data, to render, dump as JSON or assert on."""

    name: str
    status: Status
    credit: float  # the fraction of the part's points earned, in [0, 1]
    messages: tuple[str, ...] = ()
    diagnosis: str | None = None  # a tag: 'transposed', 'sign', 'mistake:flipped-kernel', ...
    read_as: str | None = None  # how the answer was understood, e.g. "2*x**2"
    points: float = 1.0
    error_col: int | None = None  # for invalid answers: where the caret goes
    follow_through: FollowThrough | None = None  # credit earned on own earlier answers
    # Feedback that gives the answer away (a catalogued mistake's `reveal:`): a front end
    # shows it only once the student has no try left on the part.
    revealing: tuple[str, ...] = ()

    @property
    def score(self) -> Score:
        """The credit as points out of the part's points."""
        return Score.of_fraction(self.credit, self.points)

    @property
    def shown(self) -> tuple[str, ...]:
        """Every message, the revealing ones too: what a final verdict shows."""
        return (*self.messages, *self.revealing)

    @property
    def counted(self) -> bool:
        """Invalid and unanswered parts are not attempts."""
        return self.status in ("correct", "incorrect")

    def to_json(self) -> JsonObject:
        return {
            "name": self.name,
            "status": self.status,
            "score": self.credit,
            "points": self.points,
            "messages": list(self.shown),
            "diagnosis": self.diagnosis,
            "read_as": self.read_as,
            "follow_through": self.follow_through.to_json() if self.follow_through else None,
        }


@record
class Context:
    """What a checker may know about the variant it is checking against."""

    problem_id: str
    seed: int
    params: Mapping[str, Value]
    functions: Functions  # for references (incl. solutions/)
    cache: dict[Hashable, object] = field(default_factory=dict)

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key for this variant, then the same value (not a copy)."""
        if key not in self.cache:
            self.cache[key] = compute()
        return cast(T, self.cache[key])

    def int_params(self) -> dict[str, int]:
        """Integer-valued scalar parameters that name a count (n, N, m, batch, ...), for
        'did you forget to divide by N?'. A value such as x = 3 is not a count."""
        out = {}
        for k, v in self.params.items():
            if not COUNT_NAME.match(k):
                continue
            try:
                if hasattr(v, "shape") and getattr(v, "shape", ()) != ():
                    continue
                f = as_float(v)
            except (TypeError, ValueError):
                continue
            if f.is_integer() and abs(f) > 1 and not isinstance(v, bool):
                out[k] = int(f)
        return out


@record(frozen=True)
class Finding:
    """A generic diagnosis: a tag and a sentence for the student."""

    tag: str
    message: str


class AnswerKind(Generic[V]):
    """Base class for answer kinds. Subclasses register with @register_kind.

    `V` is what the kind reads an answer as and compares (a float, an array, a set of
    letters, ...): `target` and `read` make one, the other hooks take two."""

    name: ClassVar[str]
    summary: ClassVar[str] = ""
    # option name -> one-line description (validated by the schema, with did-you-mean)
    options: ClassVar[dict[str, str]] = {}
    # human description of the expected form, shown in prompts and answer files
    form: ClassVar[str] = ""

    # -- hooks ---------------------------------------------------------------------------
    def form_for(self, spec: PartSpec) -> str:
        """How to type an answer to this part (shown under its prompt)."""
        return self.form

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> V:
        """Value of a reference or mistake expression for this variant."""
        raise NotImplementedError

    def read(self, text: str, spec: PartSpec, ctx: Context) -> tuple[V, str | None]:
        """(value, read_as) of a student's text; raise AnswerParseError if unreadable."""
        raise NotImplementedError

    def agree(self, value: V, target: V, spec: PartSpec, ctx: Context) -> bool:
        raise NotImplementedError

    def format(self, target: V, spec: PartSpec, ctx: Context) -> str:
        """Answer text for `target` that `read` accepts (the key in `show --solution`)."""
        raise NotImplementedError

    def confirm(self, value: V, target: V, spec: PartSpec, ctx: Context) -> list[str]:
        """Notes on an answer that agreed (e.g. whether sympy confirmed it)."""
        return []

    def diagnose(self, value: V, target: V, spec: PartSpec, ctx: Context) -> Finding | None:
        return None

    def partial(self, value: V, target: V, spec: PartSpec) -> float:
        """Credit for a wrong answer that is partly right (select-all choices)."""
        return 0.0

    def explain(self, value: V, target: V, spec: PartSpec, ctx: Context) -> list[str]:
        """Extra facts about a wrong answer (which entries are wrong, ...)."""
        return []

    def written_as(self, expr: str, spec: PartSpec, ctx: Context) -> str | None:
        """For a catalogued mistake that cannot be computed on the part's inputs (a shape
        error is the mistake): the text a student would type for it, matched by its
        structure instead of its values. None: this kind matches values only."""
        return None

    def same_text(self, value: V, typed: str) -> bool:
        """Is `value` (a student's answer) the expression `typed`, structurally?"""
        return False

    def precheck(self, text: str, value: V, target: V, spec: PartSpec, ctx: Context
                 ) -> PartResult | None:
        """A verdict that short-circuits comparison (e.g. too few digits: re-ask)."""
        return None

    def option_errors(self, options: Mapping[str, Value]) -> list[tuple[str, str]]:
        """(option key, message) pairs for invalid option values."""
        return []


# The built-in kinds by the module that registers them, imported when a kind is first
# looked up: a command that meets only numbers never imports the expression kinds.
BUILTIN_KINDS = {"number": "number", "integer": "number", "vector": "matrix",
                 "matrix": "matrix", "choice": "choice", "shape": "choice",
                 "expression": "expression", "matrix_expression": "matrix_expression"}


class KindRegistry(Mapping[str, "AnswerKind[Any]"]):
    """Every answer kind by name: the built-ins (each module imported on first use) and any
    registered with @register_kind. Behaves as a dict of all of them."""

    def __init__(self) -> None:
        self._kinds: dict[str, AnswerKind[Any]] = {}

    def add(self, kind: AnswerKind[Any]) -> None:
        self._kinds[kind.name] = kind

    def __getitem__(self, name: str) -> AnswerKind[Any]:
        if name not in self._kinds and name in BUILTIN_KINDS:
            import importlib

            importlib.import_module(f"mldrill.answers.{BUILTIN_KINDS[name]}")
        return self._kinds[name]

    def __contains__(self, name: object) -> bool:
        return name in self._kinds or name in BUILTIN_KINDS

    def __iter__(self) -> Iterator[str]:
        for name in BUILTIN_KINDS:
            self[name]
        return iter(list(self._kinds))

    def __len__(self) -> int:
        return sum(1 for _ in self)


# Each kind compares values of its own type, which one registry cannot name: code that
# takes a kind from here is generic in it (`cached_target`, `_judge`).
KINDS = KindRegistry()
K = TypeVar("K", bound=AnswerKind[Any])


def register_kind(cls: type[K]) -> type[K]:
    KINDS.add(cls())
    return cls


def cached_target(kind: AnswerKind[V], expr: str, spec: PartSpec, ctx: Context) -> V:
    """The kind's target for a reference or mistake expression, once per variant."""
    return ctx.cached(("target", spec.name, expr), lambda: kind.target(expr, spec, ctx))


def _verdict(spec: PartSpec, status: Status, credit: float, **extra: Any) -> PartResult:
    return PartResult(spec.name, status, credit, points=spec.points, **extra)


def check_part(spec: PartSpec, text: str | None, ctx: Context) -> PartResult:
    """Judge one answer to one part. Never raises for anything the student typed."""
    return _judge(KINDS[spec.kind], spec, text, ctx)


def _judge(kind: AnswerKind[V], spec: PartSpec, text: str | None, ctx: Context) -> PartResult:
    if text is None or not str(text).strip():
        return _verdict(spec, status="unanswered", credit=0.0,
                          messages=("no answer given",))
    text = str(text)
    try:
        value, read_as = kind.read(text, spec, ctx)
    except AnswerParseError as exc:
        return _verdict(spec, status="invalid", credit=0.0, messages=(exc.render(),),
                          diagnosis="unreadable", error_col=exc.col)
    except EvaluationError as exc:
        return _verdict(spec, status="invalid", credit=0.0,
                          messages=(f"could not evaluate your answer: {exc.message}",),
                          diagnosis="unreadable")
    target = cached_target(kind, spec.answer, spec, ctx)
    if kind.agree(value, target, spec, ctx):
        notes = tuple(kind.confirm(value, target, spec, ctx))
        return _verdict(spec, status="correct", credit=1.0, read_as=read_as,
                          messages=notes)
    for mistake in spec.mistakes:
        try:
            wrong = cached_target(kind, mistake.answer, spec, ctx)
            matches = kind.agree(value, wrong, spec, ctx)
        except (AnswerParseError, EvaluationError, ValueError, ArithmeticError):
            # a slip that cannot be computed here (Z @ (Y - X) for Z.T @ (Y - X)) matches
            # an answer written the same way, where the kind can tell
            written = kind.written_as(mistake.answer, spec, ctx)
            matches = written is not None and kind.same_text(value, written)
        if matches:
            shown, held = _held_back(kind, rendered(mistake.feedback, ctx), target, spec, ctx)
            reveal = (rendered(mistake.reveal, ctx),) if mistake.reveal else ()
            return _verdict(spec, status="incorrect", credit=mistake.credit,
                            messages=(shown,), revealing=(*held, *reveal),
                            diagnosis=f"mistake:{mistake.tag}", read_as=read_as)
    # after the catalogue: an exact catalogued mistake beats "give more digits"
    early = kind.precheck(text, value, target, spec, ctx)
    if early is not None:
        return early
    finding = kind.diagnose(value, target, spec, ctx)
    messages = [finding.message] if finding else []
    messages += kind.explain(value, target, spec, ctx)
    return _verdict(spec, status="incorrect", credit=kind.partial(value, target, spec),
                      messages=tuple(messages), diagnosis=finding.tag if finding else None,
                      read_as=read_as)


STRUCTURED = ("vector", "matrix", "shape", "expression", "matrix_expression")


def leak_finder(kind: AnswerKind[V], target: V, spec: PartSpec, ctx: Context,
                given: str = "") -> Callable[[str], str | None] | None:
    """A function giving the first thing in a text that states the part's answer: a number
    or a sum the part would accept (number and integer parts), or a bracketed vector,
    matrix or shape, a rendered matrix grid, or the right-hand side of an '=' that reads as
    an accepted answer (the other kinds). Whatever is already in `given` (the prompt) does
    not count. None for kinds where a text cannot state the answer (choices)."""
    from mldrill.answers.reveals import revealing, revealing_text

    if spec.kind in ("number", "integer"):
        def accepts(v: float) -> bool:
            try:
                return bool(kind.agree(cast(V, v), target, spec, ctx))
            except (TypeError, ValueError, ArithmeticError):
                return False

        return lambda text: revealing(text, accepts, given)
    if spec.kind not in STRUCTURED:
        return None

    def reads_right(text: str) -> bool:
        try:
            value, _ = kind.read(text, spec, ctx)
            return bool(kind.agree(value, target, spec, ctx))
        except (MldrillError, TypeError, ValueError, ArithmeticError, RecursionError):
            return False

    return lambda text: revealing_text(text, reads_right, given)


def _held_back(kind: AnswerKind[V], feedback: str, target: V, spec: PartSpec, ctx: Context
               ) -> tuple[str, tuple[str, ...]]:
    """The feedback to show while a try is left, and the sentences held back until the last
    try because they state the answer (see leak_finder): whatever an author wrote, a copied
    answer never earns a retry's credit."""
    leak = leak_finder(kind, target, spec, ctx)
    if leak is None or leak(feedback) is None:
        return feedback, ()
    # sentences, and the clause after a colon ("The sign is flipped: dL/dz = p - 0.")
    sentences = re.split(r"(?<=[.;!?])\s+(?=[A-Z(])|(?<=:)\s+", feedback.strip())
    keep = [s for s in sentences if leak(s) is None]
    held = [s for s in sentences if s not in keep]
    keep = [s[:-1] + "." if s.endswith(":") else s for s in keep]
    shown = " ".join(keep) if keep else "This is a known slip; the worked numbers are shown " \
        "after your last try."
    if keep:
        shown += " (The numbers follow after your last try.)"
    return shown, (" ".join(held),)


def rendered(template: str, ctx: Context) -> str:
    """A feedback template filled in with the variant's values (as written if it fails)."""
    try:
        return render(template, ctx.params, ctx.functions)
    except (AnswerParseError, EvaluationError):
        return template


def reference_value(text: str, ctx: Context, extra: Mapping[str, Value] | None = None
                    ) -> Value:
    """Evaluate a reference/mistake expression over the variant's parameters."""
    env: dict[str, Value] = {**CONSTANTS, **ctx.params}
    if extra:
        env.update(extra)
    from mldrill.expr.parse import parse_reference

    return evaluate(parse_reference(text), env, ctx.functions, exact_ints=True)


def close(a: float, b: float, tol: Tolerance) -> bool:
    """|a - b| within the tolerance (relative to b, or absolute)."""
    if a == b:
        return True
    diff = abs(a - b)
    return diff <= tol.abs or diff <= tol.rel * abs(b)
