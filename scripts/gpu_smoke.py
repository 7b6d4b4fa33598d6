"""GPU smoke check, for a machine with CUDA: QLoRA 4-bit, flash attention, vLLM.

    .venv/bin/python scripts/gpu_smoke.py --out smoke.json

Each check runs on its own and records ok / skipped (with why) / failed (with the error), so one
missing wheel does not hide the others. Uses the demo base model (SmolLM2-135M-Instruct, converted
from the packaged GGUF) so it needs no network; --model points at a bigger local model.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
import traceback


def check(name: str, results: dict, fn) -> None:
    started = time.perf_counter()
    try:
        outcome = fn()
        results[name] = {"status": "ok", **(outcome or {})}
    except ModuleNotFoundError as exc:
        results[name] = {"status": "skipped", "why": str(exc)}
    except Exception as exc:  # recorded, never swallowed: the report carries the traceback
        results[name] = {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=4)}
    results[name]["seconds"] = round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="local model dir (default: the demo SmolLM2)")
    parser.add_argument("--out", default="gpu_smoke.json")
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()

    import torch

    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

    model_path = args.model or resolve_base_model(DEMO_BASE_MODEL)
    results: dict = {
        "torch": torch.__version__,
        "cuda": torch.cuda.is_available(),
        "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "model": str(model_path),
    }

    def qlora_4bit():
        from datasets import Dataset
        from peft import LoraConfig
        from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig
        from trl import SFTConfig, SFTTrainer

        quant = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16, bnb_4bit_use_double_quant=True
        )
        tokenizer = AutoTokenizer.from_pretrained(model_path)
        model = AutoModelForCausalLM.from_pretrained(model_path, quantization_config=quant, device_map={"": 0})
        rows = [
            {"messages": [{"role": "user", "content": f"What is a normal resting heart rate? ({i})"},
                          {"role": "assistant", "content": "For adults, 60 to 100 beats per minute."}]}
            for i in range(32)
        ]
        torch.cuda.reset_peak_memory_stats()
        trainer = SFTTrainer(
            model=model,
            args=SFTConfig(output_dir="/tmp/gpu_smoke_sft", max_steps=args.steps, per_device_train_batch_size=8,
                           bf16=True, logging_steps=1, report_to=[], gradient_checkpointing=True,
                           assistant_only_loss=False, max_length=128),
            train_dataset=Dataset.from_list(rows),
            processing_class=tokenizer,
            peft_config=LoraConfig(r=8, lora_alpha=16, target_modules="all-linear", task_type="CAUSAL_LM"),
        )
        started = time.perf_counter()
        out = trainer.train()
        return {"steps": args.steps, "loss": out.training_loss, "steps_per_s": args.steps / (time.perf_counter() - started),
                "peak_mem_gb": torch.cuda.max_memory_allocated() / 2**30}

    def flash_attention():
        if importlib.util.find_spec("flash_attn") is None:
            raise ModuleNotFoundError("flash_attn is not installed")
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained(
            model_path, dtype=torch.bfloat16, attn_implementation="flash_attention_2", device_map={"": 0}
        )
        ids = torch.randint(0, 1000, (2, 256), device="cuda")
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        return {"loss": float(loss)}

    def vllm_generate():
        from vllm import LLM, SamplingParams

        llm = LLM(model=str(model_path), gpu_memory_utilization=0.3, enforce_eager=True)
        prompts = ["What is hypertension?"] * 16
        started = time.perf_counter()
        outs = llm.generate(prompts, SamplingParams(max_tokens=32, temperature=0.0))
        return {"prompts_per_s": len(prompts) / (time.perf_counter() - started), "sample": outs[0].outputs[0].text[:120]}

    if torch.cuda.is_available():
        check("qlora_4bit_sft", results, qlora_4bit)
        check("flash_attention_2", results, flash_attention)
        check("vllm_generate", results, vllm_generate)
    else:
        results["skipped"] = "no CUDA device: nothing to check"
    with open(args.out, "w") as handle:
        json.dump(results, handle, indent=2)
    print(json.dumps({k: (v["status"] if isinstance(v, dict) and "status" in v else v) for k, v in results.items()}))


if __name__ == "__main__":
    main()
