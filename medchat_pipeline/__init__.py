"""medchat_pipeline: public medical QA data → distilled training mix → LoRA/GRPO adapters → benchmark."""

__version__ = "0.1.0"
