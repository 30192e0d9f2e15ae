"""Accounts: password hashing, login sessions, throttling and the account service."""
