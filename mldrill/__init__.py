"""mldrill: practise and grade the mathematics of machine learning."""

__version__ = "0.1.0"
