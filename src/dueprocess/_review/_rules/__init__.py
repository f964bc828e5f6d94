"""The review rules as data. See :mod:`dueprocess._review._rules.tables`."""
