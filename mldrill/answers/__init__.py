"""Answer kinds, each a registered checker. Importing this package registers the built-ins.

- `base`: the kind interface, `PartResult`, `check_part` (one answer to one part: read,
  compare, catalogued mistakes, generic diagnoses); `diagnose` holds the generic ones.
- `number`, `matrix`, `expression`, `matrix_expression`, `choice`: the built-in kinds.
- `follow`: follow-through: a part judged on the student's own earlier answers (`judge`,
  the one entry point every front end uses).

To add a kind: subclass `AnswerKind[V]` (V: the value it reads answers as and compares) in a
new module here, decorate it with `@register_kind`, and name the module in
`base.BUILTIN_KINDS` (which imports it when the kind is first looked up).
"""

from mldrill.answers.base import KINDS, Context, PartResult, check_part

__all__ = ["KINDS", "Context", "PartResult", "check_part"]
