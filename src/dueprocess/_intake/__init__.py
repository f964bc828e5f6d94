"""Stage 1, intake: a request document becomes a typed, immutable LegalRequest."""
