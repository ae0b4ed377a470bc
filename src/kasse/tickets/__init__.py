"""Ticket items: admission sold in orders (day, time-slot, combined, flex tickets and annual
passes), as an ``ItemKind`` of the order pipeline (``kind.py``)."""
