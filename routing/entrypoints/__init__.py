"""Routing's edges: the admin triage HTTP API."""
