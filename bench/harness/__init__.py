"""Shared plumbing for the benchmark scripts in bench/: processes, servers, tables."""
