"""[Entry] → Site: the published model (order, tags, editions, archives, related)."""
