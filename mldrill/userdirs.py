"""Where mldrill keeps its bank cache and progress by default: platformdirs' answer,
without importing platformdirs when the answer is plain.

Importing platformdirs costs 8-10 ms at every start (its Unix module imports tempfile,
shutil, bz2 and lzma), a tenth of `python -c "import typer"`, for one folder name. On Linux
the XDG Base Directory rule gives that name in the plain cases: `$XDG_CACHE_HOME/mldrill`
when the variable is an absolute path, else `~/.cache/mldrill` when it is unset or empty and
`$HOME` is an absolute path (the same for `XDG_DATA_HOME` and `~/.local/share`). Every
platformdirs version answers those cases alike. Anything else (another system, a relative or
missing `$HOME`, a relative XDG variable) is platformdirs' to answer.
`tests/progress/test_userdirs.py` holds the two to the same folder.
"""

from __future__ import annotations

import os
import sys

APP = "mldrill"
_XDG = {"cache": ("XDG_CACHE_HOME", "~/.cache"), "data": ("XDG_DATA_HOME", "~/.local/share")}


def plain_dir(kind: str) -> str | None:
    """The XDG folder of `kind` ("cache" or "data") when the rule is plain, else None."""
    if not sys.platform.startswith("linux"):
        return None
    variable, default = _XDG[kind]
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return os.path.join(value, APP)
    home = os.environ.get("HOME", "")
    if value or not os.path.isabs(home):
        return None  # a relative XDG value or HOME: versions of platformdirs differ
    return os.path.join(os.path.expanduser(default), APP)


def user_dir(kind: str) -> str:
    """mldrill's user folder of `kind` ("cache" or "data"), as platformdirs names it."""
    plain = plain_dir(kind)
    if plain is not None:
        return plain
    import platformdirs

    if kind == "cache":
        return platformdirs.user_cache_dir(APP, appauthor=False)
    return platformdirs.user_data_dir(APP, appauthor=False)
