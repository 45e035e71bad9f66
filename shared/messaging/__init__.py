"""Kafka plumbing: codec, dead letters, the outbox relay and the idempotent consumer."""
