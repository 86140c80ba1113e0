"""Stylesheets Broadsheet generates itself: Pygments colours for code blocks."""

from __future__ import annotations

from builder.core.models import MarkdownConfig


def highlight_css(config: MarkdownConfig) -> str:
    """Pygments styles: light by default, dark under prefers-color-scheme."""
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style=config.style_light).get_style_defs(".highlight")
    dark = HtmlFormatter(style=config.style_dark).get_style_defs(".highlight")
    dark = "\n".join("  " + line for line in dark.splitlines())
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
