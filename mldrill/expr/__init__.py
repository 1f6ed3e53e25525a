"""The safe expression language shared by answers, references and parameters.

A map, in the order a text travels:
- `lexer` rewrites what a person types (`2x`, `x^2`, `[1 2; 3 4]`, `A'`) into Python syntax,
  remembering columns for carets;
- `parse` has Python parse it (never evaluate it) and `convert` turns the result, through a
  whitelist of node types, into the closed tree of `nodes` (`Expr`: tree plus source);
- `evaluate` computes a tree with NumPy, calling only the `functions` it is handed (the
  registry says which a student may call); `sympy_bridge` builds sympy from a tree and
  decides equivalence under a time limit.
"""
