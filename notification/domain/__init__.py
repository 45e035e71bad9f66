"""The notification domain: messages to reporters and their delivery (stdlib + eventsourcing)."""
