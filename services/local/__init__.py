"""Local infrastructure for `lapor dev up`, tests and benches: Kafka, PostgreSQL, stand-ins."""
