"""Notification: tells each reporter, in Bahasa Indonesia, what happened to their report."""
