"""Clustered mode: several server processes share one PostgreSQL database and one Redis.

The embedded default (one process, SQLite, the in-process bus) needs nothing from here. With
`TWINSPACE_REDIS_URL` set, the modules of this package carry page updates, awareness, project
events and socket-closing domain events between processes (docs/cluster.md).
"""
