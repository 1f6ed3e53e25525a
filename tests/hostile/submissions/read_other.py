"""Reads another student's submission from the batch folder."""

OTHER = ""  # the test writes the path here


def steal():
    with open(OTHER) as f:
        return f.read()
