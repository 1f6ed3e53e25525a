"""The safe expression language shared by answers, references and parameters."""
