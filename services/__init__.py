"""The runtime shell: one composition root per service and the `lapor` command line."""
