"""The assembly: builds the Starlette app (factory), runs it (server), the command line and the
demo seed."""
