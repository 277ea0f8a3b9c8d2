"""Protection at the edges: logins, second factor, CSP, log masking, input normalisation."""
