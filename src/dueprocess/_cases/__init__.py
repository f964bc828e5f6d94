"""Stage 4, cases: a request followed from receipt to close (docs/concepts.md).

``_lifecycle`` is the transition table, ``_case`` the values, ``_service`` the
operations (with ``_steps``, ``_release``, ``_holds``, ``_cures``), ``_audit`` the
hash-chained log, ``_codec`` the rows every store keeps, ``_integrity`` the stored rows
checked against the log, ``_deadlines``, ``_notice``, ``_ledger``, ``_invoice`` and
``_fees`` what is derived from cases, ``_actor`` who acts, ``_memory`` the in-memory stores.
The public names are in :mod:`dueprocess.cases`.
"""
