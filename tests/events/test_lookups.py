"""The events' tag lists: /events/categories, /languages, /age_groups, /audiences, /catch_words,
/proposal_categories, /grades (and kasse's /disablements)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.events.support import LECTURE, dates_of, event, event_date, get

DEMO_LISTS = {
    "categories": [
        {"id": 1, "name": "Vortrag"},
        {"id": 2, "name": "Kurs / Workshop"},
        {"id": 3, "name": "Konzert"},
        {"id": 4, "name": "Öffentliche Führung"},
    ],
    "age_groups": [
        {"id": 1, "name": "Kinder bis 10 Jahre"},
        {"id": 2, "name": "Kinder ab 10 Jahre"},
        {"id": 3, "name": "Erwachsene"},
    ],
    "audiences": [
        {"id": 1, "name": "Jugendliche"},
        {"id": 2, "name": "Erwachsene"},
        {"id": 3, "name": "Familien"},
    ],
    "catch_words": [
        {"id": 1, "name": "Ägypten"},
        {"id": 2, "name": "Mythologie"},
        {"id": 3, "name": "Gold"},
    ],
    "proposal_categories": [
        {"id": 1, "name": "Schulklasse"},
        {"id": 2, "name": "Gruppe ohne Guide"},
    ],
    "grades": [
        {"id": 1, "name": "Grundschule Klasse 1"},
        {"id": 2, "name": "Grundschule Klasse 2"},
        {"id": 3, "name": "Sekundarstufe II"},
    ],
    "disablements": [{"id": 1, "name": "Rollstuhlgerecht"}],
}
GERMAN, ENGLISH = {"id": 1, "name": "Deutsch"}, {"id": 2, "name": "Englisch"}


@pytest.mark.parametrize("kind", sorted(DEMO_LISTS))
async def test_every_tag_list_in_the_files_order(kasse, kind):
    assert await get(kasse, f"/events/{kind}") == {kind: DEMO_LISTS[kind]}


async def test_names_in_the_asked_locale(kasse):
    assert (await get(kasse, "/events/categories", locale="en"))["categories"][1] == {
        "id": 2,
        "name": "Course / workshop",
    }
    both = await get(kasse, "/events/grades", **{"locale[]": ["de", "en"]})
    assert both["grades"][2] == {
        "id": 3,
        "name": {"de": "Sekundarstufe II", "en": "Upper secondary"},
    }


async def test_languages_of_the_dates_the_caller_can_book(kasse):
    assert await get(kasse, "/events/languages") == {"languages": [GERMAN, ENGLISH]}
    # Only the lecture's last date is in English: once it has begun, English is gone.
    last = (await dates_of(kasse, LECTURE))[-1]
    assert last["language"] == ENGLISH
    kasse.clock.set(datetime.fromisoformat(last["start_time"]) + timedelta(minutes=1))
    assert ENGLISH not in (await get(kasse, "/events/languages"))["languages"]
    # past every demo date: none
    kasse.clock.advance(timedelta(days=60))
    assert await get(kasse, "/events/languages") == {"languages": []}


async def test_languages_of_dates_the_caller_may_not_book_are_left_out(kasse):
    # past the demo's one English date
    last = (await dates_of(kasse, LECTURE))[-1]
    kasse.clock.set(datetime.fromisoformat(last["start_time"]) + timedelta(minutes=1))
    start = kasse.clock.now() + timedelta(days=3)
    await kasse.load(
        {
            "events": [
                # on sale nowhere, and to the public only
                event(90, event_date(901, start, language_id=2), bookable=False),
                event(91, event_date(911, start, language_id=2), bookable_reseller=False),
            ]
        }
    )
    assert ENGLISH in (await get(kasse, "/events/languages"))["languages"]
    assert ENGLISH in (await get(kasse, "/events/languages", "cashpoint"))["languages"]
    assert ENGLISH not in (await get(kasse, "/events/languages", "reseller"))["languages"]
