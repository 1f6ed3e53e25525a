"""Self-checks of the bank: independent verification methods and the validate run.

- `methods`: the registered verification methods (`equal`, `finite_difference`) and the
  project's one numerical gradient.
- `selftest`: one family over many seeds (references accepted, mistakes diagnosed,
  verifications agree, enough distinct variants); `follow_check`: its follow-through part
  (wrong earlier answers put in, the recomputed answer accepted, a further-wrong one not).
- `run`: `mldrill validate` over files and folders, across cores.
"""
