"""What the benchmark asks and how it scores (no model code): items, answer extraction, metrics
with bootstrap intervals, the teacher judge, the clinician sheet and the report."""
