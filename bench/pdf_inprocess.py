"""Ticket PDF pages per CPU-second of the product's renderer, in this process (no HTTP, no DB).

The server-side figure (requests/s x pages / cores) includes the database, the order lookup and
HTTP; this one is the renderer alone, so the two together say where a PDF's time goes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kasse.documents import Location, TicketPage, new_barcode, render_ticket_pdf


@dataclass(frozen=True)
class PdfRate:
    pages_per_document: int
    documents: int
    cpu_seconds: float
    pages_per_cpu_second: float
    ms_per_document: float


def _pages(count: int) -> list[TicketPage]:
    return [
        TicketPage(
            museum_name="Benchmark-Museum",
            location=Location(street="Am Markt 1", zip="04109", city="Leipzig"),
            ticket_title="Tageskarte Museum am Markt",
            ticket_sub_title="Dauerausstellung und Sonderausstellung",
            date_text="Mittwoch, 2. Dezember 2026",
            slot_text="10:00–10:30",
            price_text="8,00 €",
            barcode=new_barcode("ean"),
            barcode_method="ean",
            order_reference="Bestellung 123456",
            after_sale_information="Gültig am gebuchten Tag. Kein Umtausch, keine Erstattung.",
        )
        for _ in range(count)
    ]


def measure(pages_per_document: int, seconds: float) -> PdfRate:
    pages = _pages(pages_per_document)
    render_ticket_pdf(pages)  # warm: fonts, imports
    documents = 0
    started = time.process_time()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        render_ticket_pdf(pages)
        documents += 1
    cpu = time.process_time() - started
    return PdfRate(
        pages_per_document=pages_per_document,
        documents=documents,
        cpu_seconds=round(cpu, 3),
        pages_per_cpu_second=round(documents * pages_per_document / cpu, 1),
        ms_per_document=round(1000 * cpu / documents, 2),
    )
