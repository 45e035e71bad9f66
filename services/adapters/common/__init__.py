"""What every channel adapter shares: the outbound Kafka loop, its health, a clean stop."""
