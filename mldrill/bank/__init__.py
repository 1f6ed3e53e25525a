"""The problem bank: YAML files with positions, the schema, the catalogue of families."""
