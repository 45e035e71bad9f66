"""Tracking's HTTP edges: public status by tracking id, statistics for analysts."""
