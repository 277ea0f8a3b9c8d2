"""Human oversight: suspending a job's automated scoring, candidates' requests for human
review or to contest, the per-candidate explanation and the decision-log retention."""
