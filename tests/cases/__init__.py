"""The case layer: the lifecycle table, the service, the audit log, the ledger, invoices."""
