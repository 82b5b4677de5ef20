"""gunicorn's configuration for PIC Portal (`make serve-prod`, `make bench`).

    gunicorn pic.wsgi -c gunicorn.conf.py

Every value can be changed from the environment (below) or on the command line, which
gunicorn lets override this file. Sync workers: the views are plain blocking Django, and
the database (not the CPU) is what a slow request waits on, so processes, not threads.
"""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "pic.wsgi:application"
bind = os.environ.get("PIC_BIND", "127.0.0.1:8000")
# gunicorn's rule of thumb for sync workers: two per core plus one, so a core never idles
# while a worker waits on PostgreSQL. Each holds one persistent database connection
# (DATABASE_CONN_MAX_AGE): workers x servers must stay below PostgreSQL's max_connections.
workers = _int("WEB_CONCURRENCY", 2 * _cpus() + 1)
worker_class = "sync"
# A request still running after this many seconds is killed and its worker replaced: the
# slowest page (a statewide report at 100k applications) takes a few seconds.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a proxy on the same network that reuses connections.
keepalive = 5
# Recycle each worker after some thousands of requests (jittered, so not all at once): a
# slow leak in a library then never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# The heartbeat file on a memory file system: a slow disk must not look like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented choice
# No access log by default (the proxy keeps one); PIC_ACCESS_LOG=- prints one structured
# line per request to stdout (or give a file path).
accesslog = os.environ.get("PIC_ACCESS_LOG") or None
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": "%(B)s", "ms": %(M)s, "ip": "%(h)s", "agent": "%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front (nginx on the same box) is the only address whose X-Forwarded-* is
# believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "pic-portal"
