"""`serving:` section — the routed chatbot: which small and large model, router rules, the HTTP server.

The router scores each question with transparent features (each a keyword list and a weight below);
a score at or above `router.large_threshold` goes to the large model. Whether a question is an
emergency is the triage's decision (core/safety/triage.py, `safety:` section), not a keyword list here;
an emergency always goes to the large model with escalation advice. Keywords match whole words, case-insensitively;
a trailing `*` matches a word prefix (`suicid*` → suicide, suicidal).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_SYSTEM_PROMPT = "Respond as a concise, compassionate medical assistant."

def _clean_terms(terms: list[str], field_name: str) -> list[str]:
    cleaned = []
    for term in terms:
        norm = " ".join(term.lower().replace("\u2019", "'").split())
        if not norm or norm == "*":
            raise ValueError(f"{field_name}: empty keyword; remove it or give a word or phrase")
        if norm not in cleaned:
            cleaned.append(norm)
    return cleaned


def _default_emergency_topic_terms() -> list[str]:
    return [
        "suicid*", "kill myself", "end my life", "want to die", "self harm", "self-harm", "hurt myself",
        "cutting myself", "overdose*", "took too many", "too many pills", "too many tablets", "whole bottle",
        "swallowed", "ingested", "poisoned", "poisoning", "drank bleach", "chest pain", "chest pressure",
        "crushing pain", "heart attack", "can't breathe", "cannot breathe", "can not breathe", "difficulty breathing",
        "trouble breathing", "struggling to breathe", "short of breath", "shortness of breath", "stroke",
        "face drooping", "slurred speech", "sudden weakness", "sudden numbness", "worst headache", "unconscious",
        "unresponsive", "passed out", "fainted", "seizure*", "convulsion*", "severe bleeding", "bleeding heavily",
        "won't stop bleeding", "vomiting blood", "coughing up blood", "blood in vomit", "anaphyla*", "throat swelling",
        "throat is closing", "tongue swelling", "blue lips", "turning blue", "stiff neck and fever", "not breathing",
        "choking",
    ]


class RouterConfig(BaseModel):
    """Feature keyword lists and weights. The decision's reasons list every feature that fired."""

    model_config = ConfigDict(extra="forbid")

    large_threshold: float = Field(
        default=1.5, description="Questions whose complexity/risk score is >= this go to the large model"
    )
    simple_cues: list[str] = Field(
        default_factory=lambda: [
            "what is", "what are", "what's a", "what's the", "define", "definition of", "meaning of",
            "what does", "what do", "side effect*", "symptom of", "symptoms of", "dose of", "what causes",
            "how to prevent", "how to treat", "how to diagnose", "how can i prevent", "what can i do to prevent",
            "who is at risk", "normal range", "how is", "how are", "how does", "is there a cure", "explain",
            "what to do in case of", "what should i do if i forget", "what should i do if i miss",
            "what happens if", "can you explain", "tell me about",
        ],
        description="Factual/definitional phrasing (the design notes' small-model triggers); counted only "
        "where a sentence or clause starts, so 'when I stand for an hour' is not 'stand for'",
    )
    simple_cue_weight: float = -1.0
    long_question_words: int = Field(default=35, ge=1, description="A question with at least this many words is long")
    long_question_weight: float = 1.0
    multi_part_min_questions: int = Field(default=2, ge=2, description="Questions asked in one message to count as multi-part")
    multi_part_weight: float = 1.0
    diagnostic_cues: list[str] = Field(
        default_factory=lambda: [
            "what's wrong", "what is wrong", "what could it be", "could it be", "could this be",
            "could i have", "do i have", "is this serious", "is it serious", "should i worry",
            "should i be worried", "should i be concerned", "what might be causing", "what could be causing",
            "what is causing my", "why do i", "why does my", "why am i", "differential",
            "my symptoms", "is it normal", "is this normal", "need to see a doctor", "go to the er",
            "test results", "lab results", "report shows", "scan shows", "i think i have", "i think i might",
            "i might have", "i may have", "i think it might", "i think it's", "experiencing", "suffering from",
            "suffering with", "diagnosed with", "what could be", "what might be", "what's going on",
            "what is going on", "any idea", "what do i need", "what should i take",
            "should i take", "what medication*", "what tests", "what test", "please help", "please advise",
            "please suggest", "kindly help", "kindly suggest", "suggest me", "help me", "what do you think",
            "do you think", "i'm worried", "i am worried", "i'm concerned", "i am concerned",
            "what is the reason", "is there any problem", "is there an issue", "what has to be done",
        ],
        description="Someone asking what is wrong with them or what to do about it: needs reasoning "
        "over their situation",
    )
    diagnostic_weight: float = 1.5
    symptom_terms: list[str] = Field(
        default_factory=lambda: [
            "fever", "rash", "headache*", "cough*", "nausea", "vomit*", "diarrh*", "constipat*", "pain*",
            "ache*", "dizz*", "fatigue*", "tired*", "swelling", "swollen", "itch*", "bleed*", "numb*",
            "tingling", "weakness", "chills", "sweat*", "palpitation*", "cramp*", "blurred vision",
            "sore throat", "lump*", "discharge", "burning", "insomnia", "weight loss", "shortness",
            "wheez*", "jaundice", "yellow", "blood in", "bruis*", "lesion*", "ulcer*", "hurt*", "nause*",
            "sore", "infect*", "depress*", "anxi*", "faint*", "stiff*", "spotting", "can't sleep",
        ],
        description="Symptom words: one adds symptom_weight, several distinct ones also multi_symptom_weight",
    )
    symptom_weight: float = Field(default=0.5, description="Added when any symptom word appears")
    multi_symptom_min: int = Field(default=2, ge=2)
    multi_symptom_weight: float = 1.0
    personal_cues: list[str] = Field(
        default_factory=lambda: [
            "i have", "i've", "i had", "i am", "i'm", "i feel", "i was", "i got", "my", "me", "mine",
            "my son", "my daughter", "my husband", "my wife", "my mother", "my father", "my child",
            "hello doctor", "hi doctor", "dear doctor", "doctor,",
        ],
        description="First-person context: the answer has to fit one person's case",
    )
    personal_weight: float = 1.0
    symptom_duration_weight: float = Field(
        default=0.5, description="'for 3 days', 'since last week', 'for the past month': a case history"
    )
    medication_cues: list[str] = Field(
        default_factory=lambda: [
            "dose", "doses", "dosage", "dosing", "mg", "milligram*", "how much", "how many tablets",
            "how many pills", "can i take", "can i give", "safe to take", "interact*", "together with",
            "mix with", "with alcohol", "stop taking", "double dose", "missed dose", "prescri*",
        ],
        description="Dosing and drug-combination questions: a wrong answer can hurt",
    )
    medication_weight: float = 1.0
    special_population_cues: list[str] = Field(
        default_factory=lambda: [
            "pregnan*", "breastfeed*", "breast feeding", "nursing mother", "infant*", "newborn*", "baby",
            "babies", "toddler*", "child", "children", "kid", "kids", "month old", "year old", "years old",
            "yr old", "elderly", "kidney disease", "kidney failure", "liver disease", "dialysis",
        ],
        description="Pregnancy, children, the elderly, organ failure: dosing and advice change",
    )
    special_population_weight: float = 0.5
    emergency_topic_terms: list[str] = Field(
        default_factory=_default_emergency_topic_terms,
        description="Words of emergency topics. When the triage finds no emergency, a question mentioning one "
        "(\"what is a stroke?\", \"after my heart attack last year\") adds red_flag_topic_weight: a case touching "
        "an emergency topic needs care, but is not an emergency",
    )
    red_flag_topic_weight: float = 1.0

    @field_validator(
        "simple_cues", "diagnostic_cues", "symptom_terms", "personal_cues", "medication_cues",
        "special_population_cues", "emergency_topic_terms",
    )
    @classmethod
    def _keywords(cls, terms: list[str], info) -> list[str]:
        return _clean_terms(terms, info.field_name)


class FailoverConfig(BaseModel):
    """When a small-model answer is not good enough to send, and the large model answers instead."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    hedging_phrases: list[str] = Field(
        default_factory=lambda: [
            "i'm not sure", "i am not sure", "i'm not certain", "i am not certain", "i don't know",
            "i do not know", "i cannot answer", "i can't answer", "i'm unable to", "i am unable to",
            "unable to answer", "i cannot provide", "i can't provide", "i cannot help", "i can't help",
            "as an ai", "as a language model", "i have no idea", "hard to say", "difficult to say",
            "i cannot determine", "i can't determine", "not able to answer",
        ],
        description="Uncertainty or refusal in the small answer (matched case-insensitively, anywhere)",
    )
    min_answer_words: int = Field(default=3, ge=0, description="Shorter small answers fail over (empty or cut off)")
    max_repeated_trigram_fraction: float = Field(
        default=0.5, gt=0.0, le=1.0,
        description="A small answer whose word trigrams repeat more than this fraction is a degenerate loop",
    )
    repetition_min_words: int = Field(default=24, ge=3, description="Only answers this long are checked for loops")

    @field_validator("hedging_phrases")
    @classmethod
    def _phrases(cls, phrases: list[str]) -> list[str]:
        return _clean_terms(phrases, "hedging_phrases")


class RouteCost(BaseModel):
    """Expected price and latency of one answer, used by routing evaluation (not for billing)."""

    model_config = ConfigDict(extra="forbid")

    cost_usd: float = Field(ge=0.0)
    latency_s: float = Field(ge=0.0)


class VllmConfig(BaseModel):
    """vLLM's OpenAI-compatible engine serving the small model (base + LoRA adapter) on a GPU.

    The router proxies the small lane to it (streamed). With `base_url` unset, `medchat serve`
    launches `vllm serve` on 127.0.0.1:`port` and stops it on exit; with `base_url` set, it uses that
    running engine (e.g. a separate pod).
    """

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
        default=None, description="An already running vLLM OpenAI endpoint (…/v1); None = launch one"
    )
    port: int = Field(default=8766, ge=1, le=65535, description="Loopback port of the launched engine")
    served_model_name: str = Field(
        default="medchat-small", pattern=r"^[A-Za-z0-9._-]+$", description="The LoRA module name the router asks for"
    )
    gpu_memory_utilization: float = Field(default=0.85, gt=0.0, le=1.0)
    max_model_len: int = Field(default=4096, ge=256, description="Prompt + answer tokens per sequence")
    max_lora_rank: int = Field(default=16, ge=1, description="At least the adapter's LoRA r")
    max_num_seqs: int = Field(default=64, ge=1, description="Sequences the engine batches at once")
    dtype: Literal["auto", "bfloat16", "float16"] = "auto"
    tensor_parallel_size: int = Field(default=1, ge=1)
    extra_args: list[str] = Field(default_factory=list, description="More `vllm serve` flags, passed as given")
    startup_timeout_s: float = Field(default=900.0, gt=0.0, description="How long to wait for the engine to load")


class SmallModelConfig(BaseModel):
    """The fine-tuned small model: a base model directory plus an optional PEFT adapter.

    backend local runs it in this process (transformers, batched by the small lane); backend vllm
    serves it with vLLM on a GPU and proxies to it (`vllm:` settings).
    """

    model_config = ConfigDict(extra="forbid")

    backend: Literal["local", "vllm"] = Field(
        default="local", description="local = transformers in this process; vllm = vLLM's engine (CUDA only)"
    )
    vllm: VllmConfig = Field(default_factory=VllmConfig)
    max_queue: int = Field(
        default=64, ge=1, description="Requests waiting for the small model; more get 429 with Retry-After"
    )

    adapter: str = Field(
        default="champion",
        description="'champion' = the adapter the promotion gate made the serving champion (asset "
        "serving_champion, <storage>/serving/champion.json; the base model alone until one passes), 'latest' = "
        "the newest adapter manifest under <storage>/adapters whatever the benchmark said, 'none' = the base "
        "model alone, or a path to an adapter directory",
    )
    base_model: str | None = Field(
        default=None,
        description="Base model spec or directory; None = the one recorded in the adapter's manifest, "
        "else the demo base model (SmolLM2-135M-Instruct)",
    )
    max_new_tokens: int = Field(default=160, ge=1, le=8192)
    max_input_tokens: int = Field(
        default=1536, ge=32, description="Older conversation turns are dropped to fit; a longer question is refused"
    )
    batch_size: int = Field(default=8, ge=1, description="Conversations per generate() call")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        default="auto", description="auto = bfloat16 on CUDA, float32 on CPU"
    )
    threads: int | None = Field(
        default=None, ge=1, description="CPU threads for torch (process-wide); None = torch's default"
    )

    @model_validator(mode="after")
    def _vllm_runs_on_cuda(self) -> SmallModelConfig:
        if self.backend == "vllm" and self.device == "cpu":
            raise ValueError("backend: vllm runs on CUDA only; use backend: local with device: cpu")
        return self


class LargeModelConfig(BaseModel):
    """The large model: a teacher from the teacher gateway, or a local model directory."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["teacher", "local"] = Field(
        default="teacher",
        description="teacher = a teacher of the `teachers:` section via the teacher gateway; "
        "local = a transformers model run in this process (local_model)",
    )
    teacher: str | None = Field(default=None, description="Teacher name; None = the gateway's default teacher")
    local_model: str | None = Field(
        default=None, description="Model spec or directory for backend=local; None = the demo base model"
    )
    max_new_tokens: int = Field(default=384, ge=1, le=32768)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    timeout_s: float = Field(
        default=30.0, gt=0.0, description="Longest wait for one large answer (within the request's deadline); "
        "past it the small model answers instead"
    )
    concurrency: int = Field(default=8, ge=1, description="Large-model calls in flight at once")
    max_queue: int = Field(
        default=64, ge=0, description="Requests waiting for a large-model slot; more get 429 with Retry-After"
    )
    breaker_failures: int = Field(
        default=3, ge=1, description="Consecutive large-model failures after which it is skipped for breaker_cooldown_s"
    )
    breaker_cooldown_s: float = Field(
        default=30.0, ge=0.0, description="While the breaker is open, large-routed questions go straight to the small model"
    )

    @model_validator(mode="after")
    def _backend_fields(self) -> LargeModelConfig:
        if self.backend == "local" and self.teacher is not None:
            raise ValueError("teacher is only used with backend: teacher; remove it or set backend: teacher")
        if self.backend == "teacher" and self.local_model is not None:
            raise ValueError("local_model is only used with backend: local; remove it or set backend: local")
        return self


class ServingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system_prompt: str = Field(default=DEFAULT_SYSTEM_PROMPT, min_length=1, description="Sent to both models")
    repetition_penalty: float = Field(
        default=1.0, gt=0.0, description="Filled from prompt.repetition_penalty: local models and vLLM"
    )
    model_name: str = Field(default="medchat-router", pattern=r"^[A-Za-z0-9._-]+$",
                            description="The model id clients ask for on /v1/chat/completions")
    small: SmallModelConfig = Field(default_factory=SmallModelConfig)
    large: LargeModelConfig = Field(default_factory=LargeModelConfig)
    router: RouterConfig = Field(default_factory=RouterConfig)
    failover: FailoverConfig = Field(default_factory=FailoverConfig)
    small_cost: RouteCost = Field(default_factory=lambda: RouteCost(cost_usd=0.0001, latency_s=0.2))
    large_cost: RouteCost = Field(default_factory=lambda: RouteCost(cost_usd=0.0015, latency_s=1.2))
    host: str = Field(default="127.0.0.1", description="Loopback by default; another address needs auth_token_env")
    port: int = Field(default=8765, ge=0, le=65535, description="0 = any free port")
    auth_token_env: str | None = Field(
        default=None,
        description="Name of an environment variable holding the bearer token clients must send "
        "(the value is never logged); None = no authentication (loopback only)",
    )
    max_batch_size: int = Field(default=8, ge=1, description="Concurrent small-model requests answered in one batch")
    batch_wait_ms: float = Field(default=15.0, ge=0.0, description="How long the small lane waits to fill a batch")
    max_request_bytes: int = Field(default=1_000_000, ge=1024, description="Larger request bodies get 413")
    request_timeout_s: float = Field(
        default=60.0, gt=0.0, description="Deadline of one request, queueing included; past it the generation is "
        "cancelled and the client gets 504 (an emergency still gets its advice)"
    )
    emergency_answer_wait_s: float = Field(
        default=15.0, ge=0.0, description="How long a non-streamed emergency reply waits for a model's answer "
        "after its advice; past it the advice is sent alone (streamed, the advice is the first chunk at once)"
    )
    stream_holdback_words: int = Field(
        default=8, ge=0, description="A streamed answer's last words stay back until this many more have been "
        "generated, so the output guard sees each word with what follows it before the word leaves"
    )
    header_timeout_s: float = Field(
        default=10.0, gt=0.0, description="A connection must send a request's complete headers within this"
    )
    body_timeout_s: float = Field(
        default=30.0, gt=0.0, description="A request body must arrive completely within this (else 408)"
    )
    keep_alive_s: int = Field(default=5, ge=1, description="Idle keep-alive connections are closed after this")
    log_format: Literal["json", "text"] = Field(default="json", description="`medchat serve` log lines")

    @field_validator("auth_token_env")
    @classmethod
    def _env_name(cls, name: str | None) -> str | None:
        if name is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(
                f"auth_token_env must be an environment variable NAME (e.g. MEDCHAT_API_TOKEN), got {name!r}; "
                "never put the token itself in the config"
            )
        return name

    @model_validator(mode="after")
    def _remote_needs_auth(self) -> ServingConfig:
        if not is_loopback(self.host) and self.auth_token_env is None:
            raise ValueError(
                f"host {self.host!r} is reachable from other machines; set auth_token_env to the name of an "
                "environment variable holding a bearer token, or serve on 127.0.0.1"
            )
        return self


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
