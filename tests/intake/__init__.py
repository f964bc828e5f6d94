"""Intake: reading a request, its JSON Schemas, the example cases' intake, hostile input."""
