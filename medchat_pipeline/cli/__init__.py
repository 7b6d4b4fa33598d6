"""The `medchat` command. Each module in this package adds one subcommand by exporting `command`."""

from __future__ import annotations

import importlib
import pkgutil

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="medchat_pipeline")
def main() -> None:
    """medchat: turn public medical QA data into a fine-tuned, benchmarked medical chatbot.

    \b
    Typical use:
      medchat run                          materialize the whole asset graph (demo: offline, CPU)
      medchat ui                           the Dagster UI over the same instance (.dagster_home)
      medchat ingest medqa FILE --out DIR  parse one source's native files into QAC + rejects
      medchat teach --provider local --prompts in.jsonl --out out.jsonl
      medchat lineage grpo_adapter         where an adapter came from (--json for tools)
      medchat evaluate --adapter DIR       benchmark a base model and its adapters
      medchat chat "What is hypertension?" --explain    the routed chatbot, one question
      medchat serve                        the routed chatbot as an OpenAI-compatible server

    Every command takes --help. The profile comes from --profile or $MEDCHAT_PROFILE (default demo).
    """


for _info in pkgutil.iter_modules(__path__):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    if isinstance(getattr(_module, "command", None), click.Command):
        main.add_command(_module.command)
