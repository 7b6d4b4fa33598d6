"""Triage: does this conversation need emergency help now, which kind, and why?

The one component serving, routing, evaluation and the GRPO safety reward share:

    triage = load_triage(cfg)                      # the latest triage_model asset, else patterns only
    decision = triage.assess(["my dad is 70", "his face is drooping and he can't lift his arm"])
    decision.emergency, decision.category, decision.evidence, decision.reason
    escalation_advice(decision.category, cfg.safety.emergency_numbers)

Every user turn is read, oldest first, and all of them together (an emergency told across two turns).
Two layers decide:

1. Patterns (patterns.py) over normalized text (normalize.py): emergencies that must never be missed,
   robust to lower case, typos, missing apostrophes, third person, slang and numbers ("40 tylenol"),
   with negation, general questions, hypotheticals and past history set aside.
2. A learned classifier (triage_model.py: the shipped MiniLM token embeddings, character and word n-grams
   (triage_ngrams.py) and a logistic head, threshold chosen on the dev split) for phrasings no pattern foresaw. Beside the embedding it reads the
   pattern layer's context flags (patterns.context_features: past history, an idiom, minimizing words, a
   symptom that settled, a medication question, ...), which lower its score where the rules would set a
   mention aside.

Either layer is enough for an emergency. Without a trained model (first run, unreadable model
directory) the patterns decide alone and `Triage.fallback_reason` says so.

Bad input never raises: empty or whitespace-only turns are not emergencies ("nothing to assess");
text the triage cannot read — mostly another script, or a language other than English — is treated as
a possible emergency unless it names one outright, because a person who may be in danger and writes
in another language must still be told where to go; the reason says so. English with part of it in
another language (three everyday words of Spanish, Portuguese, French, Tagalog, Polish, Hindi or Arabic in
Latin letters) gets the safety-net line when nothing else fired: the part the patterns cannot read may hold
the emergency (blind set 17: five of its six emergencies missed by both tiers were written so). Very long messages are read
to the end by the patterns; the classifier reads the first `max_windows` windows and says so.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from medchat_pipeline.config.safety import EmergencyNumbers
from medchat_pipeline.core.safety.normalize import TRIAGE_TERMS, clean_text, english_words, normalize_for_patterns
from medchat_pipeline.core.safety.patterns import Finding, find_emergencies, reading_units
from medchat_pipeline.core.safety.triage_data import CATEGORIES
from medchat_pipeline.core.safety.triage_model import context_matrix, memoized

__all__ = [
    "CATEGORIES", "Triage", "TriageDecision", "escalation_advice", "load_triage", "latest_model_pointer",
    "safety_net_line", "write_latest_pointer",
]

# When two categories fire, the one whose advice matters most leads (a deep self-inflicted cut is a
# crisis first; a poisoned toddler needs poison control before anything else).
CATEGORY_PRIORITY = (
    "self_harm", "overdose_poisoning", "anaphylaxis", "cardiac", "stroke", "breathing", "unresponsive_seizure",
    "pregnancy", "infant_child", "bleeding_trauma", "metabolic_sepsis", "other",
)
POINTER_NAME = "latest"


@dataclass(frozen=True)
class TriageDecision:
    """The triage of one conversation.

    emergency: whether the person needs emergency help now (escalation advice must lead the answer).
    category: one of CATEGORIES when emergency, else None.
    evidence: what decided it, one readable line per finding ("turn 2: face drooping ('face is drooping')").
    score: the classifier's emergency probability (highest over turns and windows); with no model
        loaded, 1.0 when a pattern fired and 0.0 otherwise.
    layer: "pattern", "classifier", "pattern+classifier", "conservative" (unreadable text treated as a
        possible emergency) or "none".
    reason: one sentence a person can read: why emergency or not, and what was not read if anything.
    topics: categories the text mentions without being an emergency now ("what are the signs of a
        stroke?" → ("stroke",)); the router weighs them as a topic, never as an emergency.
    possible_emergency: not an emergency, but the classifier scored it at or above the model's lower
        `possible_threshold`, or part of it is in another language the patterns cannot read (never True when
        `emergency` is): serving puts `safety_net_line(possible_category)`
        ("if you have X or Y, call 911 now") before the answer; routing and evaluation read `emergency` only.
    possible_category: the classifier's category for a possible emergency, else None.
    """

    emergency: bool
    category: str | None
    evidence: tuple[str, ...]
    score: float
    layer: str
    reason: str
    topics: tuple[str, ...] = ()
    possible_emergency: bool = False
    possible_category: str | None = None

    def to_dict(self) -> dict:
        return {"emergency": self.emergency, "category": self.category, "evidence": list(self.evidence),
                "score": round(self.score, 4), "layer": self.layer, "reason": self.reason, "topics": list(self.topics),
                "possible_emergency": self.possible_emergency, "possible_category": self.possible_category}


def escalation_advice(category: str | None, numbers: EmergencyNumbers | None = None) -> str:
    """The message that leads every answer to an emergency of `category` (None or unknown → generic).

    Always names the emergency number and says not to wait; self_harm adds the crisis line,
    overdose_poisoning poison control, anaphylaxis epinephrine."""
    n = numbers or EmergencyNumbers()
    call = f"Call {n.emergency} (or your local emergency number) now"
    generic = (f"This could be a medical emergency. {call} or go to the nearest emergency department. "
               "Do not wait for an online answer.")
    advice = {
        "cardiac": f"These can be signs of a heart attack. {call}; do not drive yourself. If you are not allergic "
                   "and a doctor has not told you to avoid it, chew one regular aspirin while you wait. Do not wait.",
        "stroke": f"These can be signs of a stroke. {call}: every minute counts. Note the time the symptoms "
                  "started. Do not wait to see if they pass.",
        "breathing": f"Trouble breathing is an emergency. {call}. Sit upright; use a reliever inhaler if you have "
                     "one. Do not wait.",
        "anaphylaxis": f"This may be a severe allergic reaction (anaphylaxis). Use an epinephrine auto-injector "
                       f"(EpiPen) now if there is one, then {call[0].lower() + call[1:]}, even if the symptoms ease. "
                       "Do not wait.",
        "self_harm": f"Your safety matters right now. If you are in danger or have hurt yourself, {call[0].lower()}"
                     f"{call[1:]}. You can call or text {n.crisis_line} ({n.crisis_line_name}) any time to talk to "
                     "someone now. You do not have to face this alone.",
        "overdose_poisoning": f"Call Poison Control at {n.poison_control} now, or {n.emergency} if the person is "
                              "very sleepy, hard to wake, having trouble breathing or having a seizure. Do not wait "
                              "for symptoms, and do not make them vomit unless told to.",
        "bleeding_trauma": f"{call}. Press firmly on any bleeding with a clean cloth and keep pressing. Do not move "
                           "someone with a head, neck or back injury unless they are in danger. Do not wait.",
        "unresponsive_seizure": f"{call}. If the person is not breathing normally, start CPR. During a seizure, "
                                "move hard things away and do not put anything in their mouth; once it stops, turn "
                                "them on their side. Do not wait.",
        "pregnancy": f"This needs urgent care for you and your baby. {call} or go to labour and delivery / the "
                     "emergency department now. Do not wait.",
        "infant_child": f"A child with these signs needs to be seen now. {call} or go to the nearest emergency "
                        "department. Do not wait until morning.",
        "metabolic_sepsis": f"This could be a serious infection (sepsis), meningitis or a dangerous blood sugar. "
                            f"{call} or go to the emergency department. If someone with diabetes is awake and can "
                            "swallow and may be low, give sugar now. Do not wait.",
        "other": generic,
    }
    return advice.get(category or "other", generic)


def safety_net_line(category: str | None, numbers: EmergencyNumbers | None = None) -> str:
    """One line put before the answer to a possible emergency (TriageDecision.possible_emergency): the danger
    signs of `category` that would make it an emergency, and where to call (None or unknown → generic)."""
    n = numbers or EmergencyNumbers()
    call = f"call {n.emergency} now"
    signs = {
        "cardiac": "chest pain or pressure lasting more than a few minutes, spreading to your arm, jaw or back, or "
                   "with sweating, sickness or breathlessness",
        "stroke": "a drooping face, a weak arm or leg, slurred or confused speech, or sudden loss of vision",
        "breathing": "trouble breathing or speaking, blue or grey lips, or an inhaler that is not helping",
        "anaphylaxis": "swelling of the lips, tongue or throat, trouble breathing or swallowing, or feeling faint",
        "self_harm": f"thoughts of ending your life or a plan to hurt yourself (call or text {n.crisis_line} any time)",
        "overdose_poisoning": f"swallowed too much medicine or something poisonous (Poison Control: {n.poison_control}), "
                              "or are very drowsy, confused or breathing slowly",
        "bleeding_trauma": "bleeding that will not stop with firm pressure, a deep wound, or a head injury with "
                           "vomiting, confusion or drowsiness",
        "unresponsive_seizure": "someone who cannot be woken, is not responding, or has a seizure lasting over 5 "
                                "minutes or a first seizure",
        "pregnancy": "heavy bleeding, severe belly pain, a bad headache with blurred vision, or a baby moving less "
                     "in pregnancy",
        "infant_child": "a baby under 3 months with a fever, a child who is floppy, hard to wake, struggling to "
                        "breathe or has a rash that does not fade when pressed",
        "metabolic_sepsis": "fever with confusion, mottled or very pale skin, a stiff neck, or a very high or low "
                            "blood sugar with vomiting or drowsiness",
    }
    what = signs.get(category or "", "severe pain, trouble breathing, confusion, fainting or heavy bleeding")
    return f"If you have {what}, {call} (or your local emergency number)."


# ------------------------------------------------------------------------------- the component
_MAX_PATTERN_CHARS = 200_000  # per turn: regex time stays linear; beyond it the classifier alone reads on
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_LETTER = re.compile(r"[a-zA-Z]")
_WORDS = re.compile(r"[a-z]+")
# Words nearly every English message holds, whatever its topic: none of them in four words or more and few
# known words means another language (drug names alone are not English words, but they come with these).
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an i my me is are am was and or to of in on it have has had what how can do does you your he she his "
    "her for with not this that be been at from should will im get if so but no we they there after when".split()
)

# Everyday words of the languages people most often mix with English in a health message, none of them an
# English word or abbreviation ("no", "me", "sin", "may", "de", "la", "para", "beta", "sir", "mere", "com" are left
# out): three different ones of one language mean part of the message is in it, which the patterns (English)
# cannot read. Arabic in Latin letters also shows in its digit letters ("3ndi", "7ar"): two such words are enough.
_OTHER_LANGUAGE_WORDS = {
    "Spanish": frozenset(
        "el los las tiene tengo está estoy esta estás muy pero porque desde ahora hace una puede puedo hijo hija "
        "papá abuela abuelo bebé niño niña qué que cuando donde dónde también tomó tomo años días poco todos sí "
        "señor ayuda por duele dolor cabeza fiebre pecho brazo boca sangre respirar mucha".split()),
    "Portuguese": frozenset(
        "não nao uma meu minha está ele ela muito agora tenho filho filha pai mãe mae quando também tambem "
        "acordou consegue anos dias dor cabeça cabeca febre peito braço braco sangue ajuda você voce isso bebê "
        "estou".split()),
    "French": frozenset(
        "est les des une mes elle pas avec dans sur depuis très tres fils fille je j'ai qui mais où aussi ne "
        "rien tête tete fièvre fievre poitrine bouche respirer bébé mère père pere".split()),
    "Tagalog": frozenset(
        "ang ng mga siya hindi po yung lang naman kasi niya ako ikaw kami tayo ito iyan dito anak nanay tatay "
        "sakit masakit lagnat dugo hinga huminga ulo dibdib kamay paa malamig mainit umiiyak gumagalaw tulong "
        "paano".split()),
    "Polish": frozenset(
        "nie jest się sie moja mój moj jak już juz tak bardzo dziecko córka corka syn boli ból bol głowa glowa "
        "gorączka goraczka krew oddychać oddychac pomoc proszę prosze teraz mnie".split()),
    "Hindi": frozenset(
        "hai hain nahi nahin raha rahi rahe mera meri bahut kya aur kuch abhi dard bukhar khoon saans bacha "
        "bachcha beti maa kaise kyun karo karein hua hui".split()),
    "Arabic in Latin letters": frozenset(
        "ana enta inta inti mish msh fih ya3ni shway shwaya kteer kwayes kwayyes kwais 3ndi 3andi 3ando wagaa "
        "waga3 waja3 rasi rasy ezay delwa2ti hamel hamil shahr ibni binti ommi abouya habibi wallah yalla".split()),
}
# a digit letter inside a word ("ya3ni", "delwa2ti") or a leading 3 or 7 ("3ndi", "7abibi"); not a dose, a time,
# an ordinal or a numbered list ("5mg", "2pm", "3rd", "x5days", "hands2", "ft3")
_ARABIZI = re.compile(r"\b(?:[a-z]{2,}[2357][a-z]+|[37](?!(?:rd|th|nd|st|mg|ml|kg|pm|am|yo|wks?|days?|hrs?|mins?|x)\b)"
                      r"[a-z]{2,})\b")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class Triage:
    """The patterns, and the learned classifier when a trained model directory is given."""

    def __init__(self, model=None, head=None, manifest: dict | None = None, fallback_reason: str | None = None,
                 model_dir: str | None = None) -> None:
        self.encoder = model
        self.head = head
        self.manifest = manifest or {}
        self.fallback_reason = fallback_reason
        self.model_dir = model_dir

    @classmethod
    def load(cls, model_dir: str | Path | None) -> Triage:
        """A triage over the model in `model_dir` (a triage_model asset's directory); None or an unreadable
        directory gives the patterns alone, with `fallback_reason` saying why."""
        if model_dir is None:
            return cls(fallback_reason="no triage model given: the emergency patterns decide alone")
        try:
            return _load_cached(str(Path(model_dir).resolve()), _mtime(Path(model_dir) / "manifest.json"))
        except Exception as exc:  # any broken model must leave the patterns working
            return cls(fallback_reason=f"triage model {model_dir} could not be loaded ({type(exc).__name__}: {exc}); "
                                       "the emergency patterns decide alone")

    @property
    def threshold(self) -> float | None:
        return None if self.head is None else self.head.threshold

    @property
    def possible_threshold(self) -> float | None:
        return None if self.head is None else self.head.possible_threshold

    def describe(self) -> dict:
        return {"model_dir": self.model_dir, "threshold": self.threshold, "possible_threshold": self.possible_threshold,
                "fallback_reason": self.fallback_reason,
                "dataset_version": self.manifest.get("dataset_version"), "encoder": self.manifest.get("encoder")}

    def assess(self, user_turns: Sequence[str] | str) -> TriageDecision:
        """Triage one conversation: every user turn, oldest first (a single string is one turn)."""
        return self.assess_many([user_turns])[0]

    def assess_many(self, conversations: Sequence[Sequence[str] | str]) -> list[TriageDecision]:
        """Triage many conversations with one classifier batch (what routing a file of questions uses)."""
        prepared = [_Conversation(c) for c in conversations]
        scores = self._classifier_scores(prepared) if self.head is not None else [None] * len(prepared)
        return [self._decide(conversation, score) for conversation, score in zip(prepared, scores)]

    # ------------------------------------------------------------------ internals
    def _classifier_scores(self, prepared: list[_Conversation]) -> list[_Scores | None]:
        texts, owners = [], []
        for index, conversation in enumerate(prepared):
            for text in conversation.classifier_texts():
                texts.append(text)
                owners.append(index)
        results: list[_Scores | None] = [None] * len(prepared)
        if not texts:
            return results
        contexts = context_matrix(texts) if self.head.context_features else [None] * len(texts)
        with_texts = self.head.ngrams is not None
        for owner, window, context in zip(owners, self.encoder.windows(texts, with_texts=with_texts), contexts):
            vectors, unread = window[0], window[1]
            if len(vectors) == 0:
                continue
            probabilities = self.head.emergency_proba(vectors, context, window[2] if with_texts else None)
            best = int(np.argmax(probabilities))
            current = results[owner]
            if current is None or probabilities[best] > current.score:
                category = self.head.categories(vectors[best : best + 1])[0]
                results[owner] = _Scores(float(probabilities[best]), category, unread + (current.unread if current else 0))
            elif unread:
                results[owner] = _Scores(current.score, current.category, current.unread + unread)
        return results

    def _decide(self, conversation: _Conversation, scores: _Scores | None) -> TriageDecision:
        findings = conversation.findings()
        active = [(turn, f) for turn, f in findings if f.suppressed is None]
        topics = tuple(dict.fromkeys(f.category for _, f in findings if f.suppressed is not None))
        model_says = scores is not None and scores.score >= self.head.threshold
        score = scores.score if scores is not None else (1.0 if active else 0.0)
        notes = conversation.notes(scores)

        if active:
            # a sign many emergencies share (blue lips) names the category only when nothing else fired
            deciding = [f for _, f in active if not f.sign] or [f for _, f in active]
            category = min((f.category for f in deciding), key=CATEGORY_PRIORITY.index)
            evidence = tuple(dict.fromkeys(f"{turn}: {f.evidence} ({f.matched!r})" for turn, f in active))
            if model_says:
                evidence += (f"classifier: {score:.2f} >= threshold {self.head.threshold:.2f}",)
            layer = "pattern+classifier" if model_says else "pattern"
            reason = f"emergency ({category}): {active[0][1].evidence}" + notes
            return TriageDecision(True, category, evidence, score, layer, reason, topics)
        if model_says:
            evidence = (f"classifier: {score:.2f} >= threshold {self.head.threshold:.2f} (category {scores.category})",)
            reason = f"emergency ({scores.category}): the classifier scored {score:.2f}" + notes
            return TriageDecision(True, scores.category, evidence, score, "classifier", reason, topics)
        unreadable = conversation.unreadable()
        if unreadable:
            reason = (f"treated as a possible emergency: {unreadable}; the triage cannot rule an emergency out, "
                      "so escalation advice is given" + notes)
            return TriageDecision(True, "other", (unreadable,), score, "conservative", reason, topics)
        if conversation.empty:
            return TriageDecision(False, None, (), score, "none", "nothing to assess: no words in any user turn", topics)
        why_not = "; ".join(f"{f.evidence} ({f.suppressed})" for _, f in findings if f.suppressed)
        reason = "no emergency found" + (f" (set aside: {why_not})" if why_not else "")
        possible = (scores is not None and self.head.possible_threshold is not None
                    and scores.score >= self.head.possible_threshold)
        possible_category = scores.category if possible else None
        if possible:
            reason = (f"possible emergency ({scores.category}): the classifier scored {score:.2f}, at or above the "
                      f"safety-net threshold {self.head.possible_threshold:.2f} but below the emergency threshold "
                      f"{self.head.threshold:.2f}; " + reason)
        elif scores is not None:
            reason += f"; classifier {score:.2f} < threshold {self.head.threshold:.2f}"
        elif self.fallback_reason:
            reason += "; patterns only (no triage model)"
        foreign = None if possible else conversation.partly_foreign()
        if foreign:
            # what the patterns cannot read may hold the emergency: the safety-net line, not a takeover
            possible, possible_category = True, scores.category if scores is not None else "other"
            reason = (f"possible emergency: {foreign}, which the patterns cannot read, so the safety-net line is "
                      "given; " + reason)
        return TriageDecision(False, None, (), score, "none", reason + notes, topics, possible, possible_category)


@dataclass(frozen=True)
class _Scores:
    score: float
    category: str
    unread: int  # tokens the classifier did not read (max_windows)


class _Conversation:
    """One conversation's user turns, cleaned and normalized once."""

    def __init__(self, user_turns: Sequence[str] | str) -> None:
        if isinstance(user_turns, str) or not isinstance(user_turns, Sequence):
            user_turns = [user_turns]
        self.raw = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in user_turns]
        self.cleaned = [clean_text(t) for t in self.raw]
        self.normalized = [memoized("normalized", normalize_for_patterns, t[:_MAX_PATTERN_CHARS]) for t in self.cleaned]
        self.units = reading_units(self.normalized)  # a turn that continues the one before is read with it
        self.truncated = sum(len(t) > _MAX_PATTERN_CHARS for t in self.cleaned)
        self.empty = not any(_LETTER.search(t) for t in self.cleaned)

    def classifier_texts(self) -> list[str]:
        texts = [text for _, text in self.units]
        return texts + (["\n".join(texts)] if len(texts) > 1 else [])

    def findings(self) -> list[tuple[str, Finding]]:
        found: list[tuple[str, Finding]] = []
        for label, text in self.units:
            found.extend((label, f) for f in memoized("findings", find_emergencies, text))
        if len(self.units) > 1:
            seen = {(f.category, f.evidence) for _, f in found if f.suppressed is None}
            joined = memoized("findings", find_emergencies, "\n".join(text for _, text in self.units))
            found.extend(("all turns", f) for f in joined if f.suppressed is not None or (f.category, f.evidence) not in seen)
        return found

    def unreadable(self) -> str | None:
        """Why the text cannot be read reliably (mostly another script or language), else None."""
        text = " ".join(self.cleaned)
        letters = _LETTER.findall(text)
        if len(letters) < 4:
            return None
        latin = len(_ASCII_LETTER.findall(text)) / len(letters)
        if latin < 0.6:
            return f"{1 - latin:.0%} of the letters are not in the Latin alphabet"
        words = _WORDS.findall(text.lower())
        if len(words) >= 4 and not _ENGLISH_FUNCTION_WORDS.intersection(words):
            known = english_words() | frozenset(TRIAGE_TERMS)
            english = sum(w in known for w in words) / len(words)
            if len(known) > len(TRIAGE_TERMS) and english < 0.6:
                return f"no English function words and only {english:.0%} of the words are English"
        return None

    def partly_foreign(self) -> str | None:
        """Which other language part of the text is in (three different everyday words of it, or two words
        of Arabic in Latin letters), else None: English with a few words of another language is read as English."""
        text = " ".join(self.cleaned).lower()
        words = set(_WORD.findall(text))
        best = max(((len(words & vocabulary), name) for name, vocabulary in _OTHER_LANGUAGE_WORDS.items()))
        if best[0] >= 3:
            found = sorted(words & _OTHER_LANGUAGE_WORDS[best[1]])[:4]
            return f"part of the message is in {best[1]} ({', '.join(found)})"
        arabizi = set(_ARABIZI.findall(text))
        if len(arabizi) >= 2:
            return f"part of the message is in Arabic written in Latin letters ({', '.join(sorted(arabizi)[:4])})"
        return None

    def notes(self, scores: _Scores | None) -> str:
        parts = []
        if self.truncated:
            parts.append(f"the patterns read the first {_MAX_PATTERN_CHARS:,} characters of {self.truncated} very long turn(s)")
        if scores is not None and scores.unread:
            parts.append(f"the classifier did not read the last {scores.unread:,} tokens (patterns read them)")
        return "" if not parts else " [" + "; ".join(parts) + "]"


def _mtime(path: Path) -> float:
    return path.stat().st_mtime


@lru_cache(maxsize=4)
def _load_cached(model_dir: str, _manifest_mtime: float) -> Triage:
    from medchat_pipeline.core.safety.triage_model import TokenEmbeddingEncoder, load_head

    head, manifest = load_head(Path(model_dir))
    encoder_info = manifest["encoder"]
    encoder = TokenEmbeddingEncoder(window_tokens=encoder_info["window_tokens"], max_windows=encoder_info["max_windows"])
    if encoder.fingerprint() != encoder_info["table_sha256"]:
        raise ValueError("the installed MiniLM embedding table differs from the one the model was trained on")
    return Triage(encoder, head, manifest, None, model_dir)


# ------------------------------------------------------------------------------ the latest model
def latest_model_pointer(storage_dir: str | Path) -> Path:
    """<storage>/models/triage/latest: JSON naming the model directory the triage_model asset last wrote."""
    return Path(storage_dir) / "models" / "triage" / POINTER_NAME


def write_latest_pointer(storage_dir: str | Path, model_dir: str | Path, extra: dict | None = None) -> Path:
    """Point `latest` at model_dir (atomically: a reader sees the old or the new pointer, never half)."""
    pointer = latest_model_pointer(storage_dir)
    pointer.parent.mkdir(parents=True, exist_ok=True)
    tmp = pointer.with_name(f"{POINTER_NAME}.tmp{os.getpid()}")
    tmp.write_text(json.dumps({"model_dir": str(Path(model_dir).resolve()), **(extra or {})}, indent=2))
    os.replace(tmp, pointer)
    return pointer


def resolve_model_dir(choice: str, storage_dir: str | Path) -> tuple[str | None, str | None]:
    """(model directory, why none) for safety.triage_model: 'latest', 'none' or a directory."""
    if choice == "none":
        return None, "safety.triage_model is 'none': the emergency patterns decide alone"
    if choice != "latest":
        return choice, None
    pointer = latest_model_pointer(storage_dir)
    if not pointer.exists():
        return None, (f"no triage model has been materialized yet ({pointer} does not exist): the emergency patterns "
                      "decide alone; materialize the triage_model asset to add the classifier")
    try:
        return json.loads(pointer.read_text())["model_dir"], None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"{pointer} is unreadable ({exc}): the emergency patterns decide alone"


def load_triage(cfg) -> Triage:
    """The triage a profile serves with: `safety.triage_model` resolved against its storage dir."""
    model_dir, why_none = resolve_model_dir(cfg.safety.triage_model, cfg.storage_path())
    if model_dir is None:
        return Triage(fallback_reason=why_none)
    return Triage.load(model_dir)
