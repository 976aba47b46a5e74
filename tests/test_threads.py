"""The pool of worker threads (:mod:`clustergraph.threads`) that query and validate share."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clustergraph import netguard
from clustergraph.errors import QueryTimeout, UsageError
from clustergraph.threads import offline, run


def test_without_a_timeout_the_query_runs_in_the_calling_thread() -> None:
    import threading

    assert run(threading.current_thread, timeout=None, what="q") is threading.current_thread()
    worker = run(threading.current_thread, timeout=5, what="q")
    assert worker is not threading.current_thread() and worker.daemon
    # an idle worker is used again rather than a thread started per query
    assert run(threading.current_thread, timeout=5, what="q") is worker


def test_an_idle_worker_keeps_nothing_of_its_last_job() -> None:
    import gc
    import weakref

    class Store:  # stands for the KnowledgeGraph a query's work closes over
        pass

    def work_on(store: Store) -> Callable[[], Store]:
        return lambda: store

    store = Store()
    gone = weakref.ref(store)
    work = work_on(store)
    assert run(work, timeout=5, what="q") is store
    del store, work
    gc.collect()
    assert gone() is None


def test_concurrent_time_limits_restore_the_switch_interval() -> None:
    import sys
    import threading

    before = sys.getswitchinterval()
    inside: list[float] = []
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        inside.append(sys.getswitchinterval())
        entered.set()
        release.wait(5)

    first = threading.Thread(target=lambda: run(hold, timeout=5, what="q1"))
    first.start()
    assert entered.wait(5)
    # a second caller starts and ends while the first still waits
    assert run(sys.getswitchinterval, timeout=5, what="q2") == inside[0] < before
    assert sys.getswitchinterval() == inside[0]  # the first is still waiting
    release.set()
    first.join(5)
    assert sys.getswitchinterval() == before


def test_past_its_limit_a_job_is_abandoned_and_its_thread_not_reused() -> None:
    import threading

    release = threading.Event()
    ran_in: list[threading.Thread] = []

    def stuck() -> None:
        ran_in.append(threading.current_thread())
        release.wait(5)

    with pytest.raises(QueryTimeout, match=r"^query 'slow' ran past the 0.05 s timeout; "
                                           r"stopped, no result$"):
        run(stuck, timeout=0.05, what="query 'slow'")
    release.set()
    ran_in[0].join(5)
    assert not ran_in[0].is_alive()  # it ended after its job instead of going back to the pool
    assert run(threading.current_thread, timeout=5) is not ran_in[0]


def test_sealed_and_unsealed_work_get_their_own_threads() -> None:
    import threading

    assert run(netguard.is_sealed, sealed=True) is True
    sealed = run(threading.current_thread, sealed=True)
    assert sealed.name == "clustergraph-sealed"
    assert run(threading.current_thread, sealed=True, timeout=5) is sealed  # reused
    plain = run(threading.current_thread, timeout=5)
    assert plain is not sealed and plain.name == "clustergraph-worker"
    assert run(netguard.is_sealed, timeout=5) is False
    assert netguard.is_sealed() is False  # the caller is never sealed


def test_from_a_sealed_thread_sealed_work_without_a_limit_runs_inline() -> None:
    import threading

    def inner() -> tuple[threading.Thread, threading.Thread]:
        return threading.current_thread(), run(threading.current_thread, sealed=True)

    outer, nested = run(inner, sealed=True)
    assert nested is outer


def test_context_variables_and_exceptions_cross_to_the_worker_and_back() -> None:
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    token = var.set("the caller's")
    try:
        assert run(var.get, sealed=True) == "the caller's"
        assert run(var.get, timeout=5) == "the caller's"
    finally:
        var.reset(token)

    def fails() -> None:
        raise LookupError("from the worker")

    with pytest.raises(LookupError, match="^from the worker$"):
        run(fails, timeout=5)
    with pytest.raises(LookupError, match="^from the worker$"):
        run(fails, sealed=True)


@pytest.mark.parametrize(("timeout", "shown"), [(0, "0"), (-1, "-1"), (float("nan"), "nan")])
def test_a_limit_that_is_not_a_positive_number_is_a_usage_error(timeout: float,
                                                                 shown: str) -> None:
    with pytest.raises(UsageError, match=rf"^--timeout must be a positive number of seconds "
                                         rf"\(got {shown}\)$"):
        run(lambda: None, timeout=timeout)


def test_offline_runs_the_function_sealed_and_keeps_its_name() -> None:
    @offline
    def where(x: int) -> tuple[int, bool]:
        """Doc."""
        return x, netguard.is_sealed()

    assert where(3) == (3, True)
    assert where.__name__ == "where" and where.__doc__ == "Doc."
