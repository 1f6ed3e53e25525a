"""The problem bank: YAML files with positions, the schema, the catalogue of families.

- `yamlsrc` reads YAML keeping `line:col` for every key; `lint` is the checker behind every
  diagnostic; `schema` (the problem), `schema_parts` (parts, mistakes, tolerances) and
  `schema_follow` (`follows:`, `follow_credit:`) build the typed `model`.
- `catalog` finds the banks and loads every family (broken files reported, not fatal);
  `solutions` loads a bank's reference functions; `cache` keeps checked files by digest.
"""
