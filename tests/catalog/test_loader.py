"""The catalog loader: every problem is reported by the entry it is in, and nothing is half-loaded.

These run through the ``kasse`` fixture (demo catalog loaded: museums 1-2, quotas 1-6, tickets
1-11 with sub tickets 61 and 62), so they run on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from kasse.catalog.demo import demo_catalog
from kasse.core.errors import Unprocessable
from kasse.models import Exhibition, Museum, MuseumClosure, OpeningHours, Quota, Ticket

pytestmark = pytest.mark.anyio


def museum(id: int = 50, **fields: Any) -> dict[str, Any]:
    return {"id": id, "title": f"Museum {id}", **fields}


def ticket(id: int = 50, **fields: Any) -> dict[str, Any]:
    return {"id": id, "title": f"Ticket {id}", "price_cents": 1000, "museum_ids": [1], **fields}


def slot_ticket(id: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": id,
        "title": f"Slot {id}",
        "ticket_type": "time_slot",
        "entry_duration": 30,
        "first_entry": "10:00",
        "last_entry": "16:00",
        **fields,
    }


async def load_errors(kasse, data: Any) -> tuple[str, list[str]]:
    with pytest.raises(Unprocessable) as caught:
        await kasse.load(data)
    return caught.value.message, [str(e) for e in caught.value.errors or []]


async def count(kasse, model: type[Any], *where: Any) -> int:
    async with kasse.instance.read_sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


# --- references ----------------------------------------------------------------------------------


async def test_unknown_quota_names_the_ticket(kasse):
    message, errors = await load_errors(kasse, {"tickets": [ticket(50, quota_ids=[3, 99])]})
    assert message == "the catalog file refers to entries that do not exist"
    assert errors == ["tickets[0] (id 50).quota_ids: unknown quota 99"]


async def test_unknown_references_are_all_reported(kasse):
    data = {
        "exhibitions": [{"id": 50, "museum_id": 77, "title": "Lost"}],
        "tickets": [
            ticket(50),
            ticket(51, museum_ids=[1, 78], exhibition_ids=[79]),
            slot_ticket(
                52,
                price_cents=100,
                museum_ids=[1],
                sub_tickets=[slot_ticket(520, quota_ids=[1]), slot_ticket(521, quota_ids=[98])],
            ),
        ],
    }
    _, errors = await load_errors(kasse, data)
    assert errors == [
        "exhibitions[0] (id 50).museum_id: unknown museum 77",
        "tickets[1] (id 51).museum_ids: unknown museum 78",
        "tickets[1] (id 51).exhibition_ids: unknown exhibition 79",
        "tickets[2] (id 52).sub_tickets[1] (id 521).quota_ids: unknown quota 98",
    ]


async def test_references_may_point_at_entries_already_loaded(kasse):
    # quota 1 and museum 2 come from the demo catalog, loaded before
    await kasse.load({"tickets": [ticket(50, museum_ids=[2], quota_ids=[1])]})
    assert await count(kasse, Ticket, Ticket.id == 50) == 1


# --- entry rules ---------------------------------------------------------------------------------


async def test_min_persons_above_max_persons(kasse):
    message, errors = await load_errors(
        kasse, {"tickets": [ticket(50), ticket(51, min_persons=8, max_persons=4)]}
    )
    assert message == "the catalog file is invalid"
    assert len(errors) == 1
    assert errors[0].startswith("tickets[1] (id 51)")
    assert "min_persons is greater than max_persons" in errors[0]


@pytest.mark.parametrize(
    ("fields", "where", "says"),
    [
        ({"price_cents": -1}, "tickets[0] (id 50).price_cents", "greater than or equal to 0"),
        ({"ticket_type": "season"}, "tickets[0] (id 50).ticket_type", "'normal'"),
        ({"ticket_type": "time_slot"}, "tickets[0] (id 50)", "needs entry_duration"),
        ({"entry_duration": 30}, "tickets[0] (id 50)", "only for time_slot"),
        ({"colour": "red"}, "tickets[0] (id 50).colour", "Extra inputs are not permitted"),
        ({"museum_ids": []}, "tickets[0] (id 50)", "at least one museum"),
        ({"free_timing": True, "quota_ids": [3]}, "tickets[0] (id 50)", "cannot draw from quotas"),
        ({"valid_from": "2030-02-01", "valid_to": "2030-01-01"}, "tickets[0]", "valid_from"),
    ],
)
async def test_ticket_rules(kasse, fields, where, says):
    _, errors = await load_errors(kasse, {"tickets": [ticket(50, **fields)]})
    assert any(e.startswith(where) and says in e for e in errors), errors


async def test_sub_ticket_errors_name_the_sub_ticket(kasse):
    data = {
        "tickets": [
            slot_ticket(
                50,
                price_cents=100,
                museum_ids=[1],
                sub_tickets=[slot_ticket(500), slot_ticket(501, first_entry="18:00")],
            )
        ]
    }
    _, errors = await load_errors(kasse, data)
    assert len(errors) == 1
    assert errors[0].startswith("tickets[0] (id 50).sub_tickets[1] (id 501)")
    assert "first_entry is after last_entry" in errors[0]


async def test_exhibition_frame(kasse):
    data = {
        "exhibitions": [
            {
                "id": 50,
                "museum_id": 1,
                "title": "Backwards",
                "start_date": "2030-05-01",
                "end_date": "2030-04-01",
            }
        ]
    }
    _, errors = await load_errors(kasse, data)
    assert errors[0].startswith("exhibitions[0] (id 50)")
    assert "start_date is after end_date" in errors[0]


# --- duplicate ids -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"museums": [museum(50), museum(50)]}, "museum id 50 appears twice"),
        (
            {"quotas": [{"id": 7, "title": "a", "capacity": 1}] * 2},
            "quota id 7 appears twice",
        ),
        ({"tickets": [ticket(50), ticket(50)]}, "ticket id 50 appears twice"),
        (
            {
                "tickets": [
                    slot_ticket(50, price_cents=1, museum_ids=[1], sub_tickets=[slot_ticket(51)]),
                    ticket(51),
                ]
            },
            "ticket id 51 appears twice",
        ),
    ],
)
async def test_duplicate_ids(kasse, data, says):
    _, errors = await load_errors(kasse, data)
    assert any(says in e for e in errors), errors


# --- opening hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "says"),
    [
        ({"monday": "10:00-18:00"}, "unknown weekday 'monday'"),
        ({"tue": "18:00-10:00"}, "is not a span like '10:00-18:00'"),
        ({"tue": "10:00"}, "is not a span like '10:00-18:00'"),
        ({"tue": "10-18"}, "is not a time of day"),
        ({"tue": "10:00-25:00"}, "is not a time of day"),
    ],
)
async def test_bad_opening_hours(kasse, hours, says):
    _, errors = await load_errors(kasse, {"museums": [museum(50, opening_hours=hours)]})
    assert len(errors) == 1
    assert errors[0].startswith("museums[0] (id 50).opening_hours"), errors
    assert says in errors[0]


async def test_opening_hours_and_closing_days_are_replaced(kasse):
    await kasse.load(
        {
            "museums": [
                museum(
                    50,
                    opening_hours={"mon": "09:00-12:00", "tue": None, "sun": "10:00-17:30"},
                    closed_on=["2030-12-24", "2030-12-24", "2030-12-31"],
                )
            ]
        }
    )
    async with kasse.instance.read_sessions() as session:
        rows = (
            await session.scalars(
                select(OpeningHours)
                .where(OpeningHours.museum_id == 50)
                .order_by(OpeningHours.weekday)
            )
        ).all()
    assert [(r.weekday, r.begin_minute, r.end_minute) for r in rows] == [
        (0, 540, 720),
        (6, 600, 1050),
    ]
    assert await count(kasse, MuseumClosure, MuseumClosure.museum_id == 50) == 2

    await kasse.load({"museums": [museum(50, opening_hours={"wed": "10:00-11:00"})]})
    assert await count(kasse, OpeningHours, OpeningHours.museum_id == 50) == 1
    assert await count(kasse, MuseumClosure, MuseumClosure.museum_id == 50) == 0


# --- the file as a whole -------------------------------------------------------------------------


@pytest.mark.parametrize("data", [[], "museums", None])
async def test_not_a_mapping(kasse, data):
    message, _ = await load_errors(kasse, data)
    assert "a catalog file is a mapping" in message


async def test_unknown_section(kasse):
    _, errors = await load_errors(kasse, {"museum": []})
    assert errors == ["museum: Extra inputs are not permitted"]


async def test_nothing_is_written_when_an_entry_is_bad(kasse):
    data = {
        "museums": [museum(50)],
        "quotas": [{"id": 50, "title": "new", "capacity": 10}],
        "tickets": [ticket(50, museum_ids=[50], quota_ids=[50, 99])],
    }
    await load_errors(kasse, data)
    assert await count(kasse, Museum, Museum.id == 50) == 0
    assert await count(kasse, Quota, Quota.id == 50) == 0
    assert await count(kasse, Ticket, Ticket.id == 50) == 0


async def test_loading_again_updates_in_place(kasse):
    before = {m.__name__: await count(kasse, m) for m in (Museum, Exhibition, Quota, Ticket)}
    catalog = demo_catalog(kasse.clock.now().date())
    catalog["quotas"][0]["capacity"] = 7
    catalog["tickets"][0]["price_cents"] = 1300
    await kasse.load(catalog)
    after = {m.__name__: await count(kasse, m) for m in (Museum, Exhibition, Quota, Ticket)}
    assert after == before
    async with kasse.instance.read_sessions() as session:
        assert (await session.get(Quota, 1)).capacity == 7
        assert (await session.get(Ticket, 1)).price_cents == 1300


async def test_plain_strings_become_default_locale_texts(kasse):
    await kasse.load({"museums": [museum(50, title="Stadtmuseum")]})
    async with kasse.instance.read_sessions() as session:
        assert (await session.get(Museum, 50)).title == {"de": "Stadtmuseum"}


async def test_pictures_and_content_blocks_are_stored_translated(kasse):
    picture = {"title": "Foyer", "copyright_info": {"de": "© Haus", "en": "© House"}}
    content = {"shop_title": {"de": "Stadt", "en": "City"}, "shop_description": "Alt", "rank": 2}
    await kasse.load(
        {
            "museums": [museum(50, picture={**picture, "url": "/m.jpg"}, content=content)],
            "exhibitions": [
                {"id": 50, "museum_id": 50, "title": "Schau", "slider_description": "Kurz",
                 "content": {"shop_title": "Schau"}, "picture": {"detail": "/d.jpg"},
                 "location": {"name": "Annex", "city": "Leipzig"}},
            ],
        }
    )  # fmt: skip
    async with kasse.instance.read_sessions() as session:
        stored = await session.get(Museum, 50)
        exhibition = await session.get(Exhibition, 50)
    assert stored.picture == {
        "title": {"de": "Foyer"},
        "description": {},
        "copyright_info": {"de": "© Haus", "en": "© House"},
        **dict.fromkeys(("teaser", "preview", "article", "detail"), "/m.jpg"),
    }
    assert stored.content == {
        "shop_title": {"de": "Stadt", "en": "City"},
        "shop_description": {"de": "Alt"},
        "rank": 2,
    }
    assert exhibition.slider_description == {"de": "Kurz"}
    assert exhibition.content == {"shop_title": {"de": "Schau"}}
    assert exhibition.picture["detail"] == "/d.jpg" and exhibition.picture["teaser"] is None
    assert exhibition.location["name"] == "Annex" and exhibition.location["street"] is None


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        (museum(picture={"url": "/m.jpg", "alt": "x"}), "museums[0] (id 50).picture.alt: Extra"),
        (museum(picture="/m.jpg"), "museums[0] (id 50).picture: Input should be"),
        (museum(content={"tags": ["a"]}), "museums[0] (id 50).content.tags"),
        (museum(content={"shop_title": {"de": 1}}), "museums[0] (id 50).content.shop_title"),
    ],
)
async def test_bad_pictures_and_content(kasse, entry, says):
    message, errors = await load_errors(kasse, {"museums": [entry]})
    assert message == "the catalog file is invalid"
    assert any(error.startswith(says) for error in errors), errors
    assert await count(kasse, Museum, Museum.id == 50) == 0


async def test_the_documented_example_catalog_loads(kasse):
    example = Path(__file__).parents[2] / "docs" / "examples" / "catalog.yaml"
    await kasse.load(yaml.safe_load(example.read_text(encoding="utf-8")))
    r = await kasse.client.get("/api/v4/exhibitions/101?locale=en")
    exhibition = r.json()["exhibition"]
    assert exhibition["slider_description"] == "Until September only"
    assert exhibition["location"]["name"] == "Stadtmuseum, Anbau"
    museum = (await kasse.client.get("/api/v4/museums/101")).json()["museum"]
    assert museum["picture"]["teaser"].endswith("haus-klein.jpg")
    assert museum["picture"]["detail"].endswith("haus.jpg")
