"""`prompt:` section — the one system prompt every model call uses.

Training, evaluation, serving and the SFT exports all put this system prompt first and render the
conversation with the base model's own chat template (core/data/templates.chat_messages builds the
message list for all of them). It is set once here; the copies the sections carry
(`training.system_prompt` travels in training job files, `serving.system_prompt` with the server,
`evaluation.system_prompt`, `data.export.system_prompt`) are filled from it. A profile that sets one
of those copies to a different text is rejected, so train and serve prompts cannot drift apart.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from medchat_pipeline.config.training import DEFAULT_SYSTEM_PROMPT

# (section path, field) of every copy of the system prompt
SYSTEM_PROMPT_COPIES = (
    (("training",), "system_prompt"),
    (("serving",), "system_prompt"),
    (("evaluation",), "system_prompt"),
    (("data", "export"), "system_prompt"),
)


class PromptConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system_prompt: str = Field(
        default=DEFAULT_SYSTEM_PROMPT,
        description="System message of every chat: training rows, benchmark prompts, served answers, exports. "
        "'' leaves it out everywhere (for a chat template that rejects a system role)",
    )


def fill_system_prompt(cfg) -> None:
    """Copy `prompt.system_prompt` into every section that carries it; raise when a section set its own."""
    wanted = cfg.prompt.system_prompt
    for path, name in SYSTEM_PROMPT_COPIES:
        section = cfg
        for part in path:
            section = getattr(section, part)
        if name in section.model_fields_set and getattr(section, name) != wanted:
            key = ".".join((*path, name))
            raise ValueError(
                f"{key} differs from prompt.system_prompt; set the system prompt once, under prompt.system_prompt "
                "(training, evaluation, serving and exports must use the same one)"
            )
        setattr(section, name, wanted)
