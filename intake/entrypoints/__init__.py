"""Intake's edges: the HTTP router (status for adapters, the identity vault)."""
