"""The TwinSpace workspace: projects, members, pages and other spaces, and access rules."""
