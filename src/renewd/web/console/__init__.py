"""The HR console (docs/design.md §12): `routes.mount(app, Console(...))`."""
