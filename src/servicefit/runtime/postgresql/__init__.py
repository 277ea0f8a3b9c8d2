"""Django's PostgreSQL backend with a health check that costs no round trip when it need not.

Used as the database ``ENGINE`` whenever ``DATABASE_URL`` names PostgreSQL (see settings).
"""
