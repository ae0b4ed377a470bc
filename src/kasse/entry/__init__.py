"""Entry: turnstiles and scanners check, admit and let out barcodes (go~mus API v3 paths)."""
