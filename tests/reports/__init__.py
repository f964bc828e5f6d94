"""Transparency reports: building, checking, reading and writing published layouts, plots."""
