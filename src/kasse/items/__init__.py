"""What every kind of order item shares, below the order pipeline that sells them.

``kind.py`` is the protocol each kind (tickets, coupons; events and tours later) implements and
``orders/`` drives; ``context.py`` the request context the services take; ``state.py`` and
``refs.py`` an order's state and reference as every package reads them. Nothing here imports a
kind or ``orders/``: the kinds and the pipeline both stand on this package.
"""
