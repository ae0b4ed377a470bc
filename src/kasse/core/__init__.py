"""Cross-cutting pieces: database session and transaction, errors, auth, clock, ids, paging."""
