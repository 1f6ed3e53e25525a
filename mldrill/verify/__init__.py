"""Self-checks of the bank: independent verification methods and the validate run."""
