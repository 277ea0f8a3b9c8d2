"""Running ServiceFit for real: the supervised task worker, its heartbeat and sweeper, health.

- :mod:`.worker`: the django-tasks-db worker wrapped so it survives database outages;
- :mod:`.leases`: worker heartbeats and the sweeper that re-queues tasks of dead workers;
- :mod:`.health`: the readiness report behind ``/healthz``;
- :mod:`.supervisor`: ``servicefit serve`` (gunicorn plus task workers, restarted if they die).
"""
