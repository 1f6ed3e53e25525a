"""`patterns.lazy` is `re.compile`, compiled on first use."""

from __future__ import annotations

import re

from mldrill.patterns import lazy


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    """match, search, sub, finditer, split and the pattern's own attributes agree."""
    text = "x = 12.5, y=-3e2; Z = .5"
    for source, flags in [(r"(?P<key>\w+)\s*=\s*([-+.\deE]+)", 0), (r"z", re.I),
                          (r"\s*[,;]\s*", 0), (rb"(?m)^a", 0)]:
        eager, deferred = re.compile(source, flags), lazy(source, flags)
        subject = text.encode() if isinstance(source, bytes) else text
        assert deferred.pattern == eager.pattern and deferred.flags == eager.flags
        assert deferred.groupindex == eager.groupindex
        for _ in range(2):  # before and after the attribute is kept
            assert str(deferred.match(subject)) == str(eager.match(subject))
            assert str(deferred.search(subject)) == str(eager.search(subject))
            assert [m.span() for m in deferred.finditer(subject)] == \
                [m.span() for m in eager.finditer(subject)]
            assert deferred.split(subject) == eager.split(subject)
            repl = b"#" if isinstance(source, bytes) else "#"
            assert deferred.sub(repl, subject) == eager.sub(repl, subject)


def test_a_bad_pattern_fails_when_used_not_when_defined() -> None:
    """The error of a bad pattern is re's own, raised at first use."""
    bad = lazy(r"(unclosed")
    try:
        bad.match("x")
    except re.error as e:
        assert "missing )" in str(e)
    else:
        raise AssertionError("a bad pattern was accepted")


def test_importing_the_start_up_modules_compiles_none_of_their_patterns() -> None:
    """The answer, expression and template modules define their patterns lazily: importing
    them compiles none (each would cost 0.1-0.5 ms at every start)."""
    import subprocess
    import sys

    code = (
        "import re, sys\ncompiled = set()\norig = re._compile\n"
        "def spy(p, f):\n    compiled.add(p)\n    return orig(p, f)\n"
        "re._compile = spy\n"
        "import mldrill.answers.base, mldrill.answers.number, mldrill.answers.precision\n"
        "import mldrill.expr.lexer, mldrill.expr.convert, mldrill.variants.template\n"
        "import mldrill.text\nfrom mldrill.patterns import _Lazy\n"
        "mine = [v._args[0] for name, m in list(sys.modules.items())"
        " if name.startswith('mldrill') for v in vars(m).values() if isinstance(v, _Lazy)]\n"
        "print(len(mine), len([p for p in mine if p in compiled]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    lazies, compiled = map(int, out.stdout.split())
    assert lazies >= 10 and compiled == 0, out.stdout
