"""The shared base every stage stands on: canonical JSON, dates, the closed sets, the strict
JSON reader, safe Markdown and safe text in messages."""
