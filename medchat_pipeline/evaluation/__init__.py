"""Model-running benchmark entry points: batched generation and option log-likelihoods over every
model (evaluate), and one whole benchmark run to report files (benchmark_report)."""
