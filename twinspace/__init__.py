"""TwinSpaces: real-time collaboration for cross-border school projects."""

__version__ = "0.1.0"
