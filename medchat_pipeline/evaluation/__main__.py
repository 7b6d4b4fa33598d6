"""`python -m medchat_pipeline.evaluation`: the `medchat evaluate` command as a plain script."""

from medchat_pipeline.cli.evaluate import command

command()
