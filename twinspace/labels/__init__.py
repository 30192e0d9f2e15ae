"""National and European Quality Labels."""
