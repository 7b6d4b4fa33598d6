"""Runs whose process is gone: find them, mark them failed, free their pool slots.

A run holds its `gpu` / `teacher_api` pool slots in the instance until it ends. A process killed
with `kill -9` (or a crashed machine) never ends its run: it stays STARTED and keeps the slots,
and every later run that needs the pool waits forever. Dagster's run monitoring catches this
only where the run launcher can check the worker (Docker, Kubernetes); the local launcher and
`execute_in_process` cannot. So:

- `medchat run` tags each run with its pid, host, process start time and a heartbeat it refreshes
  (`LAUNCHER_TAGS`); `recover_abandoned_runs` marks a run failed when that process is gone on
  this host, or its heartbeat stopped (another host), and frees the slots of every finished or
  failed run that still holds some (`report_run_failed` alone leaves them taken);
- runs launched from the UI are checked through the pid Dagster records when it starts the run
  worker ("Started process for run (pid: …)"), when that worker runs on this machine; the same
  check backs `LocalRunLauncher.check_run_worker_health`, so the daemon's run monitoring fails
  them too (dagster.yaml: run_launcher, run_monitoring.free_slots_after_run_end_seconds).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dagster as dg
import psutil
from dagster._core.events import DagsterEventType, JobFailureData, RunFailureReason
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus
from dagster._core.storage.dagster_run import FINISHED_STATUSES, DagsterRunStatus, RunsFilter
from dagster._core.storage.tags import GRPC_INFO_TAG

PID_TAG = "medchat/pid"
HOST_TAG = "medchat/host"
PROCESS_STARTED_TAG = "medchat/process_started"
HEARTBEAT_TAG = "medchat/heartbeat"
HEARTBEAT_INTERVAL_S = 20.0
# A heartbeat older than this on another host means that process is gone (a busy machine may
# delay a beat by seconds, never by minutes).
HEARTBEAT_STALE_S = 180.0
IN_PROGRESS = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def launcher_tags() -> dict[str, str]:
    """Tags naming this process, so a later `medchat run` can tell whether it still runs."""
    return {
        PID_TAG: str(os.getpid()),
        HOST_TAG: socket.gethostname(),
        PROCESS_STARTED_TAG: f"{psutil.Process().create_time():.2f}",
        HEARTBEAT_TAG: f"{time.time():.0f}",
    }


def process_alive(pid: int, started: float | None = None) -> bool:
    """Whether `pid` runs on this machine and is the same process (its start time, when known, matches:
    a reused pid is another process)."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return started is None or abs(process.create_time() - started) < 1.0
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return False


@dataclass
class RecoveredRun:
    run_id: str
    job_name: str
    reason: str
    freed_slots: dict[str, int] = field(default_factory=dict)
    marked_failed: bool = True

    def describe(self) -> str:
        slots = ", ".join(f"{count} {pool} slot{'s' if count > 1 else ''}" for pool, count in sorted(self.freed_slots.items()))
        action = "marked FAILURE" if self.marked_failed else "already ended"
        return f"run {self.run_id[:8]} ({self.job_name}): {self.reason}; {action}" + (f", freed {slots}" if slots else "")


def abandoned_reason(instance: dg.DagsterInstance, run: dg.DagsterRun, now: float | None = None) -> str | None:
    """Why this in-progress run can no longer finish, or None when it may still be running (or we cannot tell)."""
    now = time.time() if now is None else now
    tags = run.tags
    if PID_TAG in tags:
        pid, host = int(tags[PID_TAG]), tags.get(HOST_TAG, "")
        if host == socket.gethostname():
            started = float(tags[PROCESS_STARTED_TAG]) if PROCESS_STARTED_TAG in tags else None
            return None if process_alive(pid, started) else f"its process {pid} on {host} is gone"
        beat = float(tags.get(HEARTBEAT_TAG, "0"))
        if now - beat > HEARTBEAT_STALE_S:
            return f"its heartbeat from {host} (pid {pid}) stopped {now - beat:.0f} s ago"
        return None
    pid = run_worker_pid(instance, run)
    if pid is not None and not process_alive(pid):
        return f"its run worker (pid {pid}) on this machine is gone"
    return None


def run_worker_pid(instance: dg.DagsterInstance, run: dg.DagsterRun) -> int | None:
    """The pid Dagster recorded when it started the run's worker, if that worker runs on this machine."""
    grpc = json.loads(run.tags.get(GRPC_INFO_TAG, "{}") or "{}")
    if not grpc or not ("socket" in grpc or grpc.get("host") in LOCAL_HOSTS | {socket.gethostname()}):
        return None
    for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        metadata = event.engine_event_data.metadata if event and event.engine_event_data else {}
        if "pid" in metadata and "Started process for run" in (event.message or ""):
            return int(metadata["pid"].value)
    return None


def slots_held(instance: dg.DagsterInstance) -> dict[str, dict[str, int]]:
    """{run_id: {pool: steps holding or queued for a slot}} over every pool of the instance."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return {}
    held: dict[str, dict[str, int]] = {}
    for pool in storage.get_concurrency_keys():
        info = storage.get_concurrency_info(pool)
        # A claimed step keeps its queue entry too: count each (run, step) once.
        for run_id, _step in {(e.run_id, e.step_key) for e in [*info.claimed_slots, *info.pending_steps]}:
            counts = held.setdefault(run_id, {})
            counts[pool] = counts.get(pool, 0) + 1
    return held


def recover_abandoned_runs(instance: dg.DagsterInstance, now: float | None = None) -> list[RecoveredRun]:
    """Mark in-progress runs whose process is gone as failed and free every slot a finished run holds."""
    recovered: list[RecoveredRun] = []
    held = slots_held(instance)
    for record in instance.get_run_records(filters=RunsFilter(statuses=IN_PROGRESS)):
        run = record.dagster_run
        reason = abandoned_reason(instance, run, now)
        if reason is None:
            continue
        message = f"medchat: {reason}; the run can no longer finish, so it is marked failed and its pool slots are freed."
        instance.report_run_failed(
            run, message, JobFailureData(error=None, failure_reason=RunFailureReason.UNEXPECTED_TERMINATION, first_step_failure_event=None)
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(RecoveredRun(run.run_id, run.job_name, reason, held.pop(run.run_id, {})))
    if held:
        finished = instance.get_run_records(filters=RunsFilter(run_ids=list(held), statuses=list(FINISHED_STATUSES)))
        known = {r.dagster_run.run_id for r in instance.get_run_records(filters=RunsFilter(run_ids=list(held)))}
        ended = {r.dagster_run.run_id: r.dagster_run for r in finished}
        for run_id in list(held):
            if run_id in ended or run_id not in known:
                instance.event_log_storage.free_concurrency_slots_for_run(run_id)
                status = ended[run_id].status.value if run_id in ended else "deleted"
                job = ended[run_id].job_name if run_id in ended else "?"
                recovered.append(RecoveredRun(run_id, job, f"it ended ({status}) still holding slots", held[run_id], marked_failed=False))
    return recovered


@dataclass
class PoolHolder:
    pool: str
    run_id: str
    step_key: str
    detail: str


def pools_full(instance: dg.DagsterInstance, pools: set[str]) -> tuple[dict[str, int], list[PoolHolder]]:
    """The pools among `pools` whose every slot is taken ({pool: limit}), and who holds them."""
    storage = instance.event_log_storage
    if not pools or not storage.supports_global_concurrency_limits:
        return {}, []
    full: dict[str, int] = {}
    holders: list[PoolHolder] = []
    for pool in sorted(pools):
        info = storage.get_concurrency_info(pool)
        if info.limit is None or len(info.claimed_slots) < info.limit:
            continue
        full[pool] = info.limit
        for slot in info.claimed_slots:
            run = instance.get_run_by_id(slot.run_id)
            holders.append(PoolHolder(pool, slot.run_id, slot.step_key, _holder_detail(run)))
    return full, holders


def _holder_detail(run: dg.DagsterRun | None) -> str:
    if run is None:
        return "a deleted run"
    tags = run.tags
    if PID_TAG in tags:
        beat = time.time() - float(tags.get(HEARTBEAT_TAG, "0"))
        return f"{run.status.value}, pid {tags[PID_TAG]} on {tags.get(HOST_TAG, '?')}, heartbeat {beat:.0f} s ago"
    return f"{run.status.value}, launched outside `medchat run` (UI, schedule or sensor)"


def wait_for_pools(
    instance: dg.DagsterInstance,
    pools: set[str],
    on_event: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    repeat_s: float = 60.0,
) -> float:
    """Block until every pool in `pools` has a free slot; returns the seconds waited.

    Says which run holds each pool and why we wait, again every `repeat_s`; re-checks for abandoned
    holders while waiting (a holder killed meanwhile is recovered at once); sleeps between checks
    (1 s growing to 10 s), so waiting costs no CPU; Ctrl-C / SIGTERM end the wait (KeyboardInterrupt)."""
    with _interrupts_at_safe_points() as stop:
        return _wait_for_pools(instance, pools, on_event, sleep, repeat_s, stop)


@contextmanager
def _interrupts_at_safe_points() -> Iterator[threading.Event]:
    """While waiting, Ctrl-C and SIGTERM set an event instead of raising wherever the main thread is (it may be
    inside a storage call, which would be left half done); the wait raises KeyboardInterrupt at its next check.
    Off the main thread signals cannot be caught: the event is then never set."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.signal(sig, lambda _signum, _frame: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait_for_pools(instance, pools, on_event, sleep, repeat_s, stop: threading.Event) -> float:
    started = time.monotonic()
    last_said = -repeat_s
    delay = 1.0
    while True:
        if stop.is_set():
            raise KeyboardInterrupt
        for recovered in recover_abandoned_runs(instance):
            on_event(f"    recovered {recovered.describe()}")
        full, holders = pools_full(instance, pools)
        if not full:
            return time.monotonic() - started
        waited = time.monotonic() - started
        if waited - last_said >= repeat_s:
            last_said = waited
            limits = ", ".join(f"{pool} (limit {limit})" for pool, limit in full.items())
            on_event(f"    waiting for pool {limits}; {waited:.0f} s so far. Held by:")
            for holder in holders:
                on_event(f"      {holder.pool}: run {holder.run_id[:8]} step {holder.step_key} ({holder.detail})")
            raise_hint = " ".join(f"`dagster instance concurrency set {pool} {limit + 1}`" for pool, limit in full.items())
            on_event(f"    (it is still running; to allow more at once: {raise_hint}; Ctrl-C stops waiting)")
        if sleep is time.sleep:
            if stop.wait(delay):  # woken at once by Ctrl-C / SIGTERM
                raise KeyboardInterrupt
        else:
            sleep(delay)
        delay = min(delay * 1.5, 10.0)


class Heartbeat:
    """Refreshes HEARTBEAT_TAG on the runs this process executes, from a daemon thread."""

    def __init__(self, instance: dg.DagsterInstance, interval_s: float = HEARTBEAT_INTERVAL_S) -> None:
        self.instance = instance
        self.interval_s = interval_s
        self.run_id: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="medchat-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval_s):
            run_id = self.run_id
            if run_id is None:
                continue
            try:
                self.instance.add_run_tags(run_id, {HEARTBEAT_TAG: f"{time.time():.0f}"})
            except Exception:  # the run may not exist yet, or storage is busy: the next beat retries
                continue


class LocalRunLauncher(DefaultRunLauncher):
    """Dagster's default launcher, plus the worker health check run monitoring needs: on this machine a
    run worker's liveness is its pid (recorded by Dagster when the worker starts)."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        reason = abandoned_reason(self._instance, run)
        if reason is not None:
            return CheckRunHealthResult(WorkerStatus.FAILED, reason)
        return CheckRunHealthResult(WorkerStatus.RUNNING)


def install_pool_wait_fix() -> None:
    """Make a step blocked on a pool inside a run sleep, and stop on Ctrl-C.

    Dagster 1.13's in-process executor sleeps `min(0, time to next claim check)` between checks,
    which is always 0 (dagster-io/dagster#20367 proposed the fix; it was closed unmerged), so a
    blocked step spins a core; and that loop never looks at the interrupt Dagster captured, so
    Ctrl-C and SIGTERM are ignored until the slot frees. `medchat run` waits for pools itself
    before each stage (wait_for_pools); this covers the race where another run takes the slot
    between that wait and the step's claim. Idempotent."""
    from dagster._core.errors import DagsterExecutionInterruptedError
    from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
    from dagster._utils.interrupts import check_captured_interrupt

    if getattr(InstanceConcurrencyContext, "_medchat_sleeps", False):
        return

    def interval_to_next_pending_claim_check(self) -> float:
        if check_captured_interrupt():
            raise DagsterExecutionInterruptedError("interrupted while waiting for a pool slot")
        now = time.time()
        waits = [ready_at - now for ready_at in self._pending_timeouts.values()]
        return max(0.0, min(waits)) if self._pending_claims and waits else 0.0

    InstanceConcurrencyContext.interval_to_next_pending_claim_check = interval_to_next_pending_claim_check
    InstanceConcurrencyContext._medchat_sleeps = True
