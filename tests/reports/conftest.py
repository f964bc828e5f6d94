"""Fixtures of the reports tests (none of their own yet: they take the root ones of
``tests/conftest.py`` and pytest's). A fixture two modules of this group share goes
here; plain helpers stay modules of the ``tests`` package."""
