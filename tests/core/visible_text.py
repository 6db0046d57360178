"""What a reader sees of a page, less what is meant to stay in its own language.

Used by the untranslated-string test: an Urdu page may show English only inside an element
marked `lang="en…"` (policy texts, official names from the sources) or `dir="auto"` (what
people typed), never in the page's own words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
# Never shown as text: code, styles, and the values a form sends back unseen.
HIDDEN = {"script", "style", "template", "noscript"}
# Attributes a reader sees or hears (tooltips, placeholders, screen readers, image text).
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# A word of two or more Latin letters, standing alone (not part of "2026Q3" or "1.2a").
LATIN_WORD = re.compile(r"(?<![\w.@/:-])[A-Za-z][A-Za-z'’]+(?![\w@/:-])")


def is_kept_in_its_language(tag: str, attrs: dict[str, str | None], inherited: bool) -> bool:
    """Whether an element's text is exempt: English by its own `lang` or its parent's (an
    element inside may set the page's language again), typed text, or never shown."""
    if tag in HIDDEN or (tag == "input" and (attrs.get("type") or "").lower() == "hidden"):
        return True
    if (attrs.get("dir") or "").lower() == "auto":
        return True
    if (attrs.get("translate") or "").lower() == "no":  # a key or code, not words
        return True
    lang = (attrs.get("lang") or "").lower()
    if lang:
        return lang.startswith("en")
    return inherited


class VisibleText(HTMLParser):
    """Collects the page's visible text and shown attributes, skipping kept subtrees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    @property
    def skipping(self) -> bool:
        return self.stack[-1][1] if self.stack else False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # A chart bar's tooltip repeats its row's label (a source's name, shown marked beside
        # the bar) and its legend's status name (shown and checked in the legend).
        tooltip = tag == "title" and bool(self.stack) and self.stack[-1][0] == "rect"
        hidden_above = tooltip or any(name in HIDDEN for name, _ in self.stack)
        kept = hidden_above or is_kept_in_its_language(tag, attributes, self.skipping)
        if not kept:
            for name in SHOWN_ATTRIBUTES:
                if attributes.get(name):
                    self.chunks.append(attributes[name])
            is_button = tag == "input" and (attributes.get("type") or "") in {"submit", "button"}
            if is_button and attributes.get("value"):
                self.chunks.append(attributes["value"])
        if tag not in VOID:
            self.stack.append((tag, kept))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        # An end tag closes the nearest open element of its name (and any left open inside it).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(chunk.split()) for chunk in parser.chunks]


def english_words(html: str, allowed: frozenset[str]) -> list[tuple[str, str]]:
    """Each Latin word outside the allow-list, with the text it was found in."""
    found = []
    for chunk in visible_text(html):
        for word in LATIN_WORD.findall(chunk):
            if word not in allowed:
                found.append((word, chunk))
    return found
