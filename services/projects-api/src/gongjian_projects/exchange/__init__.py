"""Exchange by interface (对接): the change feed for machine clients, the year's plan in bulk, and the outbound
push adapter with its dead letters."""
