"""The HR console (SPEC §8): `routes.mount(app, Console(...))`."""
