"""What SFT learns from: the tokens TRL's SFTTrainer puts a loss on, read back from the dataset it
prepared with our recipe (SmolLM2's own chat template, the profile's system prompt, answer-only loss,
best-fit packing). Only the assistant's answers, each with the end-of-turn token that teaches the
model to stop, may carry a label; the system prompt, the question and the options never do."""

from __future__ import annotations

import polars as pl
import pytest

from medchat_pipeline.config.training import TrainingConfig
from medchat_pipeline.core.data.templates import assistant_message
from medchat_pipeline.training.data import sft_dataset
from medchat_pipeline.training.jobs import TrainingJob
from medchat_pipeline.training.recipe import check_recipe, load_base_model, load_tokenizer, lora_config
from medchat_pipeline.training.sft import sft_config
from medchat_pipeline_tests.training.conftest import training_mix_frame

pytestmark = pytest.mark.slow


def labelled_spans(input_ids: list[int], labels: list[int]) -> list[list[int]]:
    """Runs of consecutive tokens that carry a label (label != -100), in order."""
    spans, current = [], []
    for token, label in zip(input_ids, labels):
        if label == -100:
            if current:
                spans.append(current)
            current = []
        else:
            assert label == token, "a label must be the token itself (causal LM shift happens in the model)"
            current.append(token)
    if current:
        spans.append(current)
    return spans


def test_sft_puts_its_loss_on_the_answers_and_their_end_token_only(demo_model_dir, tmp_path):
    from trl import SFTTrainer

    cfg = TrainingConfig(device="cpu", sft={"max_steps": 1, "max_length": 512, "packing": True})
    tokenizer = load_tokenizer(str(demo_model_dir))
    check = check_recipe(cfg, tokenizer)
    assert check.loss_mode == "completion_only"  # SmolLM2's template has no {% generation %} markers
    rows = training_mix_frame().filter(pl.col("split") == "train")
    job = TrainingJob(stage="sft", training=cfg, base_model_path=str(demo_model_dir), train_data=str(tmp_path / "x"),
                      output_dir=str(tmp_path), storage_dir=str(tmp_path))
    trainer = SFTTrainer(
        model=load_base_model(cfg, str(demo_model_dir)),
        args=sft_config(job, check.loss_mode, has_eval=False),
        train_dataset=sft_dataset(rows, cfg.system_prompt, check.loss_mode),
        processing_class=tokenizer,
        peft_config=lora_config(cfg),
    )
    packed = trainer.train_dataset
    assert len(packed) < rows.height  # several examples share one packed row
    spans = [span for example in packed for span in labelled_spans(example["input_ids"], example["labels"])]

    end_of_turn = "<|im_end|>\n"
    expected = sorted(assistant_message(row) + end_of_turn for row in rows.iter_rows(named=True))
    # Every labelled run is one whole answer, and every answer is labelled: nothing else carries a loss.
    assert sorted(tokenizer.decode(span) for span in spans) == expected
    # The MCQ and yes/no/maybe targets teach the answer line the benchmark and the rewards parse.
    assert "Final Answer: B) Right coronary artery" + end_of_turn in expected
    assert any(text.endswith("Final Answer: yes" + end_of_turn) for text in expected)

    every_token = sum(len(example["input_ids"]) for example in packed)
    assert sum(map(len, spans)) < every_token / 2  # the prompts (system line, question, options) are most tokens
