"""Signed webhooks: other systems hear about invitations, submissions, scores and decisions.

Apps call :func:`servicefit.webhooks.events.emit` from their services; deliveries are made by the
task worker after the transaction commits, signed with HMAC-SHA256 over a timestamp and the body.
"""
