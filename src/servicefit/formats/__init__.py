"""Locale formats that differ from Django's defaults (English as en-GB unless configured)."""
