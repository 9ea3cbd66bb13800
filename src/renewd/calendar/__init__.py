"""The working-day calendar in use: everyone planned on it, notice imports, its status."""
