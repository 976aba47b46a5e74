"""The runner of a server process: at most ``size`` jobs evaluating at once on its
evaluation threads, the others in line within their deadline; a job past its deadline
answers at once, its thread is abandoned for a new one and the process is told to retire
(``on_stuck``); a second runaway in a retiring process gets no new thread."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from clustergraph.errors import QueryTimeout
from clustergraph.serve.runner import REPLACED, Runner


def runner(stuck: list[int] | None = None, size: int = 1) -> Runner:
    r = Runner(None, on_stuck=None if stuck is None else lambda: stuck.append(1), size=size)
    r.kg = object()  # the jobs below do not read the graph
    r.load()
    return r


def sleep(seconds: float) -> dict:
    return {"kind": "sleep", "seconds": seconds}


def test_a_job_is_answered_off_the_event_loop() -> None:
    async def main() -> tuple[dict, int]:
        r = runner()
        answer = await r.call(sleep(0.0), 5)
        threads = {t.name for t in threading.enumerate()}
        await r.close()
        return answer, "clustergraph-serve-evaluate" in threads

    assert asyncio.run(main()) == ({"ok": True}, True)


def test_past_the_deadline_503_and_the_next_job_runs_on_a_new_thread() -> None:
    stuck: list[int] = []

    async def main() -> tuple:
        r = runner(stuck)
        slow = asyncio.ensure_future(r.call(sleep(1.0), 0.3))
        await asyncio.sleep(0.05)
        start = time.monotonic()
        quick = asyncio.ensure_future(r.call(sleep(0.0), 2))  # waits in line
        with pytest.raises(QueryTimeout) as exc:
            await slow
        answer = await quick
        return exc.value.message, answer, time.monotonic() - start, r.stuck, r.running

    message, answer, elapsed, count, running = asyncio.run(main())
    assert message == ("the query ran past the 0.3 s time limit; no result (its server "
                       "process is being replaced)")
    assert answer == {"ok": True}
    assert elapsed < 0.6  # answered when the slow one was given up, not when it ended
    assert (count, running, stuck) == (1, 0, [1])


def test_one_job_at_a_time_the_others_wait_within_their_limit() -> None:
    stuck: list[int] = []

    async def main() -> tuple:
        r = runner(stuck)
        first = asyncio.ensure_future(r.call(sleep(0.4), 5))
        await asyncio.sleep(0.05)
        with pytest.raises(QueryTimeout) as exc:
            await r.call(sleep(0.0), 0.1)
        return exc.value.message, await first

    message, first = asyncio.run(main())
    assert message == "every query slot stayed busy for the 0.1 s limit; try again later"
    assert first == {"ok": True}
    assert stuck == []  # a job that never started does not retire the process


def test_size_jobs_evaluate_at_once() -> None:
    async def main() -> tuple:
        r = runner(size=2)
        start = time.monotonic()
        both = await asyncio.gather(r.call(sleep(0.3), 5), r.call(sleep(0.3), 5))
        together = time.monotonic() - start
        start = time.monotonic()
        three = await asyncio.gather(*(r.call(sleep(0.3), 5) for _ in range(3)))
        return both, together, three, time.monotonic() - start, r.running

    both, together, three, elapsed, running = asyncio.run(main())
    assert both == [{"ok": True}] * 2 and three == [{"ok": True}] * 3
    assert together < 0.5  # side by side, not one after the other
    assert 0.6 <= elapsed < 0.8  # two, then the third
    assert running == 0


def test_a_caller_that_goes_away_keeps_the_slot_until_its_job_ends() -> None:
    async def main() -> tuple:
        r = runner()
        first = asyncio.ensure_future(r.call(sleep(0.3), 5))
        await asyncio.sleep(0.05)
        first.cancel()
        await asyncio.sleep(0)
        with pytest.raises(QueryTimeout):
            await r.call(sleep(0.0), 0.1)  # the cancelled job still evaluates
        await asyncio.sleep(0.3)
        return await r.call(sleep(0.0), 1), r.stuck

    assert asyncio.run(main()) == ({"ok": True}, 0)


def test_a_bug_in_a_job_is_a_500_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    async def main() -> dict:
        return await runner().call({"kind": "sparql"}, 5)  # its fields missing: a KeyError

    assert asyncio.run(main()) == {
        "ok": False, "status": 500,
        "message": "internal error: the server could not answer this request"}
    assert "KeyError" in capsys.readouterr().err  # in the server's log, not the response


def test_a_second_runaway_in_a_retiring_process_starts_no_thread() -> None:
    """After one job ran past its deadline, one new thread serves the jobs already in line;
    if one of them runs past its deadline too, the process evaluates nothing more: the
    jobs still waiting and every later one answer 503 at once (at most two runaway queries
    per process, however many requests it holds)."""
    stuck: list[int] = []

    def evaluating() -> int:
        return sum(t.name == "clustergraph-serve-evaluate" for t in threading.enumerate())

    async def main() -> tuple:
        before = evaluating()
        r = runner(stuck)
        first = asyncio.ensure_future(r.call(sleep(1.5), 0.3))
        await asyncio.sleep(0.05)
        second = asyncio.ensure_future(r.call(sleep(1.5), 0.65))  # in line, then runs away
        third = asyncio.ensure_future(r.call(sleep(0.0), 5))  # in line behind it
        results = await asyncio.gather(first, second, third, return_exceptions=True)
        start = time.monotonic()
        with pytest.raises(QueryTimeout) as later:
            await r.call(sleep(0.0), 5)
        waited = time.monotonic() - start
        return ([getattr(x, "message", x) for x in results], later.value.message, waited,
                evaluating() - before, r.stuck)

    results, later, waited, threads, count = asyncio.run(main())
    ran_past = ("the query ran past the {} s time limit; no result (its server process is "
                "being replaced)")
    assert results == [ran_past.format("0.3"), ran_past.format("0.65"), REPLACED]
    assert later == REPLACED and waited < 0.05  # at once, not after its 5 s
    assert threads == 2  # the two runaway ones, still sleeping: no third was started
    assert (count, stuck) == (2, [1])  # told to retire once


def test_a_slot_that_comes_with_too_little_time_left_is_not_used() -> None:
    """A job handed its slot with less than a tenth of its limit left answers 503 without
    starting: started, it would run past its deadline and retire the process."""
    stuck: list[int] = []

    async def main() -> tuple:
        r = runner(stuck)
        first = asyncio.ensure_future(r.call(sleep(0.3), 5))
        await asyncio.sleep(0.01)
        with pytest.raises(QueryTimeout) as exc:
            await r.call(sleep(0.2), 0.31)  # the slot comes after ~0.29 s: 0.02 s left
        return exc.value.message, await first, r.running

    message, first, running = asyncio.run(main())
    assert message == "every query slot stayed busy for the 0.31 s limit; try again later"
    assert (first, running, stuck) == ({"ok": True}, 0, [])
