"""Tokens as events: the registry each process projects from `lapor.tokens.v1`."""
