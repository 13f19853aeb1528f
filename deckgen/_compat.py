"""What the oldest Python deckgen supports (3.10) lacks: `tomllib` came in 3.11, and its
forerunner `tomli` (the same parser, installed with deckgen only on 3.10) takes its place."""

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = ["tomllib"]
