"""`medchat run`: materialize the asset graph into the local Dagster instance."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable

import click

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130  # the shell's code for "stopped by SIGINT"


@click.command("run")
@click.option("--profile", default=None, help="Profile in configs/ (or a YAML path). Default: $MEDCHAT_PROFILE or demo.")
@click.option(
    "--select",
    "selection",
    multiple=True,
    help="Assets to materialize (repeatable): NAME, +NAME (with everything upstream), NAME+ (with everything "
    "downstream), +NAME+ (both). Assets computed together (e.g. training_mix and training_mix_rejects) "
    "come together. Default: the whole graph.",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Materialize everything selected again, even what is up to date (by default an asset whose stored value "
    "was built with this profile and release from inputs that have not changed since is reused). Use it after "
    "editing the pipeline's code in place.",
)
@click.option("--plan", is_flag=True, help="Validate the profile and its input files, print the stages that would run, and exit.")
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default="WARNING",
    show_default=True,
    help="Which messages logged by the assets reach the console beside the progress summary; DEBUG also "
    "prints Dagster's full event stream. The instance keeps everything (`medchat ui`).",
)
def command(profile: str | None, selection: tuple[str, ...], rebuild: bool, plan: bool, log_level: str) -> None:
    """Materialize the whole asset graph (sources → QAC → merged → augment/distill → training mix →
    SFT → GRPO → benchmark report) on a profile, into the Dagster instance at $DAGSTER_HOME
    (default .dagster_home/ at the project root), so that `medchat ui` shows every materialization.

    What is up to date is reused: an asset is materialized again only when it is missing, was built with
    another profile or release, an input changed since, or its stored value is unreadable; assets
    named in --select (without +) are always rebuilt. Before launching, runs left in progress by a
    process that is gone (killed, crashed) are marked failed and their pool slots freed. Nothing
    downstream of a failed asset runs. Ctrl-C or SIGTERM
    stops the running step and launches nothing more. Exit status: 0 all done, 1 an asset failed or
    was skipped, 130 interrupted. The last line on stdout is a JSON summary.

    The demo profile runs offline on CPU: bundled sample data, the local SmolLM2 teacher and base model.
    """
    from medchat_pipeline.config import ConfigError, check_inputs, load_config

    if profile:
        os.environ["MEDCHAT_PROFILE"] = profile
    try:
        cfg = load_config(profile)
        check_inputs(cfg)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None

    import dagster as dg

    from medchat_pipeline.defs.run_recovery import recover_abandoned_runs
    from medchat_pipeline.defs.runner import (
        SelectionError,
        config_version,
        default_dagster_home,
        observe_sources,
        plan_stages,
        resolve_selection,
        run_stages,
    )

    home = default_dagster_home()
    from medchat_pipeline.definitions import defs

    try:
        keys = resolve_selection(defs, selection) if selection else None
        named = resolve_selection(defs, [item.strip("+") for item in selection])
    except SelectionError as exc:
        raise click.ClickException(str(exc)) from None
    stages = plan_stages(defs, keys)
    if plan:
        for number, stage in enumerate(stages, 1):
            parts = f" × {len(stage.partition_keys)} partitions" if stage.partitions_def else ""
            click.echo(f"stage {number}{parts}: " + ", ".join(k.to_user_string() for k in stage.keys))
        return

    say = _console()
    # SIGTERM (kill, a container stop) stops a run the way Ctrl-C does; Dagster maps it the same way inside runs.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    say(f"medchat run: profile {cfg.profile}; Dagster instance {home}; storage {cfg.storage_path()}")
    interrupted = False
    results = []
    with dg.DagsterInstance.get() as instance:
        recovered = recover_abandoned_runs(instance)
        for run in recovered:
            say(f"recovered {run.describe()}")
        try:
            observed = observe_sources(defs, instance, tags={"medchat/profile": cfg.profile})
            say(f"observed {len(observed)} source assets; {len(stages)} stages, "
                f"{sum(len(s.partition_keys) for s in stages)} runs to go")
            results = run_stages(
                defs, stages, instance, on_event=say, tags={"medchat/profile": cfg.profile}, console_level=log_level,
                version=config_version(cfg.model_dump_json()),
                force={k for s in stages for k in s.keys} if rebuild else named,
            )
        except KeyboardInterrupt:
            interrupted = True
    interrupted = interrupted or any(r.interrupted for r in results)
    retry = f"medchat run{f' --profile {profile}' if profile else ''}"
    for line in summary_lines(stages, results, retry, interrupted):
        say(line)
    failed = [r for r in results if not r.success]
    summary = {
        "profile": cfg.profile,
        "runs": len([r for r in results if r.run_id]),
        "failed_runs": len([r for r in failed if r.run_id]),
        "assets": sorted({name for r in results for name in r.materialized}),
        "reused": sorted({name for r in results for name in r.reused} - {name for r in results for name in r.materialized}),
        "failed": sorted({name for r in results for f in r.failures for name in f.assets}),
        "skipped": sorted({name for r in results for name in r.skipped}),
        "recovered_runs": [r.run_id for r in recovered],
        "interrupted": interrupted,
        "seconds": round(sum(r.seconds for r in results), 1),
        "dagster_home": str(home),
    }
    click.echo(json.dumps(summary))
    if interrupted:
        sys.exit(EXIT_INTERRUPTED)
    if failed or len(results) < sum(len(s.partition_keys) for s in stages):
        sys.exit(EXIT_FAILED)


def summary_lines(stages, results, retry: str, interrupted: bool) -> list[str]:
    """The end-of-run summary: per stage runs/ok/failed/time, then each failure with its root cause and
    the command that retries it, then what was skipped because of it."""
    lines = ["", "summary:"]
    by_stage: dict[int, list] = {}
    for result in results:
        number = next(i for i, s in enumerate(stages) if set(result.keys) <= set(s.keys))
        by_stage.setdefault(number, []).append(result)
    for number, stage in enumerate(stages):
        done = by_stage.get(number, [])
        names = ", ".join(k.to_user_string() for k in stage.keys)
        names = names if len(names) <= 70 else names[:69] + "…"
        parts = f" × {len(stage.partition_keys)}" if stage.partitions_def else ""
        counts: dict[str, int] = {}
        for result in done:
            counts[_state(result)] = counts.get(_state(result), 0) + 1
        if len(stage.partition_keys) > len(done):
            counts["not run"] = len(stage.partition_keys) - len(done)
        status = ", ".join(f"{n} {state}" for state, n in counts.items()) or "not run"
        seconds = sum(r.seconds for r in done)
        lines.append(f"  stage {number + 1}{parts}: {status} ({seconds:.1f} s)  {names}")
    failures = [f for r in results for f in r.failures]
    for failure in failures:
        where = f" [partition {failure.partition_key}]" if failure.partition_key else ""
        assets = ", ".join(failure.assets) or failure.step_key
        lines.append(f"FAILED {assets}{where}: {failure.root_cause}")
        if failure.assets:
            lines.append(f"  retry: {retry} --select {failure.assets[0]}+")
    skipped: dict[str, set[str]] = {}
    for result in results:
        for name, root in result.skipped.items():
            skipped.setdefault(root, set()).add(name)
    for root, names in sorted(skipped.items()):
        lines.append(f"skipped because {root} failed: {', '.join(sorted(names))}")
    if interrupted:
        lines.append(f"INTERRUPTED: nothing further was launched; `{retry}` picks up from what is committed")
    elif failures or skipped:
        lines.append("result: FAILED (see above; the full logs are in the instance: `medchat ui`)")
    else:
        ran = len([r for r in results if r.run_id])
        lines.append(f"result: done ({ran} runs; {len(results) - ran} stage runs had nothing out of date)")
    return lines


def _state(result) -> str:
    if result.interrupted:
        return "interrupted"
    if result.run_id is None:
        return "up to date" if result.reused and not result.skipped else "skipped"
    if result.failures:
        return "failed"
    return "partly skipped" if result.skipped else "ok" if result.success else "failed"


def _console() -> Callable[[str], None]:
    """Where progress lines go: a copy of stderr taken now, so that they reach the terminal directly even
    while Dagster captures the process's stdout/stderr into the step's compute log."""
    try:
        stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
    except (AttributeError, OSError, ValueError):  # no real file descriptor (e.g. click's CliRunner)
        return lambda message: click.echo(message, err=True)
    return lambda message: print(message, file=stream, flush=True)
