"""The document formats as JSON Schema, generated from intake's tables."""
