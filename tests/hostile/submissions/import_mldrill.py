"""Imports mldrill to reach the reference solutions through the package."""

import importlib
import sys


def naive():
    import mldrill

    return repr(mldrill)


def determined():
    sys.modules.pop("mldrill", None)
    sys.path.append("/work/main")  # an editable install's root, if there is one
    importlib.invalidate_caches()
    import mldrill.grade.sandbox

    return repr(mldrill.grade.sandbox)
