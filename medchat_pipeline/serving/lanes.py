"""Lanes: each model has its own queue, workers and limits, so trouble in one never holds the other's requests.

- BatchLane runs a model in this process (`run(jobs)`, blocking) on one worker thread: it takes the
  waiting jobs, emergencies first, for up to `batch_wait_s` or `max_batch_size` of them, and generates
  them together. If a batch raises, each of its jobs is retried alone, so one poisoned request fails
  by itself.
- AsyncLane runs a model whose `run(job)` is a coroutine (the teacher gateway, an OpenAI-compatible
  endpoint such as vLLM) on its own event loop thread: at most `concurrency` calls in flight, each
  bounded by `timeout_s` and the job's deadline, and a breaker that stops sending after
  `breaker_failures` consecutive failures for `breaker_cooldown_s` (the router then fails over at
  once instead of waiting on a model that is down).

`submit(job, priority, limited)` returns a Ticket whose `result` is a concurrent.futures.Future[Generation];
`ticket.cancel()` stops the job whether it is waiting or generating. Priorities: EMERGENCY (first in
the small lane's queue, never waits for a large-model slot), ROUTED (questions routed to this model),
FALLBACK (questions another model could not answer: they take the small model's spare capacity, so
a failing large model does not slow the questions routed small). A lane refuses a `limited` job with
QueueFull (retry_after_s) when `max_queue` jobs wait, and any job with LaneUnavailable while it is
closed or its breaker is open.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import threading
import time
from concurrent.futures import Future
from typing import Any

from medchat_pipeline.serving.backends import Generation, GenerationJob

log = logging.getLogger(__name__)


EMERGENCY, ROUTED, FALLBACK = 0, 1, 2


class QueueFull(Exception):
    def __init__(self, lane: str, retry_after_s: float) -> None:
        super().__init__(f"the {lane} model's queue is full")
        self.lane = lane
        self.retry_after_s = retry_after_s


class LaneUnavailable(Exception):
    """The lane takes no work now (closed, or its breaker is open)."""


class Ticket:
    def __init__(self, job: GenerationJob, priority: int) -> None:
        self.job = job
        self.priority = priority
        self.result: Future[Generation] = Future()
        self.queued_at = time.monotonic()
        self.started_at: float | None = None  # when a worker took it (queue time = started - queued)
        self._task_future: Future | None = None

    def cancel(self) -> None:
        self.job.cancel.set()
        if self._task_future is not None:
            self._task_future.cancel()

    @property
    def queue_s(self) -> float:
        return (self.started_at or time.monotonic()) - self.queued_at


def _resolve(ticket: Ticket, generation: Generation) -> None:
    if not ticket.result.done():
        ticket.result.set_result(generation)


class BatchLane:
    def __init__(self, name: str, model: Any, max_batch_size: int, batch_wait_s: float, max_queue: int) -> None:
        self.name = name
        self.model = model
        self.max_batch_size = max_batch_size
        self.batch_wait_s = batch_wait_s
        self.max_queue = max_queue
        self.batches = 0
        self.answered = 0
        self.in_flight = 0
        self._batch_s = 1.0  # running mean of a batch's duration, for Retry-After
        self._waiting: list[tuple[int, int, Ticket]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name=f"medchat-{name}-lane", daemon=True)
        self._thread.start()

    def depth(self) -> int:
        return len(self._waiting)

    def ready(self) -> bool:
        return self._thread.is_alive() and not self._closing

    def retry_after_s(self) -> float:
        return max(1.0, math.ceil((len(self._waiting) / self.max_batch_size + 1) * self._batch_s))

    def submit(self, job: GenerationJob, priority: int = ROUTED, limited: bool = True) -> Ticket:
        with self._cond:
            if self._closing:
                raise LaneUnavailable(f"the {self.name} model is shutting down")
            # Only the jobs that would go before this one count: fallbacks waiting behind do not fill it.
            if limited and sum(waiting[0] <= priority for waiting in self._waiting) >= self.max_queue:
                raise QueueFull(self.name, self.retry_after_s())
            ticket = Ticket(job, priority)
            heapq.heappush(self._waiting, (priority, next(self._order), ticket))
            self._cond.notify()
        return ticket

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout=60)
        with self._cond:
            for _, _, ticket in self._waiting:
                _resolve(ticket, Generation(None, "unavailable: the server is shutting down", finish_reason="error"))
            self._waiting.clear()

    def _take(self) -> list[Ticket] | None:
        with self._cond:
            while not self._waiting and not self._closing:
                self._cond.wait()
            if self._closing:
                return None
            batch = [heapq.heappop(self._waiting)[2]]
            until = time.monotonic() + self.batch_wait_s
            while len(batch) < self.max_batch_size:
                if self._waiting:
                    batch.append(heapq.heappop(self._waiting)[2])
                    continue
                remaining = until - time.monotonic()
                if remaining <= 0 or self._closing:
                    break
                self._cond.wait(remaining)
            return batch

    def _loop(self) -> None:
        while True:
            batch = self._take()
            if batch is None:
                return
            now = time.monotonic()
            for ticket in batch:
                ticket.started_at = now
            self.in_flight = len(batch)
            started = time.perf_counter()
            generations = self._run([ticket.job for ticket in batch])
            self._batch_s = 0.8 * self._batch_s + 0.2 * (time.perf_counter() - started)
            self.in_flight = 0
            self.batches += 1
            self.answered += len(batch)
            for ticket, generation in zip(batch, generations):
                _resolve(ticket, generation)

    def _run(self, jobs: list[GenerationJob]) -> list[Generation]:
        try:
            return self.model.run(jobs)
        except Exception as exc:
            if len(jobs) == 1:
                log.exception("the %s model failed on a request", self.name)
                return [Generation(None, f"internal: {type(exc).__name__}", finish_reason="error")]
            log.warning("a batch of %d failed on the %s model (%s); answering each alone", len(jobs), self.name,
                        type(exc).__name__)
            return [self._run([job])[0] for job in jobs]


class AsyncLane:
    def __init__(
        self, name: str, model: Any, *, concurrency: int, max_queue: int, timeout_s: float,
        breaker_failures: int, breaker_cooldown_s: float,
    ) -> None:
        self.name = name
        self.model = model
        self.concurrency = concurrency
        self.max_queue = max_queue
        self.timeout_s = timeout_s
        self.breaker_failures = breaker_failures
        self.breaker_cooldown_s = breaker_cooldown_s
        self.answered = 0
        self.in_flight = 0
        self._pending = 0
        self._failures = 0
        self._open_until = 0.0
        self._answer_s = 1.0  # running mean of an answer's duration, for Retry-After
        self._lock = threading.Lock()
        self._closed = False
        self.loop = asyncio.new_event_loop()
        self._slots = asyncio.Semaphore(concurrency)  # binds to self.loop on first use
        self._thread = threading.Thread(target=self.loop.run_forever, name=f"medchat-{name}-lane", daemon=True)
        self._thread.start()
        start = getattr(model, "astart", None)
        if start is not None:  # e.g. the teacher gateway's session: clients made once, on this loop
            asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout=60)

    def depth(self) -> int:
        return max(0, self._pending - self.in_flight)

    def breaker_open(self) -> bool:
        return time.monotonic() < self._open_until

    def ready(self) -> bool:
        return self._thread.is_alive() and not self._closed

    def retry_after_s(self) -> float:
        return max(1.0, math.ceil((self.depth() / self.concurrency + 1) * self._answer_s))

    def submit(self, job: GenerationJob, priority: int = ROUTED, limited: bool = True) -> Ticket:
        with self._lock:
            if self._closed:
                raise LaneUnavailable(f"the {self.name} model is shutting down")
            if self.breaker_open():
                raise LaneUnavailable(f"the {self.name} model failed {self._failures} times in a row; "
                                      f"not asked again for {self._open_until - time.monotonic():.0f}s")
            if limited and self._pending >= self.concurrency + self.max_queue:
                raise QueueFull(self.name, self.retry_after_s())
            self._pending += 1
        ticket = Ticket(job, priority)
        ticket._task_future = asyncio.run_coroutine_threadsafe(self._run(ticket), self.loop)
        ticket._task_future.add_done_callback(lambda done: self._finished(ticket, done))
        return ticket

    def _finished(self, ticket: Ticket, done: Future) -> None:
        with self._lock:
            self._pending -= 1
        if done.cancelled():
            _resolve(ticket, Generation(None, "cancelled: the client went away", finish_reason="cancelled"))
        else:
            _resolve(ticket, done.result())

    async def _run(self, ticket: Ticket) -> Generation:
        if ticket.priority == EMERGENCY:  # an emergency does not wait for a slot
            return await self._call(ticket)
        async with self._slots:
            return await self._call(ticket)

    async def _call(self, ticket: Ticket) -> Generation:
        job = ticket.job
        ticket.started_at = time.monotonic()
        timeout = self.timeout_s
        if job.deadline is not None:
            timeout = min(timeout, job.deadline - time.monotonic())
        if job.cancel.is_set():
            return Generation(None, "cancelled: the client went away", finish_reason="cancelled")
        if timeout <= 0:
            return Generation(None, "timeout: the request's deadline passed in the queue", finish_reason="timeout")
        self.in_flight += 1
        started = time.perf_counter()
        try:
            generation = await asyncio.wait_for(self.model.run(job), timeout)
        except TimeoutError:
            generation = Generation(None, f"timeout: no answer within {timeout:.1f}s", finish_reason="timeout")
        except Exception as exc:
            log.exception("the %s model failed on a request", self.name)
            generation = Generation(None, f"internal: {type(exc).__name__}", finish_reason="error")
        finally:
            self.in_flight -= 1
        self._answer_s = 0.8 * self._answer_s + 0.2 * (time.perf_counter() - started)
        self._record(generation)
        return generation

    def _record(self, generation: Generation) -> None:
        with self._lock:
            if generation.text is not None:
                self.answered += 1
                self._failures = 0
            elif generation.finish_reason != "cancelled":
                self._failures += 1
                if self._failures >= self.breaker_failures and self.breaker_cooldown_s > 0:
                    self._open_until = time.monotonic() + self.breaker_cooldown_s
                    log.warning("the %s model failed %d times in a row (%s); skipping it for %.0fs",
                                self.name, self._failures, generation.error_kind, self.breaker_cooldown_s)

    def close(self) -> None:
        with self._lock:
            self._closed = True

        async def shut() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            close = getattr(self.model, "aclose", None)
            if close is not None:
                await close()

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(shut(), self.loop).result(timeout=30)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=30)
        self.loop.close()
