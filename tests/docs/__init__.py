"""The documentation: its pages and sessions, the README, the notebook, the demo, vendored data."""
