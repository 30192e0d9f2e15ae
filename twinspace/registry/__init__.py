"""The registry of schools, teachers, classes and pupils, and national validation."""
