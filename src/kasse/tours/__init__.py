"""Guided tours: start times from their rules, guides, languages and equipment."""
