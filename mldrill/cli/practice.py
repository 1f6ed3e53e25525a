"""`mldrill practice`: deal problems one at a time and check answers part by part.

Reads answers with `input()` (line editing and history where readline is available); when
stdin is not a terminal it reads lines from stdin, so a session can be scripted. An answer
that cannot be read is shown back with a caret and asked again, never counted. Commands at
any prompt: hint, solution, skip, quit, help.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

from mldrill.cli.render import console, indent_block, plain, render_part_result

HELP = ("Type your answer and press Enter. Commands: hint (next hint), solution (show the "
        "worked solution; the part counts as missed), skip (next part), quit (end the "
        "session), help.")


@dataclass
class Tally:
    points: float = 0.0
    possible: float = 0.0
    by_topic: dict[str, list[float]] = field(default_factory=dict)
    problems: int = 0

    def add(self, topic: str, got: float, possible: float) -> None:
        self.points += got
        self.possible += possible
        t = self.by_topic.setdefault(topic, [0.0, 0.0])
        t[0] += got
        t[1] += possible


class Quit(Exception):
    pass


def _ask(prompt: str) -> str:
    try:
        if sys.stdin.isatty():
            return input(prompt)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        print(prompt + line.rstrip("\n"))
        return line.rstrip("\n")
    except EOFError:
        raise Quit() from None


def _select(cat: Any, topics: list[str], problem: str | None, difficulty: int | None,
            tag: str | None) -> list[Any]:
    from mldrill.bank.schema import did_you_mean
    from mldrill.errors import UsageError

    if problem:
        return [cat.get(problem)]
    families = list(cat.families.values())
    for t in topics:
        if t not in cat.topics():
            raise UsageError(f"no topic '{t}'{did_you_mean(t, cat.topics())}; topics: "
                             f"{', '.join(cat.topics())}")
    if topics:
        families = [f for f in families if f.topic in topics]
    if difficulty:
        families = [f for f in families if f.difficulty == difficulty]
    if tag:
        families = [f for f in families if tag in f.tags]
    if not families:
        raise UsageError("no problems match these filters")
    return sorted(families, key=lambda f: f.id)


def run_practice(cat: Any, topics: list[str], *, problem: str | None, seed: int | None,
                 count: int, difficulty: int | None, tag: str | None, tries: int) -> None:
    import os

    from mldrill.answers.base import check_part
    from mldrill.variants.generate import make_variant
    from mldrill.variants.rng import VariantRNG

    families = _select(cat, topics, problem, difficulty, tag)
    session_seed = seed if seed is not None else int.from_bytes(os.urandom(4), "little") % 100_000
    rng = VariantRNG("practice", session_seed)
    con = console()
    tally = Tally()
    started = time.monotonic()
    plain(con, f"Practice session (seed {session_seed}): {count} problem"
               f"{'s' if count != 1 else ''}. Type 'help' for commands.", "bold")
    try:
        for i in range(count):
            family = families[i % len(families)] if problem else rng.choice(families)
            vseed = rng.integer(0, 99_999)
            variant = make_variant(family, vseed, cat.functions)
            plain(con, "")
            plain(con, f"Problem {i + 1}/{count}: {family.title}", "bold cyan")
            plain(con, f"({family.id}, seed {vseed})", "dim")
            plain(con, variant.prompt.rstrip())
            hints = variant.hints()
            shown_hints = 0
            tally.problems += 1
            for spec, part in zip(family.parts, variant.parts, strict=True):
                label = part.prompt if part.prompt != part.name else ""
                plain(con, f"\n{part.name}: {label}".rstrip(": "), "bold")
                for letter, choice in part.choices:
                    plain(con, f"  {letter}) {choice}")
                plain(con, f"format: {part.form}", "dim")
                got, attempts = 0.0, 0
                while attempts < tries:
                    text = _ask(f"{part.name}> ").strip()
                    low = text.lower()
                    if low in ("quit", "exit", "q"):
                        raise Quit()
                    if low in ("help", "?"):
                        plain(con, HELP)
                        continue
                    if low == "hint":
                        if shown_hints < len(hints):
                            shown_hints += 1
                            plain(con, indent_block(f"hint {shown_hints}/{len(hints)}: ",
                                                    hints[shown_hints - 1].strip()), "yellow")
                        else:
                            plain(con, "no more hints; 'solution' shows the worked solution")
                        continue
                    if low == "solution":
                        plain(con, f"the answer: {variant.answer_text(spec.name)}", "green")
                        sol = variant.solution()
                        if sol:
                            plain(con, sol.rstrip())
                        got = 0.0
                        break
                    if low == "skip":
                        break
                    if not text:
                        continue
                    result = check_part(spec, text, variant.context)
                    render_part_result(con, result, indent="")
                    if result.status in ("invalid", "unanswered"):
                        continue  # not counted: ask again
                    attempts += 1
                    got = result.score
                    if result.status == "correct":
                        break
                    if attempts < tries:
                        plain(con, f"try again ({tries - attempts} "
                                   f"tr{'y' if tries - attempts == 1 else 'ies'} left), "
                                   "or 'hint', 'solution', 'skip'", "dim")
                    else:
                        plain(con, f"the answer was: {variant.answer_text(spec.name)}", "green")
                tally.add(family.topic, got * spec.points, spec.points)
    except Quit:
        pass
    except KeyboardInterrupt:
        plain(con, "\ninterrupted")
    _summary(con, tally, time.monotonic() - started)


def _summary(con: Any, tally: Tally, seconds: float) -> None:
    plain(con, "")
    plain(con, "Session summary", "bold")
    pct = 100 * tally.points / tally.possible if tally.possible else 0.0
    plain(con, f"  score {tally.points:g}/{tally.possible:g} ({pct:.0f}%) over "
               f"{tally.problems} problem{'s' if tally.problems != 1 else ''} in "
               f"{int(seconds // 60)}m{int(seconds % 60):02d}s")
    for topic, (got, possible) in sorted(tally.by_topic.items()):
        plain(con, f"  {topic:<18} {got:g}/{possible:g}")
