"""The data stage: native files or hub ids → cleaned, deduplicated, split, decontaminated QAC rows."""
