"""Code highlighting at build time, with Pygments: no script runs in the reader's browser.

A fenced block whose language Pygments knows (```python, ```js...) becomes
``<pre class="highlight"><code class="language-python">`` with a ``<span class="k">`` per
token; any other block (no language, an unknown one, plain text) stays as it was, plain. No
line numbers. The spans' classes are Pygments' short token names, the only ones the
sanitiser lets onto a <span> (sanitize.py); their colours are the theme's, in one section of
its style.css made by ``python -m skillsite.highlight`` from two Pygments styles, one for
light and one for dark reading, each with every colour at 4.5:1 or more on its background.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from markdown_it.common.utils import unescapeAll
from markdown_it.token import Token
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Token as RootToken
from pygments.util import ClassNotFound

MAX_HIGHLIGHTED = 200_000
"""Characters of code highlighted in one article (Pygments lexes about 0.3 MB a second);
code past them is shown plain."""
LIGHT_STYLE, DARK_STYLE = "xcode", "lightbulb"
"""Pygments styles whose every colour reads at 4.5:1 or more on their own background."""
TOKEN_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name)
"""The classes highlighted code carries: Pygments' short names of token types."""
BLOCK_CLASS = "highlight"
"""The class of a highlighted block's <pre>."""
_FORMATTER = HtmlFormatter(nowrap=True)


@functools.lru_cache(maxsize=64)
def lexer_for(language: str) -> Lexer | None:
    """The lexer for a fence's language (any name or alias Pygments knows, in any case);
    None for an unknown language and for plain text."""
    try:
        lexer = get_lexer_by_name(language.lower(), stripnl=False, ensurenl=True)
    except (ClassNotFound, ValueError):
        return None
    return None if isinstance(lexer, TextLexer) else lexer


BUDGET = "highlight-budget"
"""The key of the render environment that holds a ``Budget``: code is highlighted only
where a render is given one (an import's parse highlights nothing)."""


@dataclass(slots=True)
class Budget:
    """What is left of one article's MAX_HIGHLIGHTED, shared by its nested renders."""

    left: int = MAX_HIGHLIGHTED


def render_fence(self, tokens: list[Token], index: int, options, env) -> str:
    """markdown-it's fence renderer, with a block in a language Pygments knows highlighted
    while the article's budget lasts."""
    token, budget = tokens[index], (env or {}).get(BUDGET)
    words = unescapeAll(token.info).split(maxsplit=1) if token.info else []  # language, then title="a.py"...
    lexer = lexer_for(words[0]) if words and budget is not None else None
    if lexer is None or len(token.content) > budget.left:
        return self.fence(tokens, index, options, env)
    budget.left -= len(token.content)
    return (f'<pre class="{BLOCK_CLASS}"><code class="language-{_attribute(words[0])}">'
            f"{pygments_highlight(token.content, lexer, _FORMATTER)}</code></pre>\n")


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


# --- the stylesheet's section ---------------------------------------------------------------------

SECTION_START = "/* --- Code highlighting: made by `python -m skillsite.highlight` from Pygments' styles"


def scheme_rules(style_name: str) -> tuple[str, list[tuple[str, str]]]:
    """(the block's declarations, [(token class, its declarations)]) for one Pygments style:
    every class is given its colour and weight in full, so the dark rules override every
    light one."""
    style = get_style_by_name(style_name)
    text = style.style_for_token(RootToken)["color"]
    dark = _luminance(style.background_color) < 0.2
    default = f"#{text}" if text else ("#ffffff" if dark else "#000000")
    rules = []
    for token_type, name in sorted(STANDARD_TYPES.items(), key=lambda item: item[1]):
        if not name:
            continue
        found = style.style_for_token(token_type)
        parts = [f"color: {'#' + found['color'] if found['color'] else default}",
                 f"background-color: {'#' + found['bgcolor'] if found['bgcolor'] else 'transparent'}",
                 f"font-weight: {'bold' if found['bold'] else 'normal'}",
                 f"font-style: {'italic' if found['italic'] else 'normal'}"]
        if found["underline"]:
            parts.append("text-decoration: underline")
        rules.append((name, "; ".join(parts)))
    return f"background: {style.background_color}; color: {default}", rules


def stylesheet_section() -> str:
    """The section of style.css that colours highlighted code, light and dark."""
    lines = [f"{SECTION_START} ({LIGHT_STYLE}, and {DARK_STYLE} in the dark); do not edit --- */"]
    for style_name, indent in ((LIGHT_STYLE, ""), (DARK_STYLE, "  ")):
        block, rules = scheme_rules(style_name)
        if indent:
            lines.append("@media (prefers-color-scheme: dark) {")
        lines.append(f"{indent}pre.{BLOCK_CLASS} {{ {block}; }}")
        grouped: dict[str, list[str]] = {}
        for name, declarations in rules:
            grouped.setdefault(declarations, []).append(f"pre.{BLOCK_CLASS} .{name}")
        lines += [f"{indent}{', '.join(selectors)} {{ {declarations}; }}" for declarations, selectors in grouped.items()]
        if indent:
            lines.append("}")
    return "\n".join(lines) + "\n"


def _luminance(color: str) -> float:
    """The relative luminance of a '#rrggbb' colour (WCAG 2)."""
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two '#rrggbb' colours."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


if __name__ == "__main__":
    print(stylesheet_section(), end="")
