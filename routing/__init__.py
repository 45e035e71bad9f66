"""Routing: disposes (disposisi) each accepted report to the competent body, or to triage."""
