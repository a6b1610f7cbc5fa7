"""The distribution version, kept in one place for hatch and the CLI."""

__version__ = "0.1.0"
