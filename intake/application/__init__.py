"""Intake's use cases: record and screen messages, answer status, open the vault."""
