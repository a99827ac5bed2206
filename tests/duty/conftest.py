from tests.workers import celery_processes  # noqa: F401  (fixture)
