"""An answer compared with an example of the reference: keys, JSON types, formats, envelopes.

The rules (docs/api-coverage.md repeats them for readers of the deviations table):

* Every key the example shows must be in the answer (``missing``). A key the answer has beyond the
  example is a difference (``extra``) unless the example elides members there (``...``) or another
  example of the same endpoint shows that key at that place.
* Types are JSON's: string, integer, number, boolean, null, object, array (``type``). An integer
  passes where the example shows a number with a fraction. A ``null`` in the example means "may
  be null, type not shown": null or any scalar passes, an object or array does not. A value in the
  example is not nullable: the contract test runs on a catalog with data for every field.
* Strings that are timestamps (``2016-12-31T10:00:00+01:00``), Ruby-style timestamps
  (``2016-07-06 11:00:00 +0200``) or dates (``2016-05-27``) in the example must be strings of the
  same form (``format``).
* An object whose keys are all timestamps, dates or numbers (``{"19": {...}}``,
  ``{"2016-05-27": true}``) is a map: every key of the answer must have that form and every value
  is compared with the example's first value.
* A ``content`` object holds "key/value pairs of custom defined attributes" (reference): the
  example's keys must be there, others may be.
* An array's elements are each compared with the example's first element; an answer with no
  element where the example shows some cannot be checked and is a difference (``empty``).

Paths name the place in the answer: ``$.tickets[].title``, ``$.data.*.capacities`` (``*``: every
value of a map).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.contract.elided_json import Arr, Obj

FORMATS = {
    "timestamp": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)$"),
    "ruby timestamp": re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}
_MAP_KEY_FORMATS = {**FORMATS, "number": re.compile(r"^\d+$")}
SCALARS = ("string", "integer", "number", "boolean", "null")


@dataclass(frozen=True)
class Difference:
    path: str
    kind: str  # missing, extra, type, format, empty
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}: {self.detail}"


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (dict, Obj)):
        return "object"
    if isinstance(value, (list, Arr)):
        return "array"
    raise TypeError(f"not a JSON value: {value!r}")


def string_format(value: str, formats: dict[str, re.Pattern[str]] = FORMATS) -> str | None:
    return next((name for name, pattern in formats.items() if pattern.match(value)), None)


def map_key_format(example: Obj) -> str | None:
    """The form every key of ``example`` has, when the example is a map rather than a record."""
    forms = {string_format(key, _MAP_KEY_FORMATS) for key in example.members}
    if len(forms) == 1 and None not in forms:
        return forms.pop()
    return None


def key_paths(example: Any, path: str = "$") -> Iterator[str]:
    """Every ``path.key`` an example shows (what other examples of its endpoint may rely on)."""
    if isinstance(example, Obj):
        if map_key_format(example) is not None:
            for value in example.members.values():
                yield from key_paths(value, f"{path}.*")
            return
        for key, value in example.members.items():
            yield f"{path}.{key}"
            yield from key_paths(value, f"{path}.{key}")
    elif isinstance(example, Arr):
        for item in example.items:
            yield from key_paths(item, f"{path}[]")


def compare(
    example: Any, answers: list[Any], path: str = "$", known: frozenset[str] = frozenset()
) -> list[Difference]:
    """The differences of each of ``answers`` from ``example``, once each.

    ``known``: key paths that other examples of the same endpoint show (not extra where this
    example leaves them out). An empty array or map is a difference only where no answer has
    an element there to compare: a permanent exhibition has no time frames, another one has.
    """
    comparison = _Comparison(known)
    for answer in answers:
        comparison.walk(example, answer, path)
    return [
        d
        for d in dict.fromkeys(comparison.found)
        if d.kind != "empty" or d.path not in comparison.checked
    ]


class _Comparison:
    def __init__(self, known: frozenset[str]) -> None:
        self.known = known
        self.found: list[Difference] = []
        self.checked: set[str] = set()  # arrays and maps with an element compared

    def differ(self, path: str, kind: str, detail: str) -> None:
        self.found.append(Difference(path, kind, detail))

    def walk(self, example: Any, answer: Any, path: str) -> None:
        if isinstance(example, Obj):
            self.object(example, answer, path)
        elif isinstance(example, Arr):
            self.array(example, answer, path)
        else:
            self.scalar(example, answer, path)

    def wrong_type(self, path: str, example: Any, answer: Any) -> None:
        self.differ(path, "type", f"{json_type(answer)} where the example has {example!r}")

    def object(self, example: Obj, answer: Any, path: str) -> None:
        if not isinstance(answer, dict):
            self.wrong_type(path, "an object", answer)
            return
        key_format = map_key_format(example)
        if key_format is not None:
            self.map(example, answer, path, key_format)
            return
        for key, value in example.members.items():
            if key not in answer:
                self.differ(f"{path}.{key}", "missing", "not in the answer")
            else:
                self.walk(value, answer[key], f"{path}.{key}")
        if not example.open and not path.endswith(".content"):
            for key in answer:
                if key not in example.members and f"{path}.{key}" not in self.known:
                    self.differ(f"{path}.{key}", "extra", "not in the example")

    def map(self, example: Obj, answer: dict[str, Any], path: str, key_format: str) -> None:
        if not answer:
            self.differ(path, "empty", "no entry to compare with the example's")
            return
        self.checked.add(path)
        for key in answer:
            if string_format(key, _MAP_KEY_FORMATS) != key_format:
                self.differ(path, "format", f"key {key!r} is not a {key_format} like the example's")
        first = next(iter(example.members.values()))
        for value in answer.values():
            self.walk(first, value, f"{path}.*")

    def array(self, example: Arr, answer: Any, path: str) -> None:
        if not isinstance(answer, list):
            self.wrong_type(path, "an array", answer)
            return
        if not example.items:
            return
        if not answer:
            self.differ(path, "empty", "no element to compare with the example's")
            return
        self.checked.add(path)
        for element in answer:
            self.walk(example.items[0], element, f"{path}[]")

    def scalar(self, example: Any, answer: Any, path: str) -> None:
        expected, actual = json_type(example), json_type(answer)
        if expected == "null":
            if actual not in SCALARS:
                self.wrong_type(path, example, answer)
            return
        if expected == "number" and actual == "integer":
            return
        if expected != actual:
            self.wrong_type(path, example, answer)
            return
        if expected == "string":
            wanted = string_format(example)
            if wanted is not None and string_format(answer) != wanted:
                self.differ(path, "format", f"{answer!r} is not a {wanted} like {example!r}")


def select(answer: Any, path: str) -> list[Any]:
    """The values at ``path`` in ``answer`` (``$.order.items[type=Ticket].attributes``)."""
    nodes = [answer]
    for step in re.findall(r"\.[^.\[]+|\[[^\]]*\]", path.removeprefix("$")):
        found: list[Any] = []
        for node in nodes:
            if step.startswith("."):
                if isinstance(node, dict) and step[1:] in node:
                    found.append(node[step[1:]])
            elif isinstance(node, list):
                condition = step[1:-1]
                if not condition:
                    found += node
                else:
                    key, _, value = condition.partition("=")
                    found += [e for e in node if isinstance(e, dict) and str(e.get(key)) == value]
        nodes = found
    return nodes


def plain_path(path: str) -> str:
    """``$.order.items[].attributes`` for ``$.order.items[type=Ticket].attributes``."""
    return re.sub(r"\[[^\]]+\]", "[]", path)
