"""The public surface (what each public module exports) and the small shared values."""
