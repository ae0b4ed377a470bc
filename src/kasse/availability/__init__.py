"""Live availability: slots, capacity of tickets and quotas, the calendar."""
