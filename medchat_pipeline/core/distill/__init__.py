"""The distill stage: teacher answers and rationales, their quality gates, preference pairs,
clinician review, and the training mix built from it all."""
