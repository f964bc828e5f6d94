"""dueprocess's tests, one package per stage of the pipeline.

``intake``, ``review``, ``production``, ``cases``, ``reports``, ``stores`` (the record,
case and audit stores, SQL), ``cli``, ``docs`` (the pages, the README, the examples and the
demo) and ``base`` (the public surface and the shared values). Each group keeps its
fixtures in its ``conftest.py``; ``tests/conftest.py`` holds the ones several groups take.
Plain helpers (builders, Hypothesis strategies, the workers of child processes) are modules
of this package, imported relatively: ``support``, ``production_support``,
``cases_support``, ``report_fakes``, ``sql`` and ``workers``. ``data/`` holds vendored
data, not tests. ``test_layout.py`` keeps the tree this way.
"""
