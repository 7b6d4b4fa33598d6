"""The teacher gateway: rate-limited, cached, fault-tolerant calls to Gemini, NVIDIA, OpenAI-compatible
servers and a local model. Start at `TeacherPool` (pool.py)."""

from medchat_pipeline.teachers.pool import TeacherPool
from medchat_pipeline.teachers.summary import log_summary_to_mlflow, summarize
from medchat_pipeline.teachers.types import TeacherRequest, TeacherResult

__all__ = ["TeacherPool", "TeacherRequest", "TeacherResult", "log_summary_to_mlflow", "summarize"]
