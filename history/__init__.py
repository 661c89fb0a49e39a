"""The local history of finished analyses (SQLite)."""
