"""The daemon: the runtime that refreshes, delivers, serves and reports its health."""
