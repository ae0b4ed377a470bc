"""Schemathesis over the whole OpenAPI document: no 5xx, and every answer fits its schema.

The app runs on its own database with the demo museum; requests carry a reseller token so
that the protected operations are exercised beyond their 401.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from kasse.app import create_app
from kasse.catalog.demo import demo_catalog
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
        yield url


# A schema-valid request may still break a business rule the schema cannot express (a ticket
# that does not exist, a day the museum is closed, a sold-out slot): 404 and 422 are answers then.
# Negative-data rejection is off: like the Rails API it replaces, kasse parses query values
# leniently ("0.0" is the integer 0), which existing clients rely on. Everything else is checked:
# no 5xx, status codes, content types, headers and every response body against its schema.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
            },
            "negative_data_rejection": {"enabled": False},
        }
    }
)


@pytest.fixture(scope="session")
def api_schema(fuzz_database: str) -> OpenApiSchema:
    app = create_app(Settings(database_url=fuzz_database, instances={}))
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_conforms_to_its_schema_and_never_fails(case: schemathesis.Case) -> None:
    # Turnstiles (the v3 entry paths) scan with cash point tokens; everything else as a reseller.
    access = "cashpoint" if case.path.startswith("/api/v3/") else "reseller"
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS[access]}"})
