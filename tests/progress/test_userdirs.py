"""mldrill's default folders are platformdirs' folders, whether or not platformdirs is
asked (`mldrill/userdirs.py` answers the plain XDG cases itself, to start faster)."""

from __future__ import annotations

import itertools
import sys

import platformdirs
import pytest

from mldrill import userdirs

HOMES = [None, "", "/home/ada", "/home/ada/", "/", "relative/home", "~", "/home/with space"]
XDGS = [None, "", "  ", "/x/cache", "/x/cache/", "/", "relative/cache", "./c", "~/c",
        "/a/../b"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize("kind, variable", [("cache", "XDG_CACHE_HOME"),
                                            ("data", "XDG_DATA_HOME")])
def test_every_home_and_xdg_setting_gives_platformdirs_folder(monkeypatch, kind,
                                                              variable) -> None:
    """For every HOME (unset, empty, absolute, relative, '/') and XDG value (unset, empty,
    blank, absolute, relative, with '..'): the same folder as platformdirs."""
    ask = {"cache": platformdirs.user_cache_dir, "data": platformdirs.user_data_dir}[kind]
    plain_cases = 0
    for home, xdg in itertools.product(HOMES, XDGS):
        for name, value in (("HOME", home), (variable, xdg)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        try:
            expected = ask("mldrill", appauthor=False)
        except RuntimeError:  # platformdirs: no home directory to be found
            assert userdirs.plain_dir(kind) is None
            continue
        plain_cases += userdirs.plain_dir(kind) is not None
        assert userdirs.user_dir(kind) == expected, (home, xdg)
    assert plain_cases >= 20  # most settings are answered without platformdirs


def test_another_system_asks_platformdirs(monkeypatch) -> None:
    """Off Linux the rule is not XDG's: platformdirs answers."""
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("XDG_CACHE_HOME", "/x/cache")
    assert userdirs.plain_dir("cache") is None and userdirs.plain_dir("data") is None


def test_a_plain_start_does_not_import_platformdirs(tmp_path) -> None:
    """With an absolute HOME, the bank cache and the progress database are found without
    importing platformdirs."""
    import os
    import subprocess

    code = ("import sys\nfrom mldrill.bank.cache import cache_root\n"
            "from mldrill.progress.store import default_home\n"
            "print(cache_root(), default_home(), 'platformdirs' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLDRILL_", "XDG_"))}
    env["HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.stdout.split() == [str(tmp_path / ".cache" / "mldrill"),
                                  str(tmp_path / ".local" / "share" / "mldrill"),
                                  "False"], out.stderr[-2000:]
