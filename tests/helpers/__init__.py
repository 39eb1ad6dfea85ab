"""Shared test helpers (not tests): fixtures' building blocks imported by several stages' tests."""
