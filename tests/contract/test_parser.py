"""The contract test's own parts: the reference's JSON with its elisions, the comparison rules,
the coverage page's tables, and the vendored copy of the reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.compare import compare, key_paths, select
from tests.contract.coverage import Deviation, read_coverage
from tests.contract.elided_json import Arr, ExampleSyntaxError, Obj, parse_example
from tests.contract.reference_doc import SHARED, VENDORED, endpoint_key, examples, parse_document

# --- the examples' JSON ------------------------------------------------------------------------


def test_elisions_open_objects_and_arrays() -> None:
    [value] = parse_example(
        """{
            "museums": [ {"id": 1, "title": "x"}, { ... } ],
            "order": { ... "payment_status": 30, ... },
            "items": [ ... ],
            "teaser": "...",
            "end": "2016-12-31T18:30:00+01:00",
        }"""
    )
    assert isinstance(value, Obj) and not value.open
    museums = value.members["museums"]
    assert isinstance(museums, Arr) and museums.open
    assert museums.items == [Obj({"id": 1, "title": "x"})]
    assert value.members["order"] == Obj({"payment_status": 30}, open=True)
    assert value.members["items"] == Arr([], open=True)
    assert value.members["teaser"] == "..."  # a string that elides its text is still a string


def test_fragments_bare_keys_and_several_values() -> None:
    [fragment] = parse_example('"content": {\n "shop_title": "Museum"\n}')
    assert fragment == Obj({"content": Obj({"shop_title": "Museum"})}, open=True)
    [equipment] = parse_example("equipment: [ { id: 1, quantity: 3 } ]")
    assert equipment == Obj({"equipment": Arr([Obj({"id": 1, "quantity": 3})])}, open=True)
    assert len(parse_example('{"id": 515, ...}\n\n{"id": 516, ...}')) == 2


@pytest.mark.parametrize("text", ["", "{", '{"a" 1}', "...", "{'a': 1}"])
def test_what_is_no_example(text: str) -> None:
    with pytest.raises(ExampleSyntaxError):
        parse_example(text)


def test_every_json_block_of_the_reference_parses() -> None:
    found = examples()
    assert len(found) > 80
    assert all(example.values for example in found)


def test_a_block_belongs_to_the_request_line_of_its_section() -> None:
    doc = parse_document(
        "x.md",
        "## List\n\n`GET https://demo.gomus.de/api/v4/things`\n\n```json\n{}\n```\n\n"
        '### Response\n\n```json\n"content": {}\n```\n\n'
        "## Items\n\n> a single item\n\n```json\n{}\n```\n\n"
        "### 2. Details\n\n```json\n{}\n```\n\n`GET https://smb.gomus.de/api/v4/things/5?x=1`\n\n"
        "## Create\n\n> The command assumes the JSON is structured like this:\n\n```json\n{}\n```\n"
        "`POST https://demo.gomus.de/api/v4/things`\n",
    )
    found = [(e.heading, e.endpoint, e.kind) for e in doc.examples]
    assert found == [
        ("List", "GET /api/v4/things", "response"),
        ("List › Response", "GET /api/v4/things", "response"),
        ("Items", None, "fragment"),
        ("Items › 2. Details", "GET /api/v4/things/:id", "response"),
        ("Create", "POST /api/v4/things", "request"),
    ]


def test_endpoint_keys() -> None:
    assert endpoint_key("GET", "https://smb.gomus.de/api/v4/tickets/514?valid_at=x") == (
        "GET /api/v4/tickets/:id"
    )
    assert endpoint_key("GET", "https://demo.gomus.de/api/v4/ticket/1?locale[]=de") == (
        "GET /api/v4/tickets/:id"
    )
    assert endpoint_key("GET", "https://demo.gomus.de/api/v4/tours/:id/equipments/1/") == (
        "GET /api/v4/tours/:id/equipments/:id"
    )


# --- the comparison --------------------------------------------------------------------------


def _differences(example: str, answer: object, known: frozenset[str] = frozenset()) -> set[str]:
    [value] = parse_example(example)
    return {f"{d.path} {d.kind}" for d in compare(value, [answer], known=known)}


def test_keys_and_types() -> None:
    example = '{"ticket": {"id": 1, "title": "x", "vat_pct": 7.5, "sub_title": null}}'
    good = {"ticket": {"id": 2, "title": "y", "vat_pct": 7, "sub_title": "z"}}
    assert _differences(example, good) == set()
    bad = {"ticket": {"id": "2", "vat_pct": "7", "sub_title": {"de": "z"}, "more": 1}}
    assert _differences(example, bad) == {
        "$.ticket.id type",
        "$.ticket.title missing",
        "$.ticket.vat_pct type",
        "$.ticket.sub_title type",
        "$.ticket.more extra",
    }
    assert _differences('{"a": 1, ...}', {"a": 1, "b": 2}) == set()
    assert _differences('{"content": {"a": "x"}}', {"content": {"a": "y", "b": "z"}}) == set()
    assert _differences('{"a": 1}', {"a": 1, "b": 2}, frozenset({"$.b"})) == set()
    assert _differences('{"a": 1}', {"a": None}) == {"$.a type"}
    assert _differences('{"a": 1}', {"a": 1.5}) == {"$.a type"}


def test_formats_maps_and_arrays() -> None:
    example = '{"at": "2016-12-31T10:00:00+01:00", "day": "2016-12-31", "data": {"19": [1]}}'
    good = {"at": "2026-05-15T14:00:00+02:00", "day": "2026-05-15", "data": {"3": [2], "4": [5]}}
    assert _differences(example, good) == set()
    bad = {"at": "2026-05-15 14:00", "day": "15.05.2026", "data": {"x": [], "4": ["a"]}}
    assert _differences(example, bad) == {
        "$.at format",
        "$.day format",
        "$.data format",
        "$.data.*[] type",
    }
    assert _differences(example, {**good, "data": {}}) == {"$.data empty"}


def test_an_empty_array_counts_only_where_no_answer_has_an_element() -> None:
    [example] = parse_example('{"list": [{"frames": [{"at": "2016-12-31"}]}]}')
    one_empty = {"list": [{"frames": []}, {"frames": [{"at": "2026-01-01"}]}]}
    assert compare(example, [one_empty]) == []
    all_empty = {"list": [{"frames": []}]}
    assert [d.kind for d in compare(example, [all_empty])] == ["empty"]


def test_key_paths_and_select() -> None:
    [example] = parse_example('{"data": {"19": {"tickets": [1]}}, "x": [{"y": 1}]}')
    assert set(key_paths(example)) == {"$.data", "$.data.*.tickets", "$.x", "$.x[].y"}
    answer = {"items": [{"type": "Ticket", "a": 1}, {"type": "Coupon", "a": 2}]}
    assert select(answer, "$.items[type=Ticket].a") == [1]
    assert select(answer, "$.items[].a") == [1, 2]


# --- the coverage page ---------------------------------------------------------------------------


def test_a_deviation_allows_only_its_own_difference() -> None:
    [example] = parse_example('{"a": {"b": 1}}')
    [difference] = compare(example, [{"a": {"b": "1"}}])
    assert Deviation("GET /x", "$.a.b", "type", "why").allows("GET /x", difference)
    assert Deviation("GET /x", "$.a", "any", "why").allows("GET /x", difference)
    assert not Deviation("GET /x", "$.a.b", "missing", "why").allows("GET /x", difference)
    assert not Deviation("GET /y", "$.a.b", "type", "why").allows("GET /x", difference)
    assert not Deviation("GET /x", "$.a.bc", "any", "why").allows("GET /x", difference)
    assert not Deviation("GET /x", "$.a.b", "behaviour", "why").allows("GET /x", difference)


def test_the_coverage_page_is_read(tmp_path: Path) -> None:
    page = tmp_path / "coverage.md"
    page.write_text(
        "## Reference endpoints\n\nCounted: 2 endpoints: 1 exact, 1 deviation, 0 not yet.\n\n"
        "| endpoint | status |\n|---|---|\n| `GET /a` | exact |\n\n### more\n\n"
        "| endpoint | status |\n|---|---|\n| `GET /b` | deviation |\n\n"
        "## Deviations\n\n| endpoint | JSON path | difference | reason |\n|---|---|---|---|\n"
        "| `GET /b` | `$.x` | `extra` | because |\n"
    )
    coverage = read_coverage(page)
    assert coverage.statuses == {"GET /a": "exact", "GET /b": "deviation"}
    assert coverage.counts == (2, 1, 1, 0)
    assert coverage.deviations == (Deviation("GET /b", "$.x", "extra", "because"),)
    page.write_text(page.read_text().replace("`extra`", "`odd`"))
    with pytest.raises(AssertionError, match="kind 'odd'"):
        read_coverage(page)


# --- the vendored reference ----------------------------------------------------------------------


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/spec/reference beside this checkout")
def test_the_vendored_reference_is_the_project_specifications() -> None:
    shared = {p.name: p.read_bytes() for p in SHARED.iterdir() if p.name != "README.md"}
    vendored = {p.name: p.read_bytes() for p in VENDORED.iterdir() if p.name != "README.md"}
    assert vendored == shared
