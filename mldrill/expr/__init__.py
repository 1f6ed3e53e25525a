"""The safe expression language shared by answers, references and parameters.

A map, in the order a text travels:
- `latex` translates a LaTeX answer (`\\frac{1}{2}`, `A^\\top x`) into the answer language,
  through an allow-list of commands (`latex_commands`, rules in `latex_rules`), keeping
  columns; `symbols` holds the Greek letters, scripts and Unicode operators both read;
- `lexer` rewrites what a person types (`2x`, `x^2`, `[1 2; 3 4]`, `A'`) into Python syntax,
  remembering columns for carets;
- `parse` has Python parse it (never evaluate it) and `convert` turns the result, through a
  whitelist of node types, into the closed tree of `nodes` (`Expr`: tree plus source);
- `evaluate` computes a tree with NumPy, calling only the `functions` it is handed (the
  registry says which a student may call), making a product written as on paper (`A x`)
  a scalar or a matrix product once the shapes are known; `sympy_bridge` builds sympy
  from a tree and decides equivalence under a time limit.
"""
