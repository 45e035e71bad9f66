"""Routing's use cases: policies on reports and cases, admin triage, translation to contracts."""
