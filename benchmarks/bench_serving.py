"""The HTTP server under load, against the stdlib server it replaced, both in one run (not a timed test).

    nice -n 5 .venv/bin/python benchmarks/bench_serving.py            # ~30 min on 2 busy CPUs
    .venv/bin/python benchmarks/bench_serving.py --quick               # fewer requests, a smoke run

Each server runs in its own child process (so its memory, threads and sockets can be watched) with the
same small model (SmolLM2-135M-Instruct, no adapter, greedy) and the same large model: a loopback
OpenAI-compatible server (the tests' fake provider) that answers in 5 s, or an address where nothing
listens. The old server is the stdlib ThreadingHTTPServer + one batcher thread as of commit OLD_COMMIT,
checked out of git history into a temporary package at run time (it is not kept in the package).

Measured, per server:
1. Isolation: the small-routed questions' latency (client-side, p50/p95) with 10 clients asking small
   questions alone, then with 10 more clients asking large-routed questions at the same time (20
   concurrent), with the large model slow (5 s) and unreachable. Goal: new p95 mixed ≤ 1.5 × p95 alone.
   Emergencies asked during the mixed load: time until their advice arrives.
2. Streaming: time to the first streamed text of a 64-token answer against its total time. Goal ≤ 30 %.
3. Leaks: RSS, threads and open sockets of the server process after 500 mixed requests (small, large,
   streamed, streams dropped mid-way, bad requests) against after a warm-up. Goal: RSS growth < 5 %,
   threads and sockets back where they were.
4. Outputs: the same questions answered by both servers (greedy) must be equal, and the new server's
   streamed pieces must add up to its whole answer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The last commit with the stdlib server (serving/server.py on ThreadingHTTPServer) and its service.
OLD_COMMIT = "7d8750c55e460216de3d3ddfeaf6eee52c5d6a67"
OLD_MODULES = {
    "medchat_pipeline.config.serving": "config_serving",
    "medchat_pipeline.serving.routing": "routing",
    "medchat_pipeline.serving.backends": "backends",
    "medchat_pipeline.serving.service": "service",
    "medchat_pipeline.serving.server": "server",
    "medchat_pipeline.decoding": "decoding",
}
EMERGENCIES = ["I have chest pain and I can't breathe", "I want to kill myself",
               "my son swallowed a whole bottle of pills"]
LONG_ANSWER_QUESTION = "Explain in detail how the heart pumps blood through the body."


# ------------------------------------------------------------------------------------------ the servers


def vendor_old_server(into: Path) -> str:
    """Write the old server's modules into a package under `into`, imports rewritten to each other."""
    package = into / "medchat_stdlib_server"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    for module, name in OLD_MODULES.items():
        path = module.replace(".", "/") + ".py"
        text = subprocess.run(["git", "show", f"{OLD_COMMIT}:{path}"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout
        for old_module in sorted(OLD_MODULES, key=len, reverse=True):
            text = text.replace(old_module, f"medchat_stdlib_server.{OLD_MODULES[old_module]}")
        (package / f"{name}.py").write_text(text)
    return package.name


def teachers_section(large_url: str) -> dict:
    # The teacher gateway's default retries and timeouts: what a profile gets unless it says otherwise.
    return {"default": "slow", "teachers": {"slow": {"provider": "openai", "model": "fake-model", "base_url": large_url}}}


def serve(kind: str, large_url: str, threads: int, small_tokens: int, ready_file: Path) -> None:
    """Child process: build one server and serve until killed; write its URL to ready_file."""
    import torch

    torch.set_num_threads(threads)
    os.environ.setdefault("MEDCHAT_STORAGE_DIR", tempfile.mkdtemp(prefix="bench-serving-"))
    from medchat_pipeline.config import load_config
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model
    from medchat_pipeline.teachers import TeacherPool

    cfg = load_config("demo", overrides={"teachers": teachers_section(large_url),
                                         "serving": {"large": {"teacher": "slow"}, "port": 0}})
    base = resolve_base_model(DEMO_BASE_MODEL)
    pool = TeacherPool.from_config(cfg)
    if kind == "new":
        from medchat_pipeline.serving import ChatService, LocalChatModel, TeacherChatModel, start_server

        small = LocalChatModel(base, max_new_tokens=small_tokens, batch_size=8)
        service = ChatService(small, TeacherChatModel(pool, "slow", max_new_tokens=64), cfg.serving)
        url = start_server(service, cfg.serving, port=0).url
    else:
        sys.path.insert(0, tempfile.mkdtemp(prefix="old-server-"))
        vendor_old_server(Path(sys.path[0]))
        from medchat_stdlib_server import backends, config_serving, server, service

        old_cfg = config_serving.ServingConfig(system_prompt=cfg.serving.system_prompt, port=0,
                                               large={"teacher": "slow", "max_new_tokens": 64})
        small = backends.LocalChatModel(base, max_new_tokens=small_tokens, batch_size=8)
        old_service = service.ChatService(small, backends.TeacherChatModel(pool, "slow", max_new_tokens=64), old_cfg)
        httpd, _thread = server.start_server(old_service, old_cfg, port=0)
        url = httpd.url
    ready_file.write_text(url)
    threading.Event().wait()


class Child:
    def __init__(self, kind: str, large_url: str, threads: int, small_tokens: int) -> None:
        self.kind = kind
        ready = Path(tempfile.mkdtemp()) / "url"
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", kind, "--large-url", large_url, "--threads", str(threads),
             "--small-tokens", str(small_tokens), "--ready-file", str(ready)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        while not ready.exists() or not ready.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the {kind} server did not start")
            time.sleep(0.2)
        self.url = ready.read_text()
        self.ps = psutil.Process(self.process.pid)

    def footprint(self) -> dict:
        return {"rss_mb": round(self.ps.memory_info().rss / 2**20, 1), "threads": self.ps.num_threads(),
                "sockets": len(self.ps.net_connections(kind="tcp")), "fds": self.ps.num_fds()}

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


# ------------------------------------------------------------------------------------------ the clients


def ask(url: str, question: str, model: str = "medchat-router", max_tokens: int | None = None,
        stream: bool = False, timeout: float = 300.0) -> dict:
    body = {"model": model, "messages": [{"role": "user", "content": question}], "stream": stream}
    if max_tokens:
        body["max_tokens"] = max_tokens
    try:
        return _ask(url, body, stream, timeout)
    except httpx.HTTPError as exc:  # a timeout or a dropped connection is a result too
        return {"status": 0, "latency_s": timeout, "first_s": timeout, "text": None, "tokens": 0, "route": None,
                "error": type(exc).__name__}


def _ask(url: str, body: dict, stream: bool, timeout: float) -> dict:
    started = time.perf_counter()
    first = None
    text = ""
    route = None
    with httpx.Client(timeout=timeout) as client:
        if not stream:
            response = client.post(f"{url}/v1/chat/completions", json=body)
            elapsed = time.perf_counter() - started
            payload = response.json()
            ok = response.status_code == 200
            return {"status": response.status_code, "latency_s": elapsed,
                    "text": payload["choices"][0]["message"]["content"] if ok else None,
                    "tokens": payload["usage"]["completion_tokens"] if ok else 0,
                    "route": payload.get("medchat_route") if ok else None}
        with client.stream("POST", f"{url}/v1/chat/completions", json=body) as response:
            for line in response.iter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                event = json.loads(line[6:])
                for choice in event.get("choices", []):
                    piece = choice["delta"].get("content")
                    if piece:
                        first = first or time.perf_counter()
                        text += piece
                route = event.get("medchat_route") or route
            status = response.status_code
    total = time.perf_counter() - started
    return {"status": status, "latency_s": total, "first_s": (first or time.perf_counter()) - started,
            "text": text, "route": route}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def load_phase(child: Child, small_qs: list[str], large_qs: list[str], clients: int, per_client: int,
               with_large: bool, small_tokens: int) -> dict:
    """`clients` threads ask small questions one after another; with_large: as many threads ask
    large-routed ones for as long, and one asks the emergencies (streamed). server_cpu_s: the CPU time
    the server process spent meanwhile."""
    url = child.url
    cpu_before = sum(child.ps.cpu_times()[:2])
    small_latencies: list[float] = []
    statuses: list[int] = []
    large_latencies: list[float] = []
    advice_s: list[float] = []
    done = threading.Event()

    def small_client(index: int) -> None:
        for turn in range(per_client):
            result = ask(url, small_qs[(index * per_client + turn) % len(small_qs)], max_tokens=small_tokens)
            statuses.append(result["status"])
            if result["status"] == 200:
                small_latencies.append(result["latency_s"])

    def large_client(index: int) -> None:
        turn = 0
        while not done.is_set():
            # A case number makes each question new to the teacher gateway's cache: every one waits for the model.
            result = ask(url, f"{large_qs[(index * 7 + turn) % len(large_qs)]} (case {index}-{turn})", max_tokens=32)
            large_latencies.append(result["latency_s"])
            turn += 1

    def emergency_client() -> None:
        for question in EMERGENCIES:
            time.sleep(2.0)
            result = ask(url, question, max_tokens=16, stream=True)
            advice_s.append(result["first_s"])

    small_threads = [threading.Thread(target=small_client, args=(i,)) for i in range(clients)]
    other = []
    if with_large:
        other = [threading.Thread(target=large_client, args=(i,)) for i in range(clients)]
        other.append(threading.Thread(target=emergency_client))
        for thread in other:
            thread.start()
        time.sleep(1.0)  # the large traffic is in flight before the small questions come
    started = time.perf_counter()
    for thread in small_threads:
        thread.start()
    for thread in small_threads:
        thread.join()
    wall = time.perf_counter() - started
    done.set()
    for thread in other:
        thread.join()
    return {
        "server_cpu_s": round(sum(child.ps.cpu_times()[:2]) - cpu_before, 1),
        "small_answered": len(small_latencies), "small_errors": sum(s != 200 for s in statuses),
        "small_p50_s": round(statistics.median(small_latencies), 3) if small_latencies else None,
        "small_p95_s": round(percentile(small_latencies, 0.95), 3) if small_latencies else None,
        "small_max_s": round(max(small_latencies), 3) if small_latencies else None,
        "wall_s": round(wall, 1), "small_answers_per_s": round(len(small_latencies) / wall, 2),
        "large_requests": len(large_latencies),
        "large_p50_s": round(statistics.median(large_latencies), 2) if large_latencies else None,
        "advice_s": [round(x, 2) for x in advice_s],
    }


def streaming_phase(url: str, rounds: int) -> dict:
    runs = [ask(url, LONG_ANSWER_QUESTION, model="medchat-router-small", max_tokens=64, stream=True)
            for _ in range(rounds)]
    shares = [run["first_s"] / run["latency_s"] for run in runs]
    whole = ask(url, LONG_ANSWER_QUESTION, model="medchat-router-small", max_tokens=64)
    return {"first_chunk_s": round(statistics.median(r["first_s"] for r in runs), 3),
            "total_s": round(statistics.median(r["latency_s"] for r in runs), 3),
            "first_share_median": round(statistics.median(shares), 3), "first_share_max": round(max(shares), 3),
            "answer_tokens": whole["tokens"],
            "stream_equals_whole": all(run["text"] == whole["text"] for run in runs)}


def drop_stream(url: str, question: str) -> None:
    """A streaming client that reads the first chunk and leaves."""
    body = {"model": "medchat-router-small", "messages": [{"role": "user", "content": question}],
            "stream": True, "max_tokens": 48}
    try:
        with httpx.Client(timeout=120) as client, client.stream("POST", f"{url}/v1/chat/completions",
                                                                json=body) as response:
            for _ in response.iter_bytes():
                break
    except httpx.HTTPError:
        pass


def leak_phase(child: Child, small_qs: list[str], large_qs: list[str], requests: int, warmup: int) -> dict:
    url = child.url
    rng = random.Random(7)

    def one(i: int) -> None:
        kind = i % 10
        question = small_qs[i % len(small_qs)]
        if kind < 5:
            ask(url, question, max_tokens=8)
        elif kind < 7:
            ask(url, question, max_tokens=8, stream=True)
        elif kind == 7:
            drop_stream(url, question)
        elif kind == 8:
            try:
                httpx.post(f"{url}/v1/chat/completions", content=b"{broken", timeout=30)
            except httpx.HTTPError:
                pass
        else:
            ask(url, f"{large_qs[rng.randrange(len(large_qs))]} (case {i})", max_tokens=8)

    def run(count: int, offset: int) -> None:
        pending = list(range(offset, offset + count))
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    i = pending.pop()
                one(i)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    run(warmup, 0)
    time.sleep(3)
    before = child.footprint()
    started = time.perf_counter()
    run(requests, warmup)
    wall = time.perf_counter() - started
    time.sleep(8)  # keep-alive and disconnected sockets close
    after = child.footprint()
    return {"requests": requests, "wall_s": round(wall, 1), "before": before, "after": after,
            "rss_growth": round(after["rss_mb"] / before["rss_mb"] - 1, 4)}


# ------------------------------------------------------------------------------------------ main


def questions() -> tuple[list[str], list[str]]:
    from medchat_pipeline.config import load_config
    from medchat_pipeline.serving.routing import Router, source_labelled_questions

    data = Path(os.environ.get("MEDCHAT_SHARED_DATA", "/work/shared/data"))
    if not data.exists():
        raise SystemExit(f"the real question slices are needed: {data} (set MEDCHAT_SHARED_DATA)")
    asked, labels, _counts = source_labelled_questions(data)
    router = Router(load_config("demo").serving.router)
    small, large = [], []
    for question, label in zip(asked, labels):
        decision = router.route(question)
        if decision.emergency or len(question) > 600:
            continue
        if label == decision.route == "small":
            small.append(question)
        elif label == decision.route == "large":
            large.append(question)
    rng = random.Random(13)
    rng.shuffle(small)
    rng.shuffle(large)
    return small[:200], large[:200]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run, not the figures)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads in each server (default 1)")
    parser.add_argument("--per-client", type=int, default=2,
                        help="small questions each of the 10 small clients asks per phase (default 2)")
    parser.add_argument("--leak-requests", type=int, default=500,
                        help="requests between the two footprints of the leak phase (default 500)")
    parser.add_argument("--only", choices=["new", "old"], help="measure one server")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--serve", choices=["new", "old"], help=argparse.SUPPRESS)
    parser.add_argument("--large-url", help=argparse.SUPPRESS)
    parser.add_argument("--small-tokens", type=int, default=64, help=argparse.SUPPRESS)
    parser.add_argument("--ready-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.large_url, args.threads, args.small_tokens, args.ready_file)
        return

    from medchat_pipeline_tests.teachers.fake_provider_server import start_fake_provider_server

    small_qs, large_qs = questions()
    per_client, leak_requests, rounds = (1, 60, 2) if args.quick else (args.per_client, args.leak_requests, 3)
    slow = start_fake_provider_server(latency_s=5.0)
    report: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                "load_avg_at_start": os.getloadavg()}, "servers": {}}
    kinds = [args.only] if args.only else ["old", "new"]
    for kind in kinds:
        figures: dict = {}
        for large_name, large_url in (("slow_5s", slow.openai_base_url), ("unreachable", "http://127.0.0.1:9/v1")):
            print(f"[{kind}] isolation, large model {large_name}…", file=sys.stderr)
            child = Child(kind, large_url, args.threads, 64)
            try:
                if large_name == "slow_5s":
                    figures["outputs"] = [ask(child.url, q, model="medchat-router-small", max_tokens=32)["text"]
                                          for q in small_qs[:8]]
                    figures["small_alone"] = load_phase(child, small_qs, large_qs, 10, per_client, False, 32)
                figures[f"mixed_{large_name}"] = load_phase(child, small_qs, large_qs, 10, per_client, True, 32)
            finally:
                child.stop()
        print(f"[{kind}] streaming and leaks…", file=sys.stderr)
        child = Child(kind, slow.openai_base_url, args.threads, 64)
        try:
            figures["streaming"] = streaming_phase(child.url, rounds)
            figures["leaks"] = leak_phase(child, small_qs, large_qs, leak_requests, 50)
        finally:
            child.stop()
        alone = figures["small_alone"]["small_p95_s"]
        for name in ("mixed_slow_5s", "mixed_unreachable"):
            mixed = figures[name]["small_p95_s"]
            figures[name]["p95_vs_alone"] = round(mixed / alone, 2) if mixed and alone else None
        report["servers"][kind] = figures
        print(json.dumps({k: v for k, v in figures.items() if k != "outputs"}, indent=1), file=sys.stderr)
    slow.stop()
    if len(kinds) == 2:
        old, new = report["servers"]["old"]["outputs"], report["servers"]["new"]["outputs"]
        report["outputs_equal"] = f"{sum(a == b for a, b in zip(old, new))}/{len(new)}"
    report["machine"]["load_avg_at_end"] = os.getloadavg()
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
