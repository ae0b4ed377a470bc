"""Secrets in request paths (order tokens, barcodes, coupon codes): marked once, redacted in logs.

A path parameter whose value is a secret carries a ``SecretParameter`` in its annotation,
``Annotated[str, Path(...), SECRET]``; everything else (which paths carry one, where in the path it
sits) is read from the routes, so a new route with a marked parameter is redacted without more ado.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from re import Pattern

from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, compile_path

REDACTED = "[redacted]"


@dataclass(frozen=True)
class SecretParameter:
    """Marks a path parameter whose value must not reach a log, except values that match
    ``public`` whole (a numeric id where either an id or a token may stand)."""

    public: str | None = None

    def hides(self, value: str) -> bool:
        return self.public is None or re.fullmatch(self.public, value) is None


SECRET = SecretParameter()


def _path_parameters(dependant: Dependant) -> Iterator[tuple[str, list[object]]]:
    for param in dependant.path_params:
        yield param.name, list(param.field_info.metadata)
    for dependency in dependant.dependencies:
        yield from _path_parameters(dependency)


def secret_parameters(route: BaseRoute) -> dict[str, SecretParameter]:
    """The route's secret path parameters (its dependencies' included) by name."""
    dependant = getattr(route, "dependant", None)
    if not isinstance(dependant, Dependant):
        return {}
    return {
        name: marker
        for name, metadata in _path_parameters(dependant)
        for marker in metadata
        if isinstance(marker, SecretParameter)
    }


@dataclass(frozen=True)
class _Template:
    regex: Pattern[str]
    secrets: Mapping[str, SecretParameter] = field(default_factory=dict)
    segments: int = 0  # > 0: matches the path's first this many segments

    def secret_spans(self, path: str) -> Iterator[tuple[int, int]] | None:
        """Where the secrets sit in ``path``; None if the path does not match."""
        found = self.regex.match("/".join(path.split("/")[: self.segments or None]))
        if found is None:
            return None
        return (
            found.span(name) for name, marker in self.secrets.items() if marker.hides(found[name])
        )


def _templates(path: str, secrets: dict[str, SecretParameter]) -> Iterator[_Template]:
    """The whole route, then its path up to each secret: where an unknown path below it (a typo,
    an old client) still carries one."""
    yield _Template(compile_path(path)[0], secrets)
    for name, marker in secrets.items():
        head = path[: path.index(f"{{{name}}}") + len(name) + 2]
        yield _Template(compile_path(head)[0], {name: marker}, head.count("/") + 1)


def _redact(path: str, spans: Iterable[tuple[int, int]]) -> str:
    for start, end in sorted(set(spans), reverse=True):
        path = path[:start] + REDACTED + path[end:]
    return path


class PathRedactor:
    """Replaces the secret segments of a request path with ``[redacted]``.

    A path that some route serves loses exactly that route's secret segments; a path no route
    serves loses every segment that a secret would take in a route it begins like, so that a 404
    does not log a token either.
    """

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        self._routes: list[_Template] = []
        self._prefixes: list[_Template] = []
        heads: set[str] = set()
        for context in iter_route_contexts(list(routes)):
            if context.path is None:
                continue
            secrets = secret_parameters(context.original_route)
            route, *prefixes = _templates(context.path, secrets)
            self._routes.append(route)
            self._prefixes.extend(prefixes)
            if secrets:
                heads.add(context.path[: context.path.index("{")])
        # A secret can only sit in a path that begins like a route with one (its text before the
        # first parameter): every other path, most of the log, is kept without matching a route.
        self._secret_heads = tuple(sorted(heads))

    def redact(self, path: str) -> str:
        if not path.startswith(self._secret_heads):
            return path
        for route in self._routes:
            spans = route.secret_spans(path)
            if spans is not None:
                return _redact(path, spans)
        return _redact(
            path,
            (
                span
                for prefix in self._prefixes
                if (spans := prefix.secret_spans(path)) is not None
                for span in spans
            ),
        )

    def redact_target(self, target: str) -> str:
        """A request target (path and query) as the access log may show it: the query string
        goes whole (tokens travel in query strings), the path loses its secret segments."""
        path, sep, _query = target.partition("?")
        return self.redact(path) + (f"{sep}{REDACTED}" if sep else "")
