"""The soak: the platform on Kafka, its services as separate processes, under a steady load of writes while a
fault script kills and restarts what it runs on; then a check of every acknowledged write and every event
against the databases and the broker. `python -m soak --help`; see soak/README.md."""
