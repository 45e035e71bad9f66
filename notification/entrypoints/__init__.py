"""Edges of the notification context: the HTTP API."""
