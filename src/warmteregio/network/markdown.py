"""Markdown of knowledge items, rendered safely.

CommonMark (markdown-it-py) plus tables, with raw HTML switched off: ``<script>``, ``<img onerror=...>`` or any
other tag in a text is shown as text. Links are kept only for ``http``, ``https``, ``mailto`` and relative
addresses (``javascript:``, ``data:`` and other schemes stay visible as plain text); external links get
``rel="nofollow noopener"``. Headings move down two levels (``#`` becomes ``<h3>``, as the page has its own
``<h1>`` and ``<h2>``) and images are shown as a link to the image, never as ``<img>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

#: Allowed link schemes; addresses without a scheme (relative, ``#anchor``) are allowed too.
SCHEMES = frozenset({"http", "https", "mailto"})
#: Headings shift down this many levels (``#`` -> ``<h3>``).
HEADING_SHIFT = 2
EXTERNAL_REL = "nofollow noopener"

# C0 controls except tab, line feed and carriage return; DEL and the C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _scheme(url: str) -> str | None:
    m = _SCHEME.match(url.strip())
    return m.group(1).lower() if m else None


def _valid_link(url: str) -> bool:
    scheme = _scheme(url)
    return scheme is None or scheme in SCHEMES


def _external(url: str) -> bool:
    return _scheme(url) in ("http", "https") or url.startswith("//")


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if _external(str(token.attrGet("href") or "")):
        token.attrSet("rel", EXTERNAL_REL)
    return str(self.renderToken(tokens, idx, options, env))


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """An image becomes a link to it, labelled with its alt text."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    rel = f' rel="{EXTERNAL_REL}"' if _external(src) else ""
    return f'<a href="{escapeHtml(src)}"{rel} class="md-afbeelding">{escapeHtml(alt)}</a>'


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _valid_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


_MD = _parser()


def clean(text: str | None) -> str:
    """``text`` without control characters and with ``\\n`` line ends."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _tokens(text: str) -> list[Token]:
    tokens = _MD.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1:]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"
    return tokens


def render_markdown(text: str | None) -> Markup:
    """The safe HTML of the Markdown ``text`` (empty for None)."""
    text = clean(text)
    if not text.strip():
        return Markup("")
    return Markup(_MD.renderer.render(_tokens(text), _MD.options, {}))


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


def platte_tekst(text: str | None) -> str:
    """The text of the Markdown ``text`` without markup, blocks separated by a space (code blocks left out)."""
    text = clean(text)
    if not text.strip():
        return ""
    parts = [_inline_text(t.children or []) for t in _MD.parse(text) if t.type == "inline"]
    return _SPACE.sub(" ", " ".join(parts)).strip()


def samenvatting(text: str | None, max_len: int = 240) -> str:
    """A plain-text excerpt of the Markdown ``text`` of at most ``max_len`` characters, cut at a word boundary
    and ending with ``…`` when shortened."""
    plain = platte_tekst(text)
    if len(plain) <= max_len:
        return plain
    cut = plain[: max(max_len - 1, 0)]
    space = cut.rfind(" ")
    if space > max_len // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"
