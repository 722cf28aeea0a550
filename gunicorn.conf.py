"""gunicorn's settings for production (`gunicorn -c gunicorn.conf.py`): the WSGI app with the production
settings, behind a TLS proxy on the same machine. Each value can be changed from the environment (an empty
variable means the default, as in the settings)."""

import multiprocessing
import os

wsgi_app = "reemploi.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)  # a PDF of 10,000 devices takes under 10 s
graceful_timeout = 30  # a deploy lets requests in progress finish
max_requests = 2000  # a worker is replaced now and then (memory held by the catalogue index is given back)
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"  # the proxy's address
accesslog = "-"
errorlog = "-"
# The access log's usual fields, the time taken and the request id (the X-Request-ID the app returns).
access_log_format = '%(h)s - %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms request_id=%({x-request-id}o)s'
