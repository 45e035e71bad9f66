"""Intake: turns channel messages into screened reports and keeps the identity vault."""
