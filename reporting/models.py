"""Reporting periods, progress reports and their snapshots (see the reporting issues)."""
