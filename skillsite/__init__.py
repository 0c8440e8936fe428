"""skillsite: a static site generator for curated career articles."""

__version__ = "0.1.0"
