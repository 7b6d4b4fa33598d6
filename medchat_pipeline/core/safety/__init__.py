"""Medical safety shared by serving, training rewards and evaluation."""
