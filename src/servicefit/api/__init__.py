"""The versioned REST API (``/api/v1/``), its tokens, webhooks and the ATS partner contract."""
