"""Intake's domain: reports, screening, the identity vault (stdlib and eventsourcing.domain only).

Module paths here are frozen: stored events name `module:qualname`.
"""
