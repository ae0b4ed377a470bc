"""kasse: an open-source museum ticketing server speaking the go~mus REST API v4."""

__version__ = "0.1.0"
