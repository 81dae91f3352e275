"""gunicorn's settings for foilog, from the environment (docs/deploy.md).

    gunicorn foilog.wsgi        # reads this file from the working directory

Every value can be overridden with an environment variable named after it.
"""

import multiprocessing
import os

wsgi_app = "foilog.wsgi:application"

# Behind nginx on the same host by default; GUNICORN_BIND=0.0.0.0:8000 behind a separate
# load balancer.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Pages spend most of their time in PostgreSQL, so a little more than one worker per
# core keeps the CPUs busy while others wait on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threads per worker: gunicorn's gthread worker. A download made afresh (a filtered CSV
# of a million rows) streams for a minute in one thread while the others serve pages,
# and the worker stays alive past `timeout` (a sync worker would be killed, and every
# page queued behind the download). foilog lets each process stream at most two
# downloads (disclosures/exports.py), so pages always have threads. DB_POOL=true lets
# the threads share a few database connections.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request still running after this many seconds is killed and its worker restarted:
# no page of the log should take more than a few seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx keeps connections to gunicorn alive between requests.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Restart each worker after a number of requests (spread so they do not all restart at
# once), which bounds any slow growth in memory.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# Off: each worker imports the app (and opens its own database connections) after the
# fork, so no connection or pool is ever shared between processes, and a reload (HUP)
# picks up new code.
preload_app = False

# Logs to standard error, collected by systemd's journal.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address (as nginx passed it), request, status, size, and the time in microseconds.
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT",
    '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(D)sus',
)

# nginx in front sets X-Forwarded-Proto; trust it only from the local proxy.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
