"""Recruiter and interviewer pages, one module per area. Every view checks permissions first."""
