"""How ``serve`` tells a moderator about warnings: errors show in the browser, warnings
(text that looks garbled, a paragraph shown as code, a link removed) in the terminal, as
``build`` and ``check`` print them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .model import Diagnostic


def log_warnings(diagnostics: Iterable[Diagnostic], log: Callable[[str], None]) -> None:
    """``log`` each warning of ``diagnostics``, as printed by ``build``."""
    for diagnostic in diagnostics:
        if diagnostic.severity == "warning":
            log(diagnostic.format())
