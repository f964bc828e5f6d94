"""The review rules as data. See :mod:`dueprocess._rules.tables`."""
