"""The version of dueprocess, in one place: the package, the build and the docs read it."""

__version__ = "0.1.0.dev0"
