"""Fairness and validity: voluntary self-identification, adverse-impact monitoring, local
validation against job outcomes. Group data is only ever shown as aggregates."""
