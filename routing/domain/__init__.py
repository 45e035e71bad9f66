"""Routing's business rules: the disposition of one report and what a router decides."""
