"""The schema of follow-through: `follows:` and `follow_credit:` on parts (and the problem).

    follows: [J]            # the answer names part J: J stands for the student's J
    follows: {Jref: J}      # the derived parameter Jref is part J's answer
    follow_credit: 0.5      # follow-through earns half the part's points (default: all)

Only earlier parts with a numeric answer (number, integer, vector, matrix) can be followed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from mldrill.bank.lint import Checker, did_you_mean, type_name
from mldrill.bank.yamlsrc import PathKey
from mldrill.errors import AnswerParseError
from mldrill.expr.parse import parse_reference

CARRIED_KINDS = ("number", "integer", "vector", "matrix")


def names_in(text: str | None) -> frozenset[str]:
    """The names an expression uses (none if it cannot be read: that is reported apart)."""
    if not text:
        return frozenset()
    try:
        return parse_reference(text).names
    except AnswerParseError:
        return frozenset()


def check_follows(c: Checker, raw: object, key: PathKey, earlier: Mapping[str, str],
                  params: Collection[str], answer_names: Collection[str]
                  ) -> tuple[tuple[str, str], ...]:
    """The declared (name, earlier part) pairs of one part. `earlier` maps each earlier
    part's name to its kind; `params` are the problem's parameter names."""
    if raw is None:
        return ()
    fkey = (*key, "follows")
    if isinstance(raw, list):
        pairs = [(str(p), p) for p in raw]
    elif isinstance(raw, dict):
        pairs = [(str(k), v) for k, v in raw.items()]
    else:
        c.err(fkey, "follows must be a list of earlier parts, e.g. [J], or a mapping of a "
                    f"derived parameter to the part it stands for, e.g. {{Jref: J}}; got "
                    f"{type_name(raw)}")
        return ()
    out = []
    for env, part in pairs:
        if not isinstance(part, str) or part not in earlier:
            c.err(fkey, f"follows names '{part}', which is not an earlier part"
                        f"{did_you_mean(str(part), earlier)}; earlier parts: "
                        f"{', '.join(earlier) or 'none'}")
            continue
        if earlier[part] not in CARRIED_KINDS:
            c.err(fkey, f"part '{part}' is a '{earlier[part]}' answer: only "
                        f"{', '.join(CARRIED_KINDS)} answers can be carried forward")
            continue
        if env != part and env not in params:
            c.err(fkey, f"'{env}' is not a parameter; write {{param: part}}, e.g. "
                        f"{{{part}ref: {part}}}, where the derived parameter stands for the "
                        "part's answer")
            continue
        if env == part and part in params:
            c.err(fkey, f"'{part}' is both a parameter and a part: name the parameter that "
                        f"stands for part {part}'s answer, e.g. {{{part}ref: {part}}}")
            continue
        if env not in answer_names and env != part:
            c.err(fkey, f"the answer does not use '{env}', so nothing follows through "
                        f"from {part}")
            continue
        out.append((env, part))
    return tuple(out)


def check_credit(c: Checker, raw: object, key: PathKey) -> float | None:
    """A follow_credit: a fraction in [0, 1]."""
    if raw is None:
        return None
    if not isinstance(raw, (int, float)) or isinstance(raw, bool) or not 0 <= raw <= 1:
        c.err((*key, "follow_credit"), "follow_credit must be a number in [0, 1] (the "
                                       f"fraction of the points follow-through earns), got "
                                       f"{raw!r}")
        return None
    return float(raw)
