"""What every channel adapter shares: the outbound Kafka loop and its clients (`outbound`), the
process's loop, clean stop and health (`lifecycle`), intake's vault (`vault`)."""
