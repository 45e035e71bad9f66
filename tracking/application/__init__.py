"""Tracking's use cases: consume report, disposition and SKPD messages; watch deadlines."""
