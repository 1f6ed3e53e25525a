"""Answer kinds, each a registered checker. Importing this package registers the built-ins.

To add a kind: subclass `AnswerKind[V]` (V: the value it reads answers as and compares) in a
new module here, decorate it with `@register_kind`, and import the module below.
"""

from mldrill.answers import choice, expression, matrix, matrix_expression, number  # noqa: F401
from mldrill.answers.base import KINDS, Context, PartResult, check_part

__all__ = ["KINDS", "Context", "PartResult", "check_part"]
