"""The vocabulary every layer shares: the records that cross module boundaries, errors and settings."""
