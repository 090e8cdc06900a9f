"""Integration tests: the database fixtures live in tests/db_fixtures.py (a plugin loaded
by tests/conftest.py), shared with the functional tests."""
