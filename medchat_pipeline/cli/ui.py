"""`medchat ui`: the Dagster UI (and daemon) over the instance that `medchat run` wrote to."""

from __future__ import annotations

import os
import shutil
import sys

import click


@click.command("ui")
@click.option("--port", default=3000, show_default=True, help="Port for the web UI (bound to 127.0.0.1).")
@click.option("--profile", default=None, help="Profile the code location loads. Default: $MEDCHAT_PROFILE or demo.")
def command(port: int, profile: str | None) -> None:
    """Start `dagster dev` on workspace.yaml with DAGSTER_HOME = .dagster_home (or $DAGSTER_HOME),
    so every asset that `medchat run` materialized is visible, with its lineage, metadata and checks.
    While it is up the daemon runs the weekly re-distillation, observes the source files and rebuilds
    what a change made stale (automation condition sensor rebuild_stale_assets; see the README).
    """
    from medchat_pipeline.config import project_root
    from medchat_pipeline.defs.runner import default_dagster_home

    home = default_dagster_home()
    if profile:
        os.environ["MEDCHAT_PROFILE"] = profile
    dagster = shutil.which("dagster", path=os.path.dirname(sys.executable)) or "dagster"
    click.echo(f"Dagster UI on http://127.0.0.1:{port} (instance {home})", err=True)
    os.chdir(project_root())
    os.execv(dagster, [dagster, "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)])
