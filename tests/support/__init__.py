"""Helpers shared by the tests: one place for each, imported by test files and conftest.py."""
