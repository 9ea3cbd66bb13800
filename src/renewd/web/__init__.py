"""The web server: feeds, the subscribe page, health and metrics."""
