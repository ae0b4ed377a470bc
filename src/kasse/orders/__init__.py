"""Orders: creation (checkout), listing and detail."""
