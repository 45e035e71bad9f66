"""Intake's adapters. The event store is eventsourcing's recorder, chosen by settings; there is
nothing else to adapt yet."""
