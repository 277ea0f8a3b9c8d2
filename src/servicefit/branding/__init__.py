"""Employer branding: the organisation's name, logo and accent colour on candidate pages,
e-mails and the PDF report, with the accent's text colour chosen for WCAG AA contrast."""
