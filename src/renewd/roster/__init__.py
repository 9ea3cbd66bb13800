"""Roster readers: TOML, CSV and XLSX files into people."""
