"""Production: records, produce, the manifest, verify, the letter, bundles, faults."""
