"""The audit trail: who did what to which job or candidate, and when.

The lowest layer of the Django apps: every app may call :func:`servicefit.audit.recording.record`, and this package
imports no other ServiceFit app (an import-linter contract keeps it that way). Subject
rights (export, erasure) sit above the apps in :mod:`servicefit.privacy`.
"""
