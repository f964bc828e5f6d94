"""The shared base: canonical JSON, dates, enums, the strict JSON reader, Markdown."""
