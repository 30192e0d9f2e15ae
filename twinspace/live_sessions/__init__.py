"""Live cross-border sessions: scheduling, join codes, roster, attendance and eyes-on-me."""
