"""Contracts and plumbing shared by the four services (no business rules)."""
