"""The JSON of the reference's examples: JSON with the liberties a documentation page takes.

The examples elide with ``...`` (a member of an object, an element of an array, or the whole
content: ``{ ... }``, ``[ ... ]``), leave trailing commas, sometimes show only a member
(``"content": {...}``) or write keys without quotes (``equipment: [...]``). This module parses
them into plain Python values, with objects and arrays that remember whether something was
elided: an elided object may hold more keys than it shows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Obj:
    """An object of an example; ``open`` when the example elides some of its members."""

    members: dict[str, Any] = field(default_factory=dict)
    open: bool = False


@dataclass
class Arr:
    """An array of an example; ``open`` when the example elides some of its elements."""

    items: list[Any] = field(default_factory=list)
    open: bool = False


class ExampleSyntaxError(ValueError):
    pass


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<elision>\.\.\.|…)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[{}\[\]:,])
    """,
    re.VERBOSE,
)
ELISION = object()


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    at: int


def tokens(text: str) -> list[Token]:
    result: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExampleSyntaxError(f"unexpected {text[position : position + 20]!r} at {position}")
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            result.append(Token(kind, match.group(), position))
        position = match.end()
    return result


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokens(text)
        self.index = 0

    def peek(self, offset: int = 0) -> Token | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ExampleSyntaxError("unexpected end of the example")
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise ExampleSyntaxError(f"expected {text!r}, found {token.text!r} at {token.at}")

    def at(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "punct" and token.text == text

    def value(self) -> Any:
        token = self.take()
        if token.kind == "string":
            return json.loads(token.text)
        if token.kind == "number":
            return json.loads(token.text)
        if token.kind == "elision":
            return ELISION
        if token.kind == "word":
            words: dict[str, Any] = {"true": True, "false": False, "null": None}
            if token.text in words:
                return words[token.text]
            raise ExampleSyntaxError(f"unexpected word {token.text!r} at {token.at}")
        if token.text == "{":
            return self.members("}")
        if token.text == "[":
            return self.elements()
        raise ExampleSyntaxError(f"unexpected {token.text!r} at {token.at}")

    def key(self) -> str:
        token = self.take()
        if token.kind == "string":
            key: str = json.loads(token.text)
            return key
        if token.kind == "word":  # a key without quotes, as in JavaScript
            return token.text
        raise ExampleSyntaxError(f"expected a key, found {token.text!r} at {token.at}")

    def members(self, closing: str | None) -> Obj:
        """Members up to ``closing`` (None: up to the end of the text)."""
        obj = Obj()
        while True:
            token = self.peek()
            if token is None:
                if closing is None:
                    return obj
                raise ExampleSyntaxError(f"{closing!r} missing at the end of the example")
            if token.text == closing and token.kind == "punct":
                self.take()
                return obj
            if token.kind == "elision":
                self.take()
                obj.open = True
            else:
                name = self.key()
                self.expect(":")
                obj.members[name] = self.value()
            if self.at(","):
                self.take()

    def elements(self) -> Arr:
        arr = Arr()
        while not self.at("]"):
            element = self.value()
            if element is ELISION:
                arr.open = True
            elif isinstance(element, Obj) and not element.members and element.open:
                arr.open = True  # "{ ... }": more elements like the ones shown
            else:
                arr.items.append(element)
            if self.at(","):
                self.take()
        self.take()
        return arr

    def documents(self) -> list[Any]:
        """Every value in the text: most examples hold one, a few show several side by side."""
        found: list[Any] = []
        while self.peek() is not None:
            found.append(self.value())
        return found


def _is_member_fragment(parser: _Parser) -> bool:
    first, second = parser.peek(), parser.peek(1)
    return (
        first is not None
        and first.kind in ("string", "word")
        and second is not None
        and second.text == ":"
    )


def parse_example(text: str) -> list[Any]:
    """The values of one fenced example. A fragment that starts with a member
    (``"content": {...}``) is read as an open object holding that member."""
    parser = _Parser(text)
    if _is_member_fragment(parser):
        fragment = parser.members(None)
        fragment.open = True
        return [fragment]
    values = parser.documents()
    if not values:
        raise ExampleSyntaxError("the example is empty")
    if any(v is ELISION for v in values):
        raise ExampleSyntaxError("an elision outside any object or array")
    return values
