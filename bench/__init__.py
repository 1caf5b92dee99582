"""Benchmark of the portal under gunicorn (`make bench`)."""
