"""Real concurrent transactions for the PostgreSQL race tests: the same action at the same instant."""

import threading

from django.conf import settings
from django.db import connection


def race(*functions) -> list:
    """Runs the functions at the same moment, each in its own thread (and so its own database connection); returns,
    in order, what each returned or the exception it raised."""
    barrier = threading.Barrier(len(functions), timeout=30)
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def outcomes(results, refused: type[Exception]) -> list[str]:
    """ "ok" or "refused" (the expected refusal) for each result, sorted; any other exception is raised."""
    for result in results:
        if isinstance(result, Exception) and not isinstance(result, refused):
            raise result
    return sorted("refused" if isinstance(result, refused) else "ok" for result in results)


# The journal refuses TRUNCATE, so the flush after a transactional test leaves it out (`available_apps`), and the
# `_journal_cleanup` fixture (tests/conftest.py) removes the entries the test committed.
APPS_BUT_JOURNAL = [app for app in settings.INSTALLED_APPS if app != "cnfs.journal"]
