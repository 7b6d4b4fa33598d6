"""`prompt:` section — the one system prompt (and repetition penalty) every model call uses.

Training, evaluation, serving and the SFT exports all put this system prompt first and render the
conversation with the base model's own chat template (core/data/templates.chat_messages builds the
message list for all of them). It is set once here; the copies the sections carry
(`training.system_prompt` travels in training job files, `serving.system_prompt` with the server,
`evaluation.system_prompt`, `data.export.system_prompt`) are filled from it. A profile that sets one
of those copies to a different text is rejected, so train and serve prompts cannot drift apart.

`prompt.repetition_penalty` is copied the same way into `training` (the base model's own answers that
train as plain counterparts), `evaluation` (free-text and safety answers) and `serving` (both local
models, and vLLM through its OpenAI-compatible server), so the benchmark scores the decoding users get.
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
# (section path, field) of every copy of the repetition penalty
REPETITION_PENALTY_COPIES = (
    (("training",), "repetition_penalty"),
    (("serving",), "repetition_penalty"),
    (("evaluation",), "repetition_penalty"),
)


class PromptConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system_prompt: str = Field(
        default=DEFAULT_SYSTEM_PROMPT,
        description="System message of every chat: training rows, benchmark prompts, served answers, exports. "
        "'' leaves it out everywhere (for a chat template that rejects a system role)",
    )
    repetition_penalty: float = Field(
        default=1.0, gt=0.0, le=2.0,
        description="The CTRL repetition penalty of free-text answers (transformers' and vLLM's "
        "repetition_penalty; llama.cpp's and Ollama's repeat_penalty defaults to 1.1): the plain counterparts "
        "training writes, the benchmark's free-text and safety answers, and served answers. 1.0 = none. "
        "Multiple-choice answers are always greedy without it (the prompt holds the options it would penalize)",
    )


def fill_prompt_copies(cfg) -> None:
    """Copy `prompt.system_prompt` and `prompt.repetition_penalty` into every section that carries them; raise
    when a section set its own."""
    for copies, field in ((SYSTEM_PROMPT_COPIES, "system_prompt"), (REPETITION_PENALTY_COPIES, "repetition_penalty")):
        wanted = getattr(cfg.prompt, field)
        for path, name in copies:
            section = cfg
            for part in path:
                section = getattr(section, part)
            if name in section.model_fields_set and getattr(section, name) != wanted:
                key = ".".join((*path, name))
                raise ValueError(
                    f"{key} differs from prompt.{field}; set it once, under prompt.{field} "
                    "(training, evaluation and serving must use the same one)"
                )
            setattr(section, name, wanted)
