"""Master data: museums, exhibitions, tickets, quotas, lookups."""
