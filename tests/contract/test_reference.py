"""The contract: every endpoint kasse serves answers as the go~mus API reference shows it.

The examples of the reference (``tests/contract/reference/``, or ``KASSE_SPEC_DIR``) are compared
key for key and type for type with kasse's answers on the demo catalog (``compare.py`` has the
rules). A difference fails unless ``docs/api-coverage.md`` lists it as a deliberate deviation; a
listed deviation that no longer occurs fails too, so the list stays true. The same page says, for
every endpoint of the reference, whether kasse serves it exactly, with deviations, or not yet.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import httpx

from tests.conftest import Kasse
from tests.contract.calls import CALLS, World, placement_of
from tests.contract.compare import Difference, compare, key_paths, plain_path, select
from tests.contract.coverage import Coverage, Deviation, read_coverage
from tests.contract.reference_doc import Example, endpoints, examples
from tests.documents.conftest import WalletApp


def _placed() -> dict[str, list[tuple[Example, str]]]:
    """endpoint -> the examples that show (part of) its answer, with where they apply."""
    placed: dict[str, list[tuple[Example, str]]] = defaultdict(list)
    for example in examples():
        placement = placement_of(example)
        for endpoint in placement.endpoints:
            placed[endpoint].append((example, placement.at))
    return placed


def _known_paths(shown: list[tuple[Example, str]]) -> frozenset[str]:
    """Every key any example of the endpoint shows: not extra where one example leaves it out."""
    return frozenset(
        path
        for example, at in shown
        for value in example.values
        for path in key_paths(value, plain_path(at))
    )


def _differences(
    example: Example, at: str, answer: object, known: frozenset[str]
) -> list[Difference]:
    nodes = select(answer, at)
    if not nodes:
        return [Difference(plain_path(at), "missing", "nothing in the answer at this place")]
    found: list[Difference] = []
    for value in example.values:  # a few examples show several answers side by side
        found += compare(value, nodes, plain_path(at), known)
    return list(dict.fromkeys(found))


def _explained(endpoint: str, difference: Difference, coverage: Coverage) -> Deviation | None:
    return next((d for d in coverage.deviations if d.allows(endpoint, difference)), None)


async def test_every_served_endpoint_answers_as_the_reference_shows(
    kasse: Kasse, day: date, wallet: WalletApp
) -> None:
    coverage = read_coverage()
    placed = _placed()
    problems: list[str] = []
    used: set[Deviation] = set()
    for endpoint, call in CALLS.items():
        shown = placed.get(endpoint, [])
        known = _known_paths(shown)
        for example, at in shown or [(None, "$")]:
            world = World(kasse, day, wallet.client)
            response: httpx.Response = await call(world, example)
            where = f"{endpoint} ({example.name if example else 'no JSON example'})"
            if example is None:
                if response.status_code >= 300:
                    problems.append(f"{where}: HTTP {response.status_code}: {response.text[:200]}")
                continue
            if example.intro.startswith("The JSON if an error"):
                if response.status_code != 422:
                    problems.append(f"{where}: HTTP {response.status_code}, the example: 422")
            elif response.status_code >= 300:
                problems.append(f"{where}: HTTP {response.status_code}: {response.text[:200]}")
                continue
            for difference in _differences(example, at, response.json(), known):
                deviation = _explained(endpoint, difference, coverage)
                if deviation is None:
                    problems.append(f"{where}: {difference}")
                else:
                    used.add(deviation)
    stale = [
        f"{d.endpoint} {d.path} {d.kind}: listed in docs/api-coverage.md but kasse answers as "
        "the reference shows (remove the row)"
        for d in coverage.deviations
        if d.kind != "behaviour" and d not in used
    ]
    heading = "answers that differ from the reference and are not listed as deviations:"
    assert not problems + stale, "\n".join([heading, *problems, *stale])


def test_the_coverage_page_names_every_reference_endpoint_truly() -> None:
    coverage = read_coverage()
    reference = endpoints()
    problems = [f"{e}: not in the endpoint table" for e in reference if e not in coverage.statuses]
    problems += [
        f"{e}: in the endpoint table but not an endpoint of the reference"
        for e in coverage.statuses
        if e not in reference
    ]
    for endpoint, status in coverage.statuses.items():
        served = endpoint in CALLS
        rows = [d for d in coverage.deviations if d.endpoint == endpoint]
        if status.startswith("not yet") and served:
            problems.append(
                f"{endpoint}: kasse serves it (the contract test calls it): not 'not yet'"
            )
        if not status.startswith("not yet") and not served:
            problems.append(f"{endpoint}: '{status}' but the contract test has no call for it")
        if status == "exact" and rows:
            problems.append(f"{endpoint}: 'exact' but with deviation rows")
        if status == "deviation" and not rows:
            problems.append(f"{endpoint}: 'deviation' without a row that says which")
    problems += [
        f"deviation row for {d.endpoint}, which is not listed as 'deviation'"
        for d in coverage.deviations
        if coverage.statuses.get(d.endpoint) != "deviation"
    ]
    statuses = list(coverage.statuses.values())
    counted = (
        len(statuses),
        statuses.count("exact"),
        statuses.count("deviation"),
        sum(s.startswith("not yet") for s in statuses),
    )
    if coverage.counts != counted:
        problems.append(
            f"the counts line says {coverage.counts}, the table has {counted} "
            "(total, exact, deviation, not yet)"
        )
    assert not problems, "\n".join(problems)


def test_every_example_of_the_reference_is_placed() -> None:
    """Each JSON block is an answer of an endpoint, a request body, or named in PLACEMENTS."""
    for example in examples():
        placement = placement_of(example)
        assert placement.endpoints or placement.why, example.name
