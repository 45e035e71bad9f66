"""Notification use cases: compose messages for case events, record their delivery."""
