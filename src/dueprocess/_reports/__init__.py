"""Stage 5, transparency reports (docs/concepts.md, "Transparency report").

``_build`` counts closed cases into a ``_report.Report``; ``_layouts`` declares every
published layout as data and ``_csvio``/``_read`` write and read them; ``_google``,
``_meta`` and ``_dsa`` hold each provider's categories; ``_bands`` the national-security
bands of 50 U.S.C. 1874(a); ``_check``, ``_compare``, ``_plot`` and ``_notebook`` what an
analyst does with a report. The public names are in :mod:`dueprocess.reports`.
"""
