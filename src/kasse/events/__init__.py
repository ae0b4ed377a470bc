"""Events: dates with places or a seating plan, booked as ``Event`` order items."""
