"""Routing's adapters: the keyword router and its rule data."""
