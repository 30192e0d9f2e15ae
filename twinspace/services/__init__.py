"""The services container: one instance of every domain service per running app."""
