"""Tracking's adapters: the SQLAlchemy read model, its projector, the holiday calendar."""
