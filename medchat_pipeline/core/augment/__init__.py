"""The augment stage: question variants that keep the meaning, each through the drift gate."""
