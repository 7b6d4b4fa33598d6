"""Domain logic in plain Python + polars, laid out by pipeline stage; nothing here imports Dagster.

    data/        sources → clean → dedup → split → decontaminate → weighted mix, the QAC schema, SFT templates
    augment/     question variants (teacher paraphrases, splits, perturbations, synonyms, synthesis)
    distill/     teacher answers, quality gates, preference pairs, clinician review, the training mix
    evaluation/  benchmark items and scoring, metrics with intervals, the judge, the report
    safety/      safety checks on answers (escalation, doses, refusals)
    rewards.py   GRPO reward functions
    similarity.py  the MiniLM sentence similarity shared by augmentation, rewards and evaluation
"""
