"""gunicorn's settings for the benchmark's servers (the site and the bare view alike). Without `-c`, gunicorn
would read the project's own `gunicorn.conf.py` from the working directory: an access-log line per request,
and workers replaced every ~2,000 requests — with the local-memory caches of the benchmark, every fragment
and cached page made again each time. Workers, bind and app come from the command line."""

accesslog = None
max_requests = 0
