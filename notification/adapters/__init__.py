"""Adapters of the notification context: the Jinja2 template renderer."""
