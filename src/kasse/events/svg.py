"""A seating plan as a standalone SVG that a shop can draw and click.

One element per seat, drawn where the catalog file places it (``x``, ``y`` in seat widths from
the top left): a ``<rect>``, or a ``<circle>`` for a seat of a special type (a wheelchair place,
say). Each carries ``id="seat-<id>"``, ``data-seat-id``, ``data-category-id``, ``data-row`` (and
``data-type-id``) and a ``<title>`` naming row and seat, filled in its category's colour. Blocked
seats have the class ``blocked``, seats taken on the asked date the class ``taken``: the style
sheet greys both, and a shop's script can restyle any class. Row titles stand left of each row.

Built with ElementTree: every text from the catalog file is escaped by the serializer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Set
from typing import Any

from kasse.catalog.event_snapshot import SeatingData

SVG_NS = "http://www.w3.org/2000/svg"
UNIT = 32  # pixels per seat width
SEAT = 26  # a seat's drawn size
LABEL_WIDTH = 2 * UNIT  # room for the row titles
MARGIN = UNIT // 2
STYLE = (
    ".seat{stroke:#333;stroke-width:1;cursor:pointer}"
    ".seat.blocked{fill:#e0e0e0;stroke:#bdbdbd;cursor:not-allowed}"
    ".seat.taken{fill:#616161;cursor:not-allowed}"
    ".row-label{font:12px sans-serif;fill:#333;text-anchor:end;dominant-baseline:central}"
)
WORDS = {
    "de": {"row": "Reihe", "seat": "Platz", "blocked": "gesperrt", "taken": "belegt"},
    "en": {"row": "Row", "seat": "seat", "blocked": "blocked", "taken": "taken"},
}


def _px(units: float) -> str:
    return f"{units:g}"


def _seat_title(
    words: dict[str, str], row: str, seat: dict[str, Any], category: str, state: str | None
) -> str:
    text = f"{words['row']} {row}, {words['seat']} {seat['title']} ({category})"
    return f"{text}, {words[state]}" if state else text


def _seat_element(
    parent: ET.Element,
    seat: dict[str, Any],
    row_title: str,
    category: dict[str, Any],
    state: str | None,
    words: dict[str, str],
) -> None:
    left = LABEL_WIDTH + seat["x"] * UNIT + (UNIT - SEAT) / 2
    top = MARGIN + seat["y"] * UNIT + (UNIT - SEAT) / 2
    attributes = {
        "id": f"seat-{seat['id']}",
        "class": "seat" if state is None else f"seat {state}",
        "data-seat-id": str(seat["id"]),
        "data-category-id": str(seat["category_id"]),
        "data-row": row_title,
        "fill": category["color_code"],
    }
    if seat.get("type_id") is not None:
        attributes["data-type-id"] = str(seat["type_id"])
        attributes |= {
            "cx": _px(left + SEAT / 2),
            "cy": _px(top + SEAT / 2),
            "r": _px(SEAT / 2),
        }
        element = ET.SubElement(parent, "circle", attributes)
    else:
        attributes |= {
            "x": _px(left),
            "y": _px(top),
            "width": _px(SEAT),
            "height": _px(SEAT),
            "rx": "4",
        }
        element = ET.SubElement(parent, "rect", attributes)
    ET.SubElement(element, "title").text = _seat_title(
        words, row_title, seat, category["title"], state
    )


def _row_labels(parent: ET.Element, seats: list[dict[str, Any]], rows: dict[int, str]) -> None:
    by_row: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for seat in seats:
        by_row[seat["row_id"]].append(seat)
    for row_id, row_seats in sorted(by_row.items()):
        first = min(row_seats, key=lambda s: (s["x"], s["y"]))
        label = ET.SubElement(
            parent,
            "text",
            {
                "class": "row-label",
                "data-row": rows[row_id],
                "x": _px(LABEL_WIDTH + first["x"] * UNIT - UNIT / 4),
                "y": _px(MARGIN + first["y"] * UNIT + UNIT / 2),
            },
        )
        label.text = rows[row_id]


def seating_svg(
    seating: SeatingData, title: str, blocked: Set[int], taken: Set[int], locale: str
) -> bytes:
    """The plan of ``seating``, ``blocked`` and ``taken`` seats marked, texts in ``locale``."""
    layout = seating.row.layout
    words = WORDS.get(locale, WORDS["en"])
    rows = {row["id"]: row["title"] for row in layout["rows"]}
    categories = {category["id"]: category for category in layout["categories"]}
    seats = sorted(seating.seats.values(), key=lambda s: s["id"])
    width = LABEL_WIDTH + (max(s["x"] for s in seats) + 1) * UNIT + MARGIN
    height = 2 * MARGIN + (max(s["y"] for s in seats) + 1) * UNIT
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "width": _px(width),
            "height": _px(height),
            "viewBox": f"0 0 {_px(width)} {_px(height)}",
            "data-seating-id": str(seating.id),
        },
    )
    ET.SubElement(svg, "title").text = title
    ET.SubElement(svg, "style").text = STYLE
    _row_labels(ET.SubElement(svg, "g", {"class": "row-labels"}), seats, rows)
    group = ET.SubElement(svg, "g", {"class": "seats"})
    for seat in seats:
        state = "blocked" if seat["id"] in blocked else "taken" if seat["id"] in taken else None
        _seat_element(
            group, seat, rows[seat["row_id"]], categories[seat["category_id"]], state, words
        )
    document: bytes = ET.tostring(svg, encoding="utf-8", xml_declaration=True)
    return document
