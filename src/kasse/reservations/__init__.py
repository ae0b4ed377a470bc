"""Short-term holds on ticket places."""
