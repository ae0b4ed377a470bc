"""The tours part of the catalog file: every problem named by the entry it is in, nothing written
when one is found; what a load stores reaches the tours API.

The demo catalog is loaded (``kasse`` fixture): its tour tags (languages 1 and 2), museums 1-2,
exhibition 1, equipment 1.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.catalog.test_loader import count, load_errors
from tests.events.support import get
from tests.tours.support import guide, tour

from kasse.models import Equipment, Guide, Tour

REFERS = "the catalog file refers to entries that do not exist"
INVALID = "the catalog file is invalid"
WHERE = "tours[0] (id 90)"


def equipment(id: int = 9, **fields: Any) -> dict[str, Any]:
    return {"id": id, "museum_id": 1, "title": "Hocker", "stock": 5, **fields}


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"tours": [tour(90, museum_id=77)]}, [f"{WHERE}.museum_id: unknown museum 77"]),
        (
            {"tours": [tour(90, exhibition_id=77)]},
            [f"{WHERE}.exhibition_id: unknown exhibition 77"],
        ),
        ({"tours": [tour(90, category_id=99)]}, [f"{WHERE}.category_id: unknown category 99"]),
        (
            {
                "tours": [
                    tour(
                        90,
                        age_group_ids=[1, 9],
                        audience_ids=[9],
                        catch_word_ids=[9],
                        disablement_ids=[9],
                        grade_ids=[9],
                        proposal_category_ids=[9],
                    )
                ]
            },
            [
                f"{WHERE}.age_group_ids: unknown age_groups entry 9",
                f"{WHERE}.audience_ids: unknown audiences entry 9",
                f"{WHERE}.catch_word_ids: unknown catch_words entry 9",
                f"{WHERE}.disablement_ids: unknown disablements entry 9",
                f"{WHERE}.grade_ids: unknown grades entry 9",
                f"{WHERE}.proposal_category_ids: unknown proposal_categories entry 9",
            ],
        ),
        ({"tours": [tour(90, language_ids=[1, 8])]}, [f"{WHERE}.language_ids: unknown language 8"]),
        (
            {
                "tours": [
                    tour(
                        90,
                        language_ids=[1],
                        surcharges=[{"id": 3, "title": "Z", "price_cents": 1, "language_ids": [2]}],
                    )
                ]
            },
            [f"{WHERE}.surcharges[0] (id 3).language_ids: 2 is not a language of the tour"],
        ),
        (
            {"tours": [tour(90, equipment_ids=[1, 7])]},
            [f"{WHERE}.equipment_ids: unknown equipment 7"],
        ),
        (
            {"guides": [guide(9, 1, 8, museum_ids=[1, 77])]},
            [
                "guides[0] (id 9).language_ids: unknown language 8",
                "guides[0] (id 9).museum_ids: unknown museum 77",
            ],
        ),
        (
            {"equipment": [equipment(museum_id=77)]},
            ["equipment[0] (id 9).museum_id: unknown museum 77"],
        ),
    ],
)
async def test_references(kasse, data, says):
    assert await load_errors(kasse, data) == (REFERS, says)


async def test_equipment_of_the_same_file_is_known(kasse):
    await kasse.load({"equipment": [equipment()], "tours": [tour(90, equipment_ids=[9])]})
    assert (await get(kasse, "/tours/90"))["tour"]["equipment"] == [
        {"id": 9, "title": "Hocker", "description": None, "stock": 5}
    ]


START = {"first": "11:00", "last": "15:00"}


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            {"tours": [tour(90, min_participants=11)]},
            f"{WHERE}: min_participants is greater than max_participants",
        ),
        ({"tours": [tour(90, prices=[])]}, f"{WHERE}: a tour has either prices or scale_prices"),
        (
            {"tours": [tour(90, scale_prices=[{"id": 1, "title": "a", "price_cents": 1}])]},
            f"{WHERE}: a tour has either prices or scale_prices",
        ),
        (
            {
                "tours": [
                    tour(
                        90,
                        prices=[],
                        scale_prices=[
                            {"id": 1, "title": "a", "price_cents": 1},
                            {"id": 1, "title": "b", "price_cents": 2},
                        ],
                    )
                ]
            },
            f"{WHERE}: scale_prices: id 1 appears twice",
        ),
        (
            {
                "tours": [
                    tour(
                        90,
                        surcharges=[
                            {"id": 2, "title": "a", "price_cents": 1},
                            {"id": 2, "title": "b", "price_cents": 2},
                        ],
                    )
                ]
            },
            f"{WHERE}: surcharges: id 2 appears twice",
        ),
        (
            {
                "tours": [
                    tour(
                        90,
                        surcharges=[{"id": 2, "title": "a", "price_cents": 1, "weekdays": ["so"]}],
                    )
                ]
            },
            f"{WHERE}.surcharges[0] (id 2).weekdays: 'so' is not a weekday like 'mon'",
        ),
        (
            {"tours": [tour(90, start_times={**START, "every": 20})]},
            f"{WHERE}.start_times: every: start times lie in 15-minute steps",
        ),
        (
            {"tours": [tour(90, start_times={"first": "15:00", "last": "11:00"})]},
            f"{WHERE}.start_times: first is after last",
        ),
        (
            {"tours": [tour(90, start_times={**START, "weekdays": ["mon", "fr"]})]},
            f"{WHERE}.start_times: weekdays: 'fr' is not a weekday like 'mon'",
        ),
        (
            {"guides": [guide(9, 1, hours={"mo": "09:00-17:00"})]},
            "guides[0] (id 9).hours: 'mo' is not a weekday like 'mon'",
        ),
        (
            {"guides": [guide(9, 1, hours={"mon": "17:00-09:00"})]},
            "guides[0] (id 9).hours: mon: '17:00-09:00' is not a span of time like '09:00-17:00'",
        ),
        (
            {"guides": [guide(9, 1, hours={"mon": "9 to 5"})]},
            "guides[0] (id 9).hours: mon: '9 to 5' is not a span of time like '09:00-17:00'",
        ),
    ],
)
async def test_invalid_entries(kasse, data, says):
    assert await load_errors(kasse, data) == (INVALID, [says])


async def test_nothing_is_written_when_an_entry_is_bad(kasse):
    before = (await count(kasse, Tour), await count(kasse, Guide), await count(kasse, Equipment))
    data = {
        "guides": [guide(9, 1)],
        "equipment": [equipment()],
        "tours": [tour(90), tour(91, museum_id=77)],
    }
    assert (await load_errors(kasse, data))[0] == REFERS
    after = (await count(kasse, Tour), await count(kasse, Guide), await count(kasse, Equipment))
    assert after == before


async def test_a_load_stores_the_rules_the_api_uses(kasse):
    await kasse.load(
        {
            "guides": [guide(9, 2, hours={"sat": "09:00-12:00"})],
            "tours": [tour(90, max_participants=12, language_ids=[2], lead_days=3)],
        }
    )
    async with kasse.instance.read_sessions() as session:
        stored = await session.get(Tour, 90)
        ida = await session.get(Guide, 9)
    assert stored is not None and ida is not None
    assert stored.start_rule == {"first": 660, "last": 900, "every": 60, "weekdays": list(range(7))}
    assert (stored.max_participants, stored.lead_days, stored.language_ids) == (12, 3, [2])
    assert ida.hours == {"5": [540, 720]}
