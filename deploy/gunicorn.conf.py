"""gunicorn for one app node of the production stack (SPEC §8), behind nginx.

nginx buffers every request and response whole, so a slow client holds an nginx connection (cheap,
event-driven), never one of these sync workers. Settings come from the environment so that one file
serves every node: GUNICORN_BIND, GUNICORN_WORKERS.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
# A request may wait up to SQLITE_BUSY_SECONDS (25) for a write lock; past 30 s the worker is killed.
timeout = 30
graceful_timeout = 20
# nginx keeps connections to the nodes open (upstream keepalive): hold them between its requests.
keepalive = 30
# Only nginx on this host may say who the client is (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# A worker is replaced after this many requests, with some jitter: memory stays bounded.
max_requests = 5000
max_requests_jitter = 500
accesslog = None
errorlog = "-"
loglevel = "warning"
