"""The training catalogue: events, enrolment, waiting lists and certificates."""
