"""The `lapor` command line."""
