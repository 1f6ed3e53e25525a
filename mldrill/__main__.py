"""`python -m mldrill` runs the same CLI as the `mldrill` script."""

from mldrill.cli.app import entry

if __name__ == "__main__":
    entry()
