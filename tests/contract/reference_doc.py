"""The reference's markdown read as a contract: its endpoints and the JSON examples under them.

Each endpoint is a request line (`` `GET https://demo.gomus.de/api/v4/tickets` ``). A fenced
``json`` block belongs to the request line of its own heading's section, else to the last one
before it within the enclosing ``#``/``##`` section (so a ``### Response`` block belongs to its
endpoint). A block without an endpoint is a fragment, named by its heading (the order item
shapes). The ``>`` line before a block says what it is: a request body when it says the command
"assumes" it, an answer otherwise.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from tests.contract.elided_json import parse_example

HERE = Path(__file__).parent
VENDORED = HERE / "reference"
SHARED = HERE.parent.parent.parent / "shared" / "spec" / "reference"

_REQUEST_LINE = re.compile(r"^`(GET|POST|PUT|PATCH|DELETE) (https?://\S+?)`\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_NUMBER = re.compile(r"^\d+$")

# The multi-locale example of _locale.md asks for ``/api/v4/ticket/1``: the ticket detail.
ALIASES = {"GET /api/v4/ticket/:id": "GET /api/v4/tickets/:id"}

Kind = Literal["response", "request", "fragment"]


def reference_dir() -> Path:
    """``KASSE_SPEC_DIR`` when set (another copy of the reference), else the vendored copy."""
    configured = os.environ.get("KASSE_SPEC_DIR")
    return Path(configured) if configured else VENDORED


def endpoint_key(method: str, url: str) -> str:
    """``GET /api/v4/tickets/:id`` for ``GET https://smb.gomus.de/api/v4/tickets/514?x=1``."""
    path = urlsplit(url).path.rstrip("/")
    segments = [":id" if _NUMBER.match(s) else s for s in path.split("/")]
    key = f"{method} {'/'.join(segments)}"
    return ALIASES.get(key, key)


@dataclass(frozen=True)
class RequestLine:
    method: str
    url: str
    line: int

    @property
    def key(self) -> str:
        return endpoint_key(self.method, self.url)

    @property
    def query(self) -> str:
        return urlsplit(self.url).query


@dataclass
class Section:
    level: int
    title: str  # with the headings above it: "Details of a single museum › Response"
    requests: list[RequestLine] = field(default_factory=list)


@dataclass(frozen=True)
class Example:
    file: str
    line: int  # of the opening fence, 1-based
    heading: str
    ordinal: int  # 1 for the first json block under this heading, 2 for the next, ...
    request: RequestLine | None
    intro: str  # the ``>`` line before the block
    values: tuple[Any, ...]

    @property
    def name(self) -> str:
        return f"{self.file} › {self.heading}" + (f" #{self.ordinal}" if self.ordinal > 1 else "")

    @property
    def endpoint(self) -> str | None:
        return None if self.request is None else self.request.key

    @property
    def kind(self) -> Kind:
        if "assumes" in self.intro:
            return "request"
        return "fragment" if self.request is None else "response"


@dataclass(frozen=True)
class Document:
    file: str
    examples: tuple[Example, ...]
    requests: tuple[RequestLine, ...]


def _endpoint_of(sections: list[Section]) -> RequestLine | None:
    """The request line a block in the last of ``sections`` belongs to."""
    own = sections[-1]
    if own.requests:
        return own.requests[0]
    if own.level <= 2:
        return None
    for section in reversed(sections[:-1]):
        if section.requests:
            return section.requests[-1]
        if section.level <= 2:
            break
    return None


def parse_document(file: str, text: str) -> Document:
    sections = [Section(level=0, title="")]
    requests: list[RequestLine] = []
    ordinals: dict[str, int] = {}
    # A section's request line may follow its json block (the combined-ticket walkthrough), so
    # each block keeps the sections around it and is resolved at the end.
    pending: list[tuple[Example, list[Section]]] = []
    fence: tuple[str, int, list[str]] | None = None  # language, first line, body
    intro = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            if fence is None:
                fence = (line.strip()[3:].strip(), number, [])
                continue
            language, start, body = fence
            fence = None
            if language == "json":
                section = sections[-1]
                ordinals[section.title] = ordinals.get(section.title, 0) + 1
                example = Example(
                    file=file,
                    line=start,
                    heading=section.title,
                    ordinal=ordinals[section.title],
                    request=None,  # filled below: a request line may follow the block
                    intro=intro,
                    values=tuple(parse_example("\n".join(body))),
                )
                pending.append((example, list(sections)))
            intro = ""
            continue
        if fence is not None:
            fence[2].append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            above = next((s.title for s in reversed(sections) if 0 < s.level < level), "")
            title = f"{above} › {heading.group(2)}" if above else heading.group(2)
            sections.append(Section(level=level, title=title))
            intro = ""
            continue
        request = _REQUEST_LINE.match(line.strip())
        if request:
            entry = RequestLine(method=request.group(1), url=request.group(2), line=number)
            sections[-1].requests.append(entry)
            requests.append(entry)
        elif line.startswith(">"):
            intro = line[1:].strip()
    resolved = tuple(replace(example, request=_endpoint_of(around)) for example, around in pending)
    return Document(file=file, examples=resolved, requests=tuple(requests))


@cache
def documents(folder: Path | None = None) -> tuple[Document, ...]:
    folder = folder or reference_dir()
    return tuple(
        parse_document(path.name, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.md"))
        if path.name != "README.md"
    )


def examples(folder: Path | None = None) -> list[Example]:
    return [example for doc in documents(folder) for example in doc.examples]


def endpoints(folder: Path | None = None) -> list[str]:
    """Every endpoint of the reference, once, in the order the reference shows them."""
    seen: dict[str, None] = {}
    for doc in documents(folder):
        for request in doc.requests:
            seen.setdefault(request.key, None)
    return list(seen)
