"""Tracking: the one place that orders a report's life (cases, deadlines, status)."""
