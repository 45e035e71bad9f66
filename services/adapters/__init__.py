"""Channel adapters: each turns a gateway into intake messages and delivers outbound ones."""
