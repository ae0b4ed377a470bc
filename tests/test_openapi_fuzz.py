"""Schemathesis over the whole OpenAPI document: no 5xx, and every answer fits its schema.

The app runs on its own database with the demo museum; requests carry a reseller token so
that the protected operations are exercised beyond their 401.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
import schemathesis
from schemathesis.auths import AuthContext
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import select

from kasse.app import create_app
from kasse.catalog.demo import demo_catalog
from kasse.core.db import open_instances
from kasse.models import Order
from kasse.settings import Settings
from tests.concurrency.server import prepare_database
from tests.conftest import migrated_database_named

TOKENS: dict[str, str] = {}


@pytest.fixture(scope="session")
def fuzz_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for url in migrated_database_named(tmp_path_factory, "fuzz"):
        TOKENS["reseller"], TOKENS["cashpoint"] = asyncio.run(
            prepare_database(url, demo_catalog(date.today()), ["reseller", "cashpoint"])
        )
        TOKENS["annual"] = asyncio.run(_annual_pass_order(url, TOKENS["reseller"]))
        yield url


async def _annual_pass_order(url: str, reseller: str) -> str:
    """An order of two annual passes; its personalization token opens the /annual operations."""
    settings = Settings(database_url=url, instances={})
    app = create_app(settings)
    app.state.instances = open_instances(settings)  # no lifespan: no mail or housekeeping loops
    day = date.today() + timedelta(days=8)
    while day.weekday() == 0 or (day.month, day.day) == (12, 24):  # the demo museums are closed
        day += timedelta(days=1)
    item = {"type": "Ticket", "attributes": {"id": 8, "quantity": 2, "time": f"{day}T12:00:00"}}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fuzz") as client:
            r = await client.post(
                "/api/v4/orders",
                json={"items": [item], "total": 9000},
                headers={"Authorization": f"Bearer {reseller}"},
            )
        assert r.status_code == 200, r.text
        async with app.state.instances[""].read_sessions() as session:
            token = await session.scalar(
                select(Order.personalization_token).where(Order.id == r.json()["order"]["id"])
            )
    finally:
        for instance in app.state.instances.values():
            await instance.dispose()
    assert token is not None
    return token


# Both directions are checked. A schema-valid request may still break a business rule the schema
# cannot express (a ticket that does not exist, a day the museum is closed, a sold-out slot): 404
# and 422 are answers then. A schema-violating one must be refused: the document states what the
# server checks (integer bounds, the 1970-2999 date range as a pattern, no NUL in strings, the ids
# of the lookup lists). Where the wire wants leniency, server and document agree: integers in a
# query are decimal text ("5", not "5.0"), array parameters are named `ids[]` (`ids%5B%5D` is the
# same name once decoded), a scalar given twice takes its last value (schemathesis counts such a
# request valid when any of the values is).
# The one leniency the document cannot state: like the Rails API it replaces, kasse ignores query
# parameters it does not know (shop front-ends send their own); OpenAPI has no keyword for that,
# so schemathesis' own switch keeps unknown parameters out of the negative cases. No operation
# needs an exclusion from either check.
# Everything else is checked too: no 5xx, status codes, content types, headers and every response
# body against its schema.
# A body beyond KASSE_MAX_BODY_BYTES is refused with 413 before it is parsed, whatever it holds:
# schemathesis builds such bodies (an order of 100 items with 100 attendees each is schema-valid
# and over a megabyte), so 413 is an answer in both directions.
# schemathesis' own list of refusals, and the 413 of the body bound.
REFUSALS = [
    "400",
    "401",
    "403",
    "404",
    "405",
    "406",
    "409",
    "413",
    "415",
    "422",
    "428",
    "429",
    "5xx",
]
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "413", "422"]
            },
            "negative_data_rejection": {"expected-statuses": REFUSALS},
        },
        "generation": {"allow-extra-parameters": False},
    }
)


class ApiToken:
    """The caller's token, applied by schemathesis itself: so it is left off where a negative
    case means to send none (a header passed to the call would be sent regardless)."""

    def get(self, case: schemathesis.Case, ctx: AuthContext) -> str:
        # Turnstiles and scanners (the v3 entry paths, /api/v4/entry) scan with cash point
        # tokens, and the cash desk reads a date's bookings with one; everything else as a
        # reseller.
        scanning = case.path.startswith(("/api/v3/", "/api/v4/entry/"))
        desk = case.path.endswith("/bookings")
        return TOKENS["cashpoint" if scanning or desk else "reseller"]

    def set(self, case: schemathesis.Case, data: str, ctx: AuthContext) -> None:
        if case.headers is None:
            case.headers = {}
        case.headers["Authorization"] = f"Bearer {data}"


# Arrays of free text in the query (category names): a query string carries text only, so a
# negative case with a non-string item (a JSON false) is sent as the text "false", a valid name:
# the same request as a positive case. Only those cases are left out.
FREE_TEXT_ARRAYS = frozenset({"by_categories[]"})


def is_distinct_request(case: schemathesis.Case) -> bool:
    query = case.query or {}
    return all(
        isinstance(item, str)
        for name in FREE_TEXT_ARRAYS & query.keys()
        for item in (query[name] if isinstance(query[name], list) else [query[name]])
    )


@pytest.fixture(scope="session")
def api_schema(fuzz_database: str) -> OpenApiSchema:
    # Limits no run reaches: coupon lookups and made-up tokens are exercised rather than
    # throttled (the 429 itself is documented on the routes and tested in
    # tests/coupons/test_rate_limit.py and tests/core/test_token_failures.py).
    settings = Settings(
        database_url=fuzz_database,
        instances={},
        coupon_lookup_limit="1000000/minute",
        auth_failure_limit="1000000/minute",
    )
    app = create_app(settings)
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    loaded.auth(refresh_interval=None)(ApiToken)  # no caching: the token depends on the path
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_conforms_to_its_schema_and_never_fails(case: schemathesis.Case) -> None:
    # checked here, not in a generation hook: schemathesis' coverage phase builds its cases
    # without the hooks (a hook let CI draw by_categories[]=false again)
    if not is_distinct_request(case):
        return
    if case.path.startswith("/api/v4/annual/"):
        # A made-up personalization token only ever meets the 404: use a real one.
        case.query = {**(case.query or {}), "token": TOKENS["annual"]}
    case.call_and_validate()
