"""``python -m skillsite``."""

from .cli import main

main()
