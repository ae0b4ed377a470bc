"""The load benchmark of kasse (``make bench``): not a test, run on demand. See docs/performance.md."""
