"""The read model's revisions, oldest first."""
