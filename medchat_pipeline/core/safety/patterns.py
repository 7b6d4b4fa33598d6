"""The pattern layer of triage: emergencies that must never be missed, written as rules over the
normalized text (normalize.normalize_for_patterns: lower case, contractions expanded, typos fixed).

A rule names a category, what it saw (the evidence shown to people), a regular expression, and
optionally a second expression that must occur nearby (chest pain *and* a sweat, a numb arm *and* a
sudden onset). Rules come in two kinds:

- `explicit`: the words themselves say emergency ("cannot breathe", "having a heart attack",
  "kill myself", "took 40 tylenol");
- `symptom`: a symptom picture that is an emergency unless the text says it is old news (chronic:
  "for the past year", "on and off") or settled (resolved: "the ER said it was reflux").

Every match is checked against what makes a mention *not* an emergency now, in its clause or
sentence: negation just before it ("no chest pain"), a general question ("what are the warning signs
of a stroke?"), a hypothetical ("what should I do if someone collapses?"), past history ("my mother
had a stroke five years ago"), and figurative speech where a rule lists it ("dying to know").
Suppressed matches are reported too, so a person can see why a mention did not count.

A few rules cover other languages (the most common emergency statements in Spanish, French, German,
Portuguese and romanized Hindi); everything else about non-English text is triage.py's concern.
"""

from __future__ import annotations

import bisect
import re
import re._constants as _sre
import re._parser as _sre_parser
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = r"(?![.!?;](?: |$))[^ \n]+"  # a word, number or comma, never a lone sentence end: gaps stay in a sentence


def _gap(words: int) -> str:
    """Up to `words` words between two parts of a pattern (normalized text has single spaces)."""
    return rf"(?: {_TOKEN}){{0,{words}}} "


@dataclass(frozen=True, eq=False)
class Rule:
    category: str
    evidence: str  # what a person reads: "chest pain with sweating"
    pattern: re.Pattern[str]
    near: re.Pattern[str] | None = None  # must also occur within `window` characters of the match
    window: int = 160
    kind: str = "explicit"  # explicit | symptom
    unless: re.Pattern[str] | None = None  # figurative or benign readings, searched in the match's sentence
    unless_scope: str = "sentence"  # or "text": the benign reading may be anywhere in the turn
    literals: frozenset[str] | None = None  # one of these is in every match (required_literals); None = unknown
    always: bool = False  # only negation sets it aside: a general question about it is still a risk
    # Red flags that win over `unless`: with one of them anywhere in the turn (not negated), the benign reading does
    # not set the match aside (a low oximeter reading "from cold fingers" beside dusky lips is still hypoxia).
    red_flags: re.Pattern[str] | None = None
    # A sign that many emergencies share (blue lips): it makes an emergency, but names the category only when no other
    # rule fires (a seizure or an overdose with blue lips gets the seizure's or the poison's advice; round 9).
    sign: bool = False
    # A `near` word with a negation before it in its own clause does not count ("hit my head, no vomiting, no headache";
    # round 10). Off by default: most `near` lists are context words, not symptoms, and negating them means nothing.
    near_negation: bool = False
    # Round 26: a second benign reading always searched in the whole turn (the rule's own `unless` keeps its scope):
    # "I think I overdosed... on melatonin gummies, two instead of one" tells the harmless dose in the next sentence.
    unless_text: re.Pattern[str] | None = None
    # Round 27: a benign reading searched in the whole turn that the rule's red flags do not override, because its own
    # pattern carries what still wins (a lookahead): a dog "choking on a ball" is not a person's obstruction though "on a"
    # is a red flag of the choking rule; "why do doctors check for a stiff neck with a fever? our lecturer mentioned it"
    # names the fever the meningitis rule's red flags read as a sign told now.
    unless_guarded: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Finding:
    category: str
    evidence: str
    matched: str  # the words of the text that matched
    suppressed: str | None = None  # why the match does not count (negated, education, history, ...)
    sign: bool = False  # from a Rule.sign rule: another finding's category comes first


def _rule(category: str, evidence: str, pattern: str, near: str | None = None, window: int = 160,
          kind: str = "explicit", unless: str | None = None, unless_scope: str = "sentence", always: bool = False,
          red_flags: str | None = None, sign: bool = False, near_negation: bool = False,
          unless_text: str | None = None, unless_guarded: str | None = None) -> Rule:
    compiled = re.compile(pattern)
    return Rule(category, evidence, compiled, re.compile(near) if near else None, window, kind,
                re.compile(unless) if unless else None, unless_scope, required_literals(compiled), always,
                re.compile(red_flags) if red_flags else None, sign, near_negation,
                re.compile(unless_text) if unless_text else None,
                re.compile(unless_guarded) if unless_guarded else None)


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains (None when there is no such set).

    Scanning a text with a hundred regular expressions costs milliseconds; asking first whether the
    text holds any of a rule's required words (a C substring search) skips most rules on most texts.
    The sets are derived from the parsed expression, so they can never drift from the patterns:
    a literal run of a sequence, the union over all branches of an alternation, the body of a
    repeat that must occur at least once; lookarounds and character classes add nothing."""
    return _required(_sre_parser.parse(pattern.pattern, pattern.flags))


def _required(items) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run = ""
    for op, argument in items:
        if op is _sre.LITERAL:
            run += chr(argument)
            continue
        if op is _sre.AT:  # a zero-width \b or ^ inside a literal run does not split it
            continue
        if run:
            candidates.append(frozenset([run]))
            run = ""
        found = None
        if op is _sre.SUBPATTERN:
            found = _required(argument[-1])
        elif op is _sre.BRANCH:
            branches = [_required(branch) for branch in argument[1]]
            if all(b is not None for b in branches):
                found = frozenset().union(*branches)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and argument[0] >= 1:
            found = _required(argument[2])
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset([run]))
    if not candidates:
        return None
    # The most selective set: its shortest string as long as possible, then as few strings as possible.
    return max(candidates, key=lambda c: (min(len(x.strip()) for x in c), -len(c)))


# ---------------------------------------------------------------------------- shared pieces
_ONSET = (r"\b(?:sudden\w*|all of a sudden|out of nowhere|came on|just (?:now|started|happened)|started "
          r"(?:\d+|a few|few|ten|twenty|thirty|an?|half an) ?(?:minutes?|hours?|hour)|(?:\d+|a few|few|ten|twenty|"
          r"thirty|half an|an) (?:minutes?|hours?|hour) ago|right now|this morning|since (?:an|one|1|half an) hour|"
          r"for (?:the (?:last|past) )?(?:\d+|ten|twenty|thirty|forty|an?|half an) ?(?:minutes?|hours?|hour)|"
          r"now|today|tonight)\b")
_CHEST = r"(?:chest|breastbone|sternum)"
_CHEST_PAIN = (rf"\b(?:{_CHEST}(?: is| feels)? like (?:(?![.!?;](?: |$))[^ \n]+ ){{0,4}}(?:vice|vise|clamp|crushed|squeezed|"
               rf"elephant|weight|band|brick\w*|ton of bricks)|{_CHEST}(?: is| feels| has)?{_gap(2)}(?:pain\w*|hurt\w*|ache|aching|pressure|tight\w*|heav\w*|"
               rf"squeez\w*|crush\w*|burning)|"
               # round 33: the adjective before it ("grey and clammy with a tight chest for 20 minutes")
               rf"(?:a |her |his |my )(?:tight|heavy|crushing|squeezing) {_CHEST}|"
               rf"(?:pain\w*|pressure|tightness|heaviness|ache|crushing|squeezing)"
               rf"(?: (?![.!?;](?: |$))[^ \n]+){{0,3}} (?:in|on|across|of|around|round|over|behind|inside) (?:the (?:middle|centre|center) "
               rf"of )?(?:my |his |her |the |their )?{_CHEST}|(?:elephant|weight|brick\w*|vice|vise|band|belt|someone|"
               rf"something)(?: (?![.!?;](?: |$))[^ \n]+){{0,3}} (?:on|pressing on|pressing down on|sitting on|standing on|"
               rf"crushing|squeezing|around|round|across) (?:my |his |her |the |their )?{_CHEST})\b")
_CARDIAC_FEATURES = (r"\b(?:crush\w*|severe|very bad|really bad|so bad|terrible|worst|unbearable|heavy|heaviness|"
                     r"elephant|squeez\w*|tight band|pressure|very much|so much|a lot|agony|arm\w*|jaw|neck|shoulder|"
                     r"back|sweat\w*|clammy|grey|gray|pale|ashen|short of breath|shortness of breath|breathless|"
                     r"(?:cannot|can not) (?:breathe|breath|catch)|nause\w*|vomit\w*|sick|dizz\w*|faint\w*|pass out|"
                     r"passing out|collaps\w*|radiat\w*|spread\w*|going (?:down|to|into)|sudden\w*|out of nowhere|"
                     r"right now|minutes|(?:an|one|1|half an) hour|since (?:this |early this )?morning|since last night|"
                     r"since (?:1|one|an) hour|from morning|for (?:the )?(?:last |past )?(?:\d+|a few|few|several|two|three|"
                     r"four) hours|intense)\b")
# Round 27 (the lead's review): someone took a whole supply, the number of tablets told after the verb ("he ate the last
# of my pills, I think he took them all, 30 tablets", "swallowed the lot, about 20 pills").
_TOOK_THEM_ALL = (r"\b(?:took|taken|swallowed|ate|eaten|had|downed|necked)\b (?:\S+ ){0,1}?(?:them all|all of them|the (?:whole )?lot|"
                  r"every (?:single )?one(?: of them)?|the rest(?: of (?:them|my|his|her|their|the) (?:\S+ )?(?:pills|tablets|"
                  r"tabs|capsules|meds))?)\b")
_PILL_COUNT = (r"\b(?:[1-9]\d|\d{3}|twenty|thirty|forty|fifty|sixty|a hundred)\b(?: \S+){0,4}? (?:pills?|tablets?|tabs|"
               r"capsules?|caps|meds)\b|\b(?:pills?|tablets?|tabs|capsules?|meds)\b(?: \S+){0,8}? (?:[1-9]\d|twenty|thirty|"
               r"forty|fifty)\b(?! (?:mg|mcg|g|ml|units?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|kg|%)\b)")
_TOOK_THEM_ALL_NUMBER = (r"(?:" + _TOOK_THEM_ALL + r")(?: \S+){0,10}? (?:" + _PILL_COUNT + r")|\b(?:pills?|tablets?|tabs|capsules?|"
                         r"meds)\b(?: \S+){0,8}? (?:" + _TOOK_THEM_ALL + r")(?: \S+){0,6}? (?:[1-9]\d|twenty|thirty|forty|fifty)\b"
                         r"(?! (?:mg|mcg|g|ml|units?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|kg|%)\b)")
# Taking them all is not an overdose when told over days, as a course or as prescribed, as a what-if or years ago (the
# benign reading of both "took them all" rules).
_TOOK_THEM_ALL_OVER_TIME = (r"\bover (?:a|the|one|two|three|\d+) (?:days?|weeks?|months?|fortnight)\b|\b(?:course|as "
                            r"prescribed|(?:a|per|each|every) (?:day|week)|daily|weekly|monthly|what if|if (?:someone|you|"
                            r"a person|somebody|he|she|they|i))\b|\b(?:years?|months?) (?:ago|back)\b|\bwhen (?:i|he|she) "
                            r"was\b")
_NOT_BREATHING = r"\b(?:not|stopped|is not|has stopped|barely|hardly) breathing\b"
_PREGNANT = (r"\b(?:pregnant|pregnancy|\d+ weeks? (?:pregnant|along|gestation)|(?:\d+|[a-z]+) months? pregnant|"
             r"trimester|expecting|positive (?:pregnancy )?test|i am \d+ weeks|at \d+ weeks|\d+ weeks and)\b")
_NOT_PREGNANT = (r"\b(?:getting pregnant|get pregnant|avoid pregnancy|am i pregnant|chances of (?:(?![.!?;](?: |$))[^ \n]+ ){0,3}pregnan\w*|"
                 r"pregnancy test|trying (?:for a baby|to conceive|to get pregnant)|is she pregnant)\b")
_INFANT = (r"\b(?:baby|babies|newborn|new born|infant|\d+ (?:day|days|week|weeks|month|months) old|(?:one|two|"
           r"three|four|five|six) (?:day|days|week|weeks|month|months) old|toddler|my \d+ (?:year|yr) old|"
           r"child|kid|son|daughter)\b")
# Round 27: a fever at a few weeks old that was checked and all clear, told by a parent of a baby now three months old or
# older ("she had a fever at 6 weeks, admitted for tests, all clear; now 4 months with a cold"), with no fever after the
# age told now.
_INFANT_FEVER_PAST = (r"^(?=[\s\S]*\b(?:all clear|all fine|all normal|(?:were|was|came back|come back) (?:all )?(?:clear|normal|"
                      r"fine)|everything (?:was |came back |come back )?(?:clear|normal|fine))\b)(?=[\s\S]*\b(?:now|is|s|"
                      r"turned)(?: (?:he|she|they|is|s|are))* (?:[3-9]|1[0-2]|three|four|five|six|seven|eight|nine|ten|eleven|"
                      r"twelve) (?:months?|mo)\b(?![\s\S]*\b(?:fever\w*|temperature|temp|hot|feverish|burning up|3[89](?:\.\d)?|"
                      r"40(?:\.\d)?)\b))")
# Round 30: a fever told at an age in weeks ("he had fever when he was 3 weeks", "a fever at 2 weeks old") beside an age now
# of 3 to 12 months, with no fever told after the age now ("now he is 6 months and well; does this change his vaccines?").
_INFANT_FEVER_THEN = (r"^(?=[\s\S]*\b(?:had|got|with|ran) (?:a )?(?:fever|temperature|temp|high temperature)\b(?: \S+){0,2} "
                      r"(?:at|aged|when (?:he|she|they) (?:was|were)) (?:\d+|one|two|three|four|five|six|seven|eight) "
                      r"(?:days?|weeks?|wks?)\b)(?=[\s\S]*\b(?:now|is|s)(?: (?:he|she|they|is|s|are))* (?:[3-9]|1[0-2]|three|"
                      r"four|five|six|seven|eight|nine|ten|eleven|twelve) (?:months?|mo|mths?)\b(?![\s\S]*\b(?:fever\w*|"
                      r"temperature|temp|hot|feverish|burning up|3[89](?:\.\d)?|40(?:\.\d)?)\b))")
_YOUNG_INFANT = (r"\b(?:newborn|new born|\d+ (?:day|days|week|weeks) old|(?:one|two|three|four|five|six|seven|"
                 r"eight) (?:day|days|week|weeks) old|(?:1|2|one|two) months? old|my baby only 1 month|"
                 r"baby only (?:1|one) month|(?:son|daughter|baby|he|she) is (?:[1-9]|1[0-2]) weeks(?! pregnant)|"
                 # round 7: "11 wks old", "our little one is 9 weeks", "baby (10 wks)", "nearly 3 months"
                 r"(?:[1-9]|1[0-2]) ?wks? old|(?:little one|lo|son|daughter|baby) is (?:[1-9]|1[0-2]) ?(?:weeks|wks)"
                 r"(?! pregnant)|baby \( ?(?:[1-9]|1[0-2]) ?(?:wks?|weeks?)|(?:nearly|almost|not yet|just under) "
                 r"(?:3|three) months? old)\b")
_INGEST = (r"\b(?:ate|eaten|eat|eating|drank|drunk|drink|drinking|swallowed|swallow|swallowing|licked|bit into|"
           r"sucking on|sucked on|sucking|chewing on|chewing|mouthing|"
           r"chewed|got into|ingested|inhaled|sniffed|huffed|took|taken|has taken|had|popped|injected|"
           # (blind set 32: "my little boy bit a laundry liquitab, some went in his mouth")
           r"bit(?= (?:a|an|the|open|through|one|into) )|bitten (?:into|open|through))\b")
_POISONS = (r"\b(?:(?:rat|mouse|mice|rodent|slug|snail|ant|roach|cockroach) (?:poison|bait|pellets?|blocks?|granules|killer|"
            r"traps?|gel)|(?:bait|poison) (?:box|boxes|station|stations|pellets?|blocks?)|rodenticide|poison(?! control| centre| center| line| service| help ?line)|bleach|"
            r"drain cleaner|detergent|rinse aid|dishwasher (?:tablets?|pods?|powder|liquid|salt)|toilet (?:cleaner|duck|"
            r"blocks?)|(?:window|glass|surface|floor|carpet|bathroom|kitchen) (?:cleaner|spray)|washing up liquid|dish "
            r"soap|fabric (?:softener|conditioner)|descaler|limescale remover|disinfectant|dettol|lysol|white spirit|"
            r"turpentine|paint thinner|superglue|air freshener|furniture polish|yew|foxglove|oleander|(?:deadly )?"
            r"nightshade|belladonna|hemlock|lily of the valley|laburnum|castor beans?|daffodil bulbs?|(?:wild|unknown|"
            r"strange|poisonous|shiny|black|red|white|orange) berries|berries (?:from|off|of) (?:a|an|the|our|my|his|her|"
            r"some|that|neighbou?rs?) (?:\w+ )?(?:bush|bushes|hedge|tree|plant|shrub|woods|park|garden)|(?:berries|leaves|"
            r"seeds) (?:in|from|off) the (?:woods|park|hedge|hedgerow|forest)|(?:laundry|dishwasher|tide|washing) "
            r"(?:pods?|tablets?|capsules?)|detergent pods?|liqui ?tabs?|(?:laundry|washing|detergent) liquid (?:tabs?|"
            r"capsules?|pods?)|button batter\w*|coin batter\w*|batter(?:y|ies)|"
            r"anti ?freeze|kerosene|paraffin|petrol|gasoline|lighter fluid|(?:windshield|windscreen) (?:washer )?"
            r"fluid|washer fluid|weed ?killer|pesticide|insecticide|bug spray|mothballs?|lamp oil|cleaning "
            r"(?:products?|fluid|spray)|oven cleaner|toilet cleaner|ammonia|lye|phenol|methanol|ethylene glycol|"
            r"(?:wild|garden|foraged|poisonous|magic) mushrooms?|mushrooms? (?:from|in) the (?:garden|woods|forest|"
            r"yard|park)|picked mushrooms|nail polish remover|acetone|e ?liquid|vape (?:juice|liquid)|nicotine "
            r"(?:liquid|gum|patch\w*)|essential oil|rubbing alcohol|hand sanitizer|magnets|chemical\w*)\b")
_DRUGS = (r"(?:pills?|tablets?|tabs|capsules?|caps|meds|medicines?|medications?|tylenols?|paracetamols?|"
          r"acetaminophen|panadol|calpol|ibuprofens?|advils?|motrin|nurofen|aspirins?|aleve|naproxen|benadryl|"
          r"diphenhydramine|xanax|valium|diazepam|lorazepam|ativan|klonopin|clonazepam|alprazolam|oxy\w*|percocets?|"
          r"vicodin|hydrocodone|morphine|codeine|tramadol|fentanyl|heroin|methadone|digoxin|lithium|ambien|"
          r"zolpidem|seroquel|quetiapine|amitriptyline|sertraline|prozac|fluoxetine|antidepressants?|"
          r"sleeping (?:pills?|tablets?)|sleep aids?|painkillers?|pain killers?|insulin|iron (?:pills?|tablets?)|"
          r"metformin|warfarin|melatonin|gummies)")
_HIGH_RISK_DRUGS = (r"(?:insulin|digoxin|lithium|warfarin|heart (?:pills?|tablets?|medicines?|meds)|blood pressure "
                    r"(?:pills?|tablets?|medicines?|meds)|sleeping (?:pills?|tablets?)|oxy\w*|morphine|fentanyl|"
                    r"methadone|tramadol|xanax|valium|diazepam|iron (?:pills?|tablets?)|opioids?|"
                    r"antidepressants?|amitriptyline|seroquel)")
# A low oximeter reading from cold fingers (normal once warmed) is a measuring error (round 5); these signs beside it
# are hypoxia whatever the writer blames (round 7): coloured lips or face, breathlessness, confusion.
_COLD_READING = (r"\b(?:(?:cold|freezing|icy|chilly) (?:hands|fingers?)|(?:hands|fingers?) (?:were|are|was|is|felt|feel)"
                 r"(?: \w+)? (?:cold|freezing|icy)|warm(?:ed|ing)? (?:them|it|up|my|her|his)|(?:outside )?in the (?:snow|"
                 r"cold)|nail (?:polish|varnish))\b")
_HYPOXIA_SIGNS = (r"\b(?:lips?|mouth|face|skin|tongue)\b(?: \S+){0,4} (?:dusky|blue|bluish|blueish|purple|grey|gray|"
                  r"ashen)\b|\b(?:dusky|bluish|blueish|blue|purple|grey|gray) (?:\w+ )?(?:lips|tinge|mouth|face)\b|"
                  r"\b(?:breathless\w*|short(?:ness)? of breath|out of breath|puffing|panting|gasping|struggling (?:to|for) "
                  r"breath\w*|(?:cannot|can not|hard to) (?:breathe|breath|catch)|confus\w*|muddled|drowsy|not making sense|"
                  r"chest pain|"
                  # round 29: a turn that explains the reading ("nvm they went up to 89 when i warmed my hands") is read
                  # with it: still under 92 once warmed, or barely able to walk, is hypoxia
                  r"(?:can |could )?barely (?:walk|breathe|talk|speak|move|get up)|(?:went|came|gone|goes|comes|has gone) "
                  r"(?:back )?up to (?:[5-8]\d|9[01])|(?:only|still) (?:[5-8]\d|9[01]) (?:when|after|once) (?:i |we )?warm\w*)\b")
_PESTICIDES = (r"roundup|glyphosate|paraquat|gramoxone|malathion|diazinon|chlorpyrifos|organophosphates?|herbicides?|"
               r"pesticides?|insecticides?|weed ?killer|slug pellets|rat poison|aluminium phosphide|celphos|dichlorvos")
_SUGAR = r"\b(?:sugar|glucose|bg|bsl|bm|blood sugar|reading|meter)\b"
# A pet that ate something is a question for a vet (the text may still name a child, whose rule then fires)
# Round 31: "when my daughter was little she drank some rinse aid, the poisons line said water and watch ... now she is 16"
# (a child's swallow dated to when the child was little), with nothing of today and no sign in the turn.
_CHILDHOOD_SWALLOW = (r"^(?=[\s\S]*\bwhen (?:my|our|his|her|their) (?:\S+ )?(?:son|daughter|kid|child|boy|girl|brother|"
                      r"sister|little one|baby|twins?|eldest|youngest|oldest) (?:was|were) (?:little|small|young|younger|tiny|"
                      r"a (?:baby|toddler|tot|kid|child|newborn)|[1-9]|one|two|three|four|five|six|seven|eight|nine)\b"
                      r"(?! ?(?:minutes?|mins?|seconds?|secs?|hours?|hrs?)\b))"  # (lead's review: "was 5 minutes alone")
                      r"(?![\s\S]*\b(?:just|right now|today|tonight|this (?:morning|afternoon|evening)|minutes? ago|an? hour "
                      r"ago|hours ago|again|vomit\w*|being sick|throwing up|burn\w*|drool\w*|dribbl\w*|drowsy|sleepy|cough\w*|"
                      r"wheez\w*|breath\w*|crying|screaming|a ?& ?e|a and e|hospital|emergency)\b)")
# Round 32: a device "having seizures" ("my laptop keeps having seizures and freezing on calls"), for both seizure rules.
_DEVICE_SEIZING = (r"\b(?:my|the|our|his|her|their|this|that|old|new|work|school) (?:laptop|computer|pc|phone|tablet|ipad|"
                   r"screen|tv|telly|printer|console|xbox|playstation|router|modem|monitor|macbook|chromebook|app|wifi|wi fi|"
                   r"internet|broadband)(?: (?:keeps|kept|is|was|has been|started|keeps on))? (?:having|had|getting|throwing) "
                   r"(?:a )?(?:seizures?|fits?|convulsions?)\b")
_PET_ATE = (r"\bmy (?:dog|cat|puppy|kitten|pet|rabbit|hamster|parrot|horse) (?:has |just |may have |might have )?"
            r"(?:ate|eaten|drank|licked|chewed|swallowed|got into)\b")

# Round 8, a veiled plan: a named day, "will not last", a question about an antidepressant or mood.
_DAY = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|tomorrow|tonight|\d+ ?(?:th|st|nd|rd)|"
        r"new year|christmas|my birthday)\b")
_NOT_LASTING = (r"\b(?:will not|not going to|do not think i will|doubt i will|cannot|can not|could not|do not think i can) "
                r"(?:still )?(?:last|hold on|hang on|make it (?:that long|so long|till|until|to then|through)|be (?:here|"
                r"around|alive))\b")
_MOOD_QUESTION = (r"\b(?:antidepressants?|ssris?|snris?|sertraline|fluoxetine|citalopram|escitalopram|paroxetine|"
                  r"mirtazapine|venlafaxine|duloxetine|amitriptyline|nortriptyline|bupropion|vortioxetine|trazodone|"
                  r"prozac|zoloft|lexapro|celexa|paxil|wellbutrin|effexor|cymbalta|depress\w*|low mood|mood|feeling "
                  r"(?:really |so |very )?low|counsell?ing|therapy|therapist|psychiatrist|mental health|hopeless\w*)\b")
# Round 8: hard to wake after a night shift, then up and normal (an adult child too: not a floppy baby).
_AFTER_SHIFT_NORMAL = (r"\b(?:night ?shifts?|nights|after (?:his|her|a|my) shift)\b.{0,120}\b(?:got up|woke(?: up)?|came "
                       r"round)\b.{0,60}\b(?:normal|normally|fine|himself|herself|ok|okay)\b|"
                       # round 29: "won't wake up!" / "never mind, he was on a night shift and is grumbling at me for
                       # shaking him" (awake and cross; the rule's red flags, strange breathing, still win)
                       r"\b(?:night ?shifts?|nights)\b.{0,80}\b(?:grumbl\w*|moan\w*|swore|swearing|sworn|grumpy|cross|annoyed|"
                       r"telling me off|told me (?:off|to go away|to leave)|shout\w* at me|complain\w*)\b")
# Round 8: a sip or mouthful of a drink tainted with a mild detergent, and the writer fine (not poisoning).
_SOAP_SIP_FINE = (r"(?=.*\b(?:dish ?soap|washing up liquid|washing liquid|fairy liquid|hand soap|soap|soapy|shampoo|"
                  r"bubble bath)\b)(?=.*\b(?:sip|sips|mouthful|swig|gulp|taste|drop|licked|lick|licking)\b)(?=.*\b(?:(?:feel|"
                  r"feels|felt|seem|seems|am|is) (?:totally |completely |absolutely |perfectly )?(?:fine|ok|okay|normal|well)|no "
                  r"symptoms|spat (?:it |some |most )?(?:\S+ )?out|playing (?:happily|normally))\b)")
# Round 9: one side's arm and leg (or hand, foot), as a stroke takes them.
_ONE_SIDE_LIMBS = (r"(?:(?:left|right|one) (?:arm|leg|hand|side)(?: and (?:(?:left|right|one|his|her|my|the) )?(?:arm|leg|"
                   r"hand|foot))?|(?:arm|hand) and (?:leg|foot)|(?:leg|foot) and (?:arm|hand))s?")
# Round 9: a groin, scrotal or testicular swelling that is hard, discoloured or stuck out (strangulated hernia, torsion);
# what says it hurts badly; a baby's age or a word for a baby.
_GROIN = (r"(?:groin|scrot\w*|testic\w*|testes|balls?|ball ?sack|nut ?sack|sack|willy|penis|inguinal|crease(?: \S+){0,4} "
          r"(?:leg|thigh)|top of (?:his|her|the) (?:leg|thigh))")
_CHANGED = (r"(?:hard(?! to)|dark\w*|purple\w*|blue|bluish|blueish|reddish\w*|black\w*|discolou?r\w*|stuck(?: out)?|"
            r"(?:will not|would not|does not|cannot|can not|not) go(?:ing)? back(?: in)?|tense|shiny)")
_GROIN_CHANGED = r"\b" + _GROIN + r"\b(?=.{0,120}\b" + _CHANGED + r"\b)|\b" + _CHANGED + r"\b(?=.{0,80}\b" + _GROIN + r"\b)"
_GROIN_DISTRESS = (r"\b(?:vomit\w*|sick|threw up|throwing up|thrown up|scream\w*|shriek\w*|inconsolabl\w*|(?:will not|would "
                   r"not|cannot|can not|not) (?:stop crying|settle)|crying (?:non ?stop|inconsolably)|cr(?:y|ies|ied) "
                   r"(?:very much|so much|hard|a lot)|agony|excruciating|(?:very|really|so|extremely) (?:painful|tender|"
                   r"sore)|severe pain)\b")
_BABY_AGE = (r"\b(?:baby|babies|newborn|new born|infant|(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
             r"twelve) ?(?:weeks?|wks?|months?|mths?) (?:old|olds|ol)|(?:baby|son|daughter|boy|girl|he is|she is|is|only|"
             r"just|turned|my|our) (?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) ?(?:weeks?|"
             r"wks?|months?|mths?))\b")
# Round 9: a suicide plan for tonight said outright: a time, and a sign of resolve.
_TONIGHT = (r"\b(?:tonight|today|this evening|tomorrow|when (?:everyone|everybody|they|the house|he|she|my \w+) (?:is|are|"
            r"has|have|goes|go|gone|leaves?)|once (?:everyone|everybody|they|he|she|my \w+) (?:is|are|has|goes|go|leaves?))\b")
_RESOLVE = (r"\b(?:decided|decision|made up my mind|mind is made up|(?:written|wrote|left) (?:the |my |a |some )?(?:letters?|"
            r"notes?)|(?:letters?|notes?) (?:are|is) (?:written|done|ready)|know (?:how|where|exactly)|(?:everything|it|all) is (?:ready|sorted|planned|set)|all (?:ready|sorted|"
            r"planned|set)|everything (?:ready|sorted|planned)|got everything|talked out of|do not want (?:help|to be "
            r"(?:saved|stopped|found))|goodbye\w*|will not be (?:here|around)|for good|once and for all|no (?:point|way "
            r"out)|nothing (?:feels|is) worth|(?:have|got) a plan|my plan)\b")
# Round 30: a young child quoted saying "I want to die" over a trivial cause (no more cartoons, the tablet turned off,
# bedtime) with a laugh or a word of drama and a parenting question; any hurting, hitting, bleeding, a means, or saying
# it again and again keeps it an emergency (the rule's red flags still win).
_CHILD_TANTRUM_DIE = (r"^(?=[\s\S]*\b(?:(?:[2-9]|one|two|three|four|five|six|seven|eight|nine) ?(?:year|yr)s? old|toddler|"
                      r"(?:[2-9]|two|three|four|five|six|seven|eight|nine) ?yo)\b)(?=[\s\S]*\b(?:shouted|yelled|screamed|"
                      r"said|says|wailed|cried|announced|declared|shrieked|sobbed)\b)(?=[\s\S]*(?:😂|🤣|😅|🙄|\b(?:lol|"
                      r"haha\w*|dramatic\w*|drama|tantrum|meltdown|whin\w*|sulk\w*)\b))(?=[\s\S]*\b(?:no more|told (?:him|"
                      r"her|them) no|said no|turned off|turn off|switch\w* off|bed ?time|cartoons?|tv|telly|screen ?time|ipad|"
                      r"tablet|sweets?|ice cream|biscuits?|chocolate|youtube|toy)\b)(?![\s\S]*\b(?:hurt\w*|hit|hitting|"
                      r"bang\w*|cut|cutting|scratch\w*|bleed\w*|bled|blood|knife|window|pills|tablets|rope|jump\w*|chok\w*|"
                      r"strangl\w*|every day|all the time|keeps? saying|kill (?:himself|herself|myself)|plan\w*)\b)")
# Round 30: poison control (or 111) said it was fine, with no vomiting, drooling, burning, breathing trouble or drowsiness
# and no word to go to hospital ("my daughter licked a dishwasher tablet , we called poison control , they said a lick was
# fine, rinse her mouth"): the swallowed-a-poison rule's reading (round 17), for the child rules too.
_POISON_CONTROL_FINE = (r"^(?=[\s\S]*\b(?:poisons? (?:control|centre|center|line|helpline)|(?:nhs )?111)\b(?: \S+){0,8} (?:said|says|"
                        r"told (?:us|me))(?: \S+){0,3} (?:fine|ok|okay|harmless|nothing to worry|no treatment|not to worry)\b)"
                        r"(?![\s\S]*\b(?:vomit\w*|being sick|throwing up|sick|burn\w*|foaming|drowsy|sleepy|floppy|choking|"
                        r"drool\w*|dribbl\w*|wheez\w*|cough\w*|(?:trouble|struggling|difficulty|hard) (?:breathing|to breathe)|"
                        r"throat|a ?& ?e|a and e|er|hospital|emergency|ambulance|not fine|unwell|pain|crying)\b)")
# Round 30: a double dose of insulin taken back within the message ("... twice tonight by mistake - wait no, I checked
# the pen log and it was only once"); any symptom, a low sugar or "it was twice" keeps it an emergency.
_DOSE_TAKEN_BACK = (r"^(?=[\s\S]*\b(?:wait|hang on|actually|scratch that)\b(?: ,)?(?: no| nope)?(?: ,)?(?: \S+){0,12}? "
                    r"(?:(?:it )?was (?:only |just )?|only |just )(?:once|the once|one dose|the one)\b)(?![\s\S]*\b(?:shak\w*|sweat\w*|dizz\w*|confus\w*|"
                    r"drowsy|faint\w*|collaps\w*|vomit\w*|hypo|hypos|clammy|unwell|sick|low|it was twice|yes twice|twice "
                    r"after all|both times|and again|then again)\b)")
# Round 9: idioms of despair at something trivial ("that boss fight made me want to kms lmao"): a trivial cause and a
# laugh, or a game "making" someone want to die. Red flags (a plan, a means, "not joking", a time) still win.
_TRIVIAL_CAUSE = (r"(?:game|gaming|games|match|ranked|level|boss|final boss|boss fight|quiz|puzzle|crossword|team|lost|"
                  r"losing|exam|exams|homework|project|group project|assignment|essay|deadline|meeting|meetings|traffic|"
                  r"commute|queue|monday|mondays|spreadsheet|wifi|printer|lecture|class|song|episode|show|cringe|"
                  # round 29: "maths coursework due tomorrow kms lol"
                  r"coursework|revision|revising|dissertation|"
                  r"embarrass\w*|group chat|email|emails|inbox|code|bug|referee|penalty|"
                  # round 31: "one more quarterly all hands and I'll kill myself", "another zoom call"
                  r"all hands|zoom|zoom calls?|video calls?|conference calls?|webinars?|stand ?ups?|appraisals?|audits?)")
_JOKING = (r"(?:\b(?:lol|lmao|lmfao|rofl|haha\w*|hehe\w*|jk|joking|just kidding|kidding|"
           # round 31: said of itself as a figure of speech ("relax its a figure of speech")
           r"(?:a |just a |only a )?figure of speech|(?:just |only )?an expression|just a saying|(?:a |just a )?turn of phrase|"
           r"manner of speaking|not literally|(?:did not|do not) mean (?:it |that )?literally)\b|💀|😂|🤣|😭|😅)")
_TRIVIAL_DESPAIR = (r"^(?=.*\b" + _TRIVIAL_CAUSE + r"\b)(?=.*" + _JOKING + r")|\b(?:that|this|the) (?:\S+ )?" + _TRIVIAL_CAUSE +
                    r"\b(?: \S+){0,2} (?:made|makes|making|is making) (?:me|him|her|us) (?:want to|wanna)\b|"
                    # round 31: watching "my team" lose: "watching my team lose the ashes makes me want to die, mate"
                    r"\b(?:watching|seeing) (?:my|our|the) (?:\S+ )?(?:team|side|club|lot)\b(?: \S+){0,6} (?:made|makes|"
                    r"making|is making) (?:me|us) (?:want to|wanna)\b|"
                    # round 11: "if the kids ask me one more question I'll kill myself lol": a threat at one more of a
                    # small, repeated annoyance, with a laugh
                    # (round 28: up to twelve words between "if" and "one more": "if I have to listen to my neighbour
                    # rehearse the drums one more time I'll kill myself haha")
                    r"^(?=.*\bif (?:\S+ ){0,12}one more (?:\S+ ){0,8}(?:i will|i am going to|i am gonna|gonna) (?:\S+ )?"
                    r"(?:kill|scream|die)\b)(?=.*" + _JOKING + r")")
# Round 34: "that exam was brutal, I want to die" / "anyway, how should I revise for my resits?": an exam or a test named,
# and the writer going on to ask how to study, revise, prepare or pass (the despair red flags still win).
_EXAM_THEN_HOW_TO = (r"^(?=[\s\S]*\b(?:exam|exams|test|tests|resits?|retakes?|mocks?|finals|paper|coursework|essay|"
                     r"dissertation|interview|presentation|module)\b)(?=[\s\S]*\b(?:how (?:do|can|should|would|could) (?:i|we) "
                     r"(?:\S+ ){0,3}?|how to (?:\S+ ){0,2}?|any (?:tips|advice|ideas) (?:for|on|about) (?:\S+ ){0,2}?|(?:tips|advice) "
                     r"(?:for|on) (?:\S+ ){0,2}?)(?:revis\w*|study\w*|prepar\w*|pass\w*|do better|get through|cram\w*|resits?|"
                     r"retakes?)\b)")
_DESPAIR_RED_FLAGS = (r"\b(?:not joking|no joke|not kidding|i mean it|"
                      # (round 31: "seriously though, what is good for a hangover?" turns to another subject)
                      r"seriously(?! (?:though|tho)\b(?! ,? ?(?:i|i am|i have|im)\b))"
                      # (round 32: "but seriously, is a phone in the bedroom bad for sleep?" asks about something else)
                      r"(?!(?: though| tho)? ,? ?(?:is|are|does|do|how|can|should|any) (?!there\b|it worth\b|i\b))|for real|"
                      # (round 28: not a thing that "actually" works, blocks or helps: "earplugs that actually block noise")
                      r"actually(?! (?:block|blocks|work|works|help|helps|stop|stops|fit|fits|muffle|muffles|cut|cuts|"
                      r"reduce|reduces|drown|drowns)\b)|tonight|plan\w*|pills|"
                      r"tablets|rope|every day|all the time|no point|hopeless\w*|cannot go on|cannot do this any ?more|"
                      r"nobody would (?:care|miss me)|better off without me|been thinking about (?:it|suicide|dying|ending)|"
                      # (the lead's review of round 33: "so hungover I want to die" / "been feeling like this for months
                      # though, not just the hangover")
                      r"(?:felt|feeling|been feeling|been) (?:like )?this (?:way )?for (?:weeks|months|years|ages|a long time)|"
                      r"not (?:just|only) (?:the|a|this|my) hangover)\b")
# The lead's review of round 35: "I attempted suicide when I was 20 ... I've been saving my tablets and I plan to take
# them this weekend"; "a few years ago I took an overdose" / "I've got the pills out again tonight"
_MEANS_READIED = (r"(?:saving|saved|stockpil\w*|hoarding|hoarded|counting out|counted out|lining up|lined up|laying out|"
                  r"laid out) (?:up )?(?:all )?(?:of )?(?:my |the |his |her |some |enough )?(?:\S+ )?(?:pills|tablets|meds|"
                  r"medication|painkillers|paracetamol)|(?:got|getting|have|taken|took) (?:all )?(?:the|my) (?:pills|tablets|"
                  r"meds|rope) (?:out|down)(?: again)?(?! (?:for|of|into|in|from) )|plan (?:to|on) tak\w* (?:them|the (?:pills|tablets)|all of them)")
# The state of a past suicide attempt back now ("another attempt", "no way out", "not well again", "can't cope"): read by
# the past-attempt reading below and by the history check (_SELF_HARM_BACK).
_SELF_HARM_STATE_BACK = (r"another attempt|" + _MEANS_READIED + r"|(?:no|a|any) way out|(?:struggl\w*|low|dark|down|depress\w*|"
                         r"unwell|spiral\w*|"
                         r"suicidal|not (?:well|coping|ok|okay|good))(?: [^ \n]+){0,2} again|(?:cannot|can not) cope|do not "
                         r"want to (?:live|be here|go on|wake up)")
# Round 28: a suicide attempt dated years ago, told as history ("three years ago, after my business failed, I tried to end
# my life ... well for a long time ... do I declare it for life insurance?"), with nothing of now in the turn: no wish, plan
# or means, no feeling it again, no tonight or right now.
_PAST_ATTEMPT_TOLD = (r"^(?=[\s\S]*\b(?:(?:tried|attempted|attempt\w*) to (?:end|take) (?:my|his|her|their) (?:own )?life|"
                      r"attempted suicide|suicide attempts?)\b)"
                      r"(?=[\s\S]*\b(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|many) (?:yrs?|"
                      r"years?) (?:ago|back|before)|years ago|back in (?:19|20)\d\d)\b)(?![\s\S]*\b(?:(?:want|wanna|"
                      r"wanting|going|gonna|plan|planning|ready|about|trying|try) to (?:end|take|kill|die|do it)|(?:feel\w*|"
                      r"thinking|thoughts?|urges?|happening|that way|like that)(?: [^ \n]+){0,3} again|again (?:now|"
                      r"tonight|today)|tonight|right now|these days|lately|at the moment|pills|tablets|rope|noose|blade|"
                      r"note|goodbye\w*|suicidal|no point|hopeless\w*|cannot go on|feel like dying|wish i (?:was|were) "
                      r"dead|better off|"
                      # lead's review of round 28: another attempt planned, or the old state back ("going to try again
                      # this weekend", "not well again and I don't see a way out", "saving up my tablets")
                      r"(?:try|trying|attempt\w*|do it|do that)(?: it)? again|bad(?: [^ \n]+){0,2} again|stockpil\w*|"
                      r"hoard\w*|sav\w* up|this weekend|tomorrow|soon|" + _SELF_HARM_STATE_BACK + r")\b)")
# Round 29: "I think I've taken too much paracetamol." / "I took 2 at 2pm and 2 more at 5pm because I forgot, 4 in 3
# hours": one or two tablets at a time, told at two times of one day, a small total. A child, a larger number, another
# handful, a pack, days of it, drink or a symptom keep it an emergency.
_STAGGERED_SMALL_DOSES = (
    r"^(?![\s\S]*\b(?:child|children|toddler|son|daughter|kids?|baby|boy|girl|year old|yr old|whole|all of|rest of|"
    r"packet|pack|bottle|box|handful|since yesterday|yesterday|days?|nights?|every (?:hour|\d+ hours?|two hours|couple of "
    r"hours)|sick|vomit\w*|drowsy|confus\w*|yellow|pain in|another (?:[3-9]|[1-9]\d)|(?:[5-9]|[1-9]\d) (?:more|extra|"
    r"tablets?|pills?|of them|paracetamol|after|again)|more than (?:\d+|four|eight)|alcohol|drunk|drinking|wine|beer)\b)"
    r"(?=[\s\S]*\b(?:1|2|one|two) (?:tablets? |pills? |paracetamol |of them )?(?:at|around|about) (?:\d+|lunch\w*|"
    r"breakfast|noon|midday|dinner)\b(?: (?:am|pm))?(?: \S+){0,5}? (?:1|2|one|two) (?:more |again |extra |tablets? |pills? )?"
    r"(?:at|around|about|later)\b)")
# Round 29: "My toddler got into the medicine cupboard!" / "panic over: he only got the vitamin C gummies and ate 3, label
# says 1 a day": vitamin C, one to three of them; iron, a multivitamin, a medicine, more of them, an unknown number or a
# symptom keep it an emergency.
_VITAMIN_C_FEW = (
    r"^(?=[\s\S]*\bvitamin c\b)(?=[\s\S]*\b(?:(?:ate|eaten|had|chewed|took|swallowed|eat) (?:1|2|3|one|two|three|a couple)|"
    r"(?:1|2|3|one|two|three) of (?:them|the)|only (?:1|2|3|one|two|three))\b)(?![\s\S]*\b(?:iron|ferrous|multi ?vitamin\w*|"
    r"vitamin (?:a|d)|paracetamol|calpol|ibuprofen|tablets|pills|medicines?(?! cupboard| cabinet| drawer| box| shelf)|adult|"
    r"handful|whole|all of|(?:do not|not sure|no idea) (?:know )?how many|vomit\w*|being sick|drowsy|sleepy|floppy|"
    r"(?:[4-9]|[1-9]\d+)\b(?! (?:a day|per day|daily|mg|years?|yrs?|yo|months?)))\b)")
# Round 28: one extra dose of an anticoagulant (twice, a double dose, two tablets), the person fine, no bleeding, asking
# the clinic, the INR or the GP ("my dad took two warfarin tablets by mistake!" / "let me say properly: his normal 3 mg
# twice, 6 mg, an hour ago, he is fine, INR 2.4 last week, should we tell the anticoagulation clinic?"). Bleeding,
# black or red stools or urine, vomiting, a fall or a head injury, dizziness, a larger number, days of it or a child keep
# it an emergency.
_ANTICOAGULANT_DOUBLE_SETTLED = (
    r"^(?=[\s\S]*\b(?:warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|dabigatran|pradaxa|edoxaban|blood "
    r"thinners?|anticoagulants?)\b)(?=[\s\S]*\b(?:twice|doubl\w*|two|2|extra)\b)(?=[\s\S]*\b(?:(?:he|she|i|they|dad|mum|"
    r"mom) (?:is|am|are|seems?|feels?|felt|looks?) (?:\S+ )?(?:fine|ok|okay|well|normal)|feels? fine|no bleeding|not "
    r"bleeding|no (?:bruis\w*|blood))\b)(?=[\s\S]*\b(?:inr|clinic|anticoagulation|gp|doctor|pharmacist|pharmacy|nurse|"
    r"should (?:we|i)|do (?:we|i))\b)(?![\s\S]*\b(?:(?:is|are|keeps?|started|starting|has been|now|been|still) (?:\S+ )?"
    r"bleed\w*|(?:blood|bleed\w*) (?:in|from|when)|nose ?bleed\w*|coughing (?:up )?blood|vomit\w*|being sick|throwing up|"
    r"black (?:poo|poop|stools?|motions?)|tarry|pink|red (?:pee|wee|urine)|bruis\w* (?:all over|everywhere)|big bruis\w*|"
    r"fell|fall|fallen|hit (?:his|her|my|their) head|bang\w*|head ?injury|headache|confus\w*|drowsy|faint\w*|dizz\w*|"
    r"collaps\w*|slurr\w*|weak\w*|numb\w*|(?:[3-9]|[1-9]\d|three|four|five|six|seven|eight|nine|ten|twenty|thirty) "
    r"(?:tablets|pills|doses|warfarin)|handful|whole|all of|(?:three|four|five) times|days running|for (?:two|three|\d+) "
    r"days|every day|toddler|child|kid|baby|grandson|granddaughter|year old|son|daughter|boy|girl|nephew|niece|"
    r"grandchild\w*|grandkids?|of (?:my|his|her|their|(?:\S+ )?(?:grandad|grandpa|grandma|granny|nan|mum|mom|dad)\w*))\b)")
# Round 11: shared pieces of the round 11 rules (RESULTS.md "Round 11").
_JUMP_SPORT = r"bungee|sky ?div\w*|parachut\w*|zip ?wire|zip ?line|abseil\w*|coasteer\w*|tombstoning|cliff jump\w*"
_WORD_FINDING = (r"\b(?:(?:cannot|can not|could not|unable to|struggl\w* to|trouble|difficulty|hard to) (?:find\w*|get\w*) "
                 r"(?:the |my |his |her |their )?(?:right )?words|search\w* for (?:the |her |his |my |their )?words|(?:words|"
                 r"speech) (?:come|comes|coming|came|are coming) out (?:all )?(?:wrong|muddled|mixed up|jumbled|backwards)|"
                 r"(?:saying|says|said|using|uses|keep saying|keeps saying) (?:the )?wrong words?|mix\w* up (?:my |his |her )?"
                 r"words|words (?:are |got |get )?(?:muddled|mixed up))\b")
_CLUMSY_HAND = (r"\b(?:(?:hand|arm|fingers|leg)(?: \S+){0,1} (?:is |feels |went |has gone |going |gone |has been )?(?:clumsy|"
                r"useless|uncoordinated)|clumsy (?:hand|arm|fingers|leg)|(?:hand|arm|fingers) (?:will not|would not|does not|"
                r"wont) do what|(?:keep|keeps|kept|keep on) (?:dropping|fumbling)|fumbl\w*|(?:cannot|can not|could not) "
                r"(?:button|grip|hold (?:a |my |his |her |the )?(?:cup|pen|fork|spoon|phone)))\b")
_AF = (r"\b(?:atrial fibrillation|a ?fib|af|irregular (?:heart ?beat|heart rhythm|rhythm|pulse)|(?:apple |smart ?)?"
       r"watch|fitbit)\b")
_BREATHING_DEVICE = (r"ventilators?|vent|bipap|bi pap|cpap|niv|trach\w*|tracheostomy|airway|breathing machine|oxygen "
                     r"concentrator")
_READY_TO_GO = (r"(?:ready to (?:go|die)(?! (?:to|out|back|home|on|for|shopping|swimming|again))|ready now|had (?:a )?(?:good|"
                r"long|full) (?:life|innings)|done with (?:it all|life|living)|no fuss)\b")
# Round 13: shared pieces of the round 13 rules (RESULTS.md "Round 13").
_BREATHLESS_NOW = (r"(?:breathless\w*|short(?:ness)? of breath|out of breath|(?:cannot|can not|could not|struggling to) "
                   r"(?:catch (?:my|her|his|their) breath|breathe|get (?:my|her|his) breath))")
_NAUSEOUS = r"(?:nause\w*|queasy|sick|throw(?:ing)? up|vomit\w*|retch\w*)"
_NOT_ANSWERING = (r"\b(?:(?:is not|has not been|not|will not|did not|has stopped|stopped) (?:answer\w*|pick\w* up|repl\w*|"
                  r"respond\w*|ring\w* back|call\w* back)|no (?:answer|reply|response)|(?:goes|going|went|keeps going) "
                  r"(?:straight )?to voicemail)\b")
# A text without pregnancy words: the fall onto the belly rule sets itself aside (the unless searches the whole text).
_NO_PREGNANCY_WORDS = (r"^(?!.*\b(?:pregnan\w*|[1-4]?\d ?(?:weeks?|wks?)|trimester|expecting|(?:the |my |her )?bump|"
                       r"the baby|baby (?:is )?(?:moving|kicking))\b)")
_NO_CHILD_WORDS = r"^(?!.*" + _INFANT + r")"
# Round 33: "my daughter stopped breathing and went stiff" / "that was at 2, a febrile convulsion with a high temperature.
# she is 9 now": dated to a child's age then, with the child's age now told, and nothing of now (again, still, blue, not
# waking, an ambulance, help).
_AGE_THEN_AND_NOW = (
    r"^(?=[\s\S]*\b(?:that|this|it) (?:was|happened) (?:when (?:he|she|they) (?:was|were) |at (?:the )?age(?: of)? |aged |at )"
    r"(?:[1-9]|1[0-7]|one|two|three|four|five|six|seven|eight|nine|ten)(?: (?:months?|years?|yrs?))?(?: old)?\b"
    r"(?! ?(?:am|pm|o clock|oclock|in the|this|last|today|tonight)\b)(?! ?[:.]\d))(?=[\s\S]*\b(?:he|she|they) (?:is|are) "
    r"(?:now (?:[1-9]\d?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?! (?:weeks?|wks?|days?|months?)\b)|"
    r"(?:[1-9]\d?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?: (?:years?|yrs?)(?: old)?)? now\b))"
    r"(?![\s\S]*\b(?:right now|just now|again|still|today|tonight|this (?:morning|afternoon|evening)|blue|grey|gray|floppy|"
    r"limp|(?:will not|cannot|can not|not|is not|has not) (?:wake|waking|woken|respond\w*|come round)|unconscious|call\w* "
    r"(?:an |the )?ambulance|help)\b)")
# Round 36: a song's line stuck in one's head ("'I want to die in your arms tonight' has been an earworm for three days"),
# with nothing said of the writer feeling it too.
_LYRIC_EARWORM = (
    r"^(?=[\s\S]*\b(?:song|songs|lyrics?|chorus|verse|track|tune|ballad|anthem)\b)(?=[\s\S]*\b(?:stuck in my head|earworm|"
    r"ear worm|on (?:a )?(?:loop|repeat)|(?:keeps|kept) playing in my head|in my head (?:for|since|all))\b)"
    r"(?![\s\S]*\b(?:too|as well|myself|honestly|i feel|i do|relate|for real|actually|really|plan\w*|pills|tablets|"
    r"kill|end it|suicid\w*|hurt myself|how)\b(?! (?:do|to|can|long) (?:i |you )?(?:get rid|stop|shake|get it out)))")
# Round 36: a friend who has told of self-harm and of being safe now, and how to answer ("she said she's safe right now,
# how do I not overreact?"), with nothing told of danger tonight.
_FRIEND_SAFE_NOW = (
    r"^(?=[\s\S]*\b(?:friend|mate|bestie|colleague|flatmate|classmate)\b)(?=[\s\S]*\b(?:(?:is|are|feels?|"
    r"says (?:she|he|they) (?:is|are|feels?)|(?:she|he|they) (?:is|are|feels?)) (?:\S+ )?(?:safe|ok|okay|fine)"
    r"(?: \S+){0,2}? (?:right now|now|at the moment|for now)|not in (?:any )?danger)\b)(?=[\s\S]*\b(?:what "
    r"(?:to|should i|do i|can i) say|how (?:do i|to|can i|should i) (?:respond|react|answer|support|talk|not "
    r"overreact|handle)|overreact\w*|without making)\b)(?![\s\S]*\b(?:not safe|unsafe|tonight|plan\w*|blades?|"
    r"deep|stitches|suicid\w*|kill|end it|bleeding|will not stop)\b)")
# Round 36: an age then and an adult's age now told of the same person ("my son was found unconscious" / "at a
# sleepover at 15 after vodka, he is 22 now and tells it as a funny story"), with nothing of now told.
_AGE_THEN_ADULT_NOW = (
    r"^(?=[\s\S]*\b(?:at|aged|when (?:he|she|they|i) (?:was|were)) (?:[1-9]|1[0-7])(?: (?:years?|yrs?)(?: old)?)?\b"
    r"(?! ?(?:am|pm|o clock|oclock|in the|this|last|today|tonight|mins?|minutes?|hours?|weeks?|months?|days?)\b)(?! ?[:.]\d))"
    r"(?=[\s\S]*\b(?:he|she|they|i) (?:is|are|am) (?:now (?:1[89]|[2-9]\d)\b(?! (?:weeks?|wks?|days?|months?)\b)|"
    r"(?:1[89]|[2-9]\d)(?: (?:years?|yrs?)(?: old)?)?(?: now| these days| and)\b))"
    r"(?![\s\S]*\b(?:right now|just now|again|still(?! (?:upsets?|bothers?|haunts?|worr(?:y|ies)|gets? to|affects?))|today|"
    r"tonight|this (?:morning|afternoon|evening)|blue|grey|gray|floppy|"
    r"limp|(?:will not|cannot|can not|not|is not|has not) (?:wake|waking|woken|respond\w*|come round)|call\w* "
    r"(?:an |the )?ambulance|help)\b)")
# Round 36: a family "out cold" after a big dinner (a food coma), a child sleepwalking and led back to bed, with nothing
# told of a fit, an injury, fumes, a headache, drink or pills, or someone who cannot be woken.
_FOOD_COMA_SLEEPWALK = (
    r"^(?![\s\S]*\b(?:jerk\w*|twitch\w*|shak\w*|stiff|headaches?|boiler|gas|fumes|carbon monoxide|heater|fire|pills|tablets|"
    r"vomit\w*|overdose|not breathing|barely breathing|blue|grey|gray|floppy|seiz\w*|fit|fitting|drunk|"
    r"(?:cannot|can not|could not|will not|would not) (?:wake|rouse|be woken)|hit (?:his|her|their) head|fell|"
    r"injur\w*)\b)[\s\S]*\b(?:food coma|sleep ?walk\w*)\b")
# Round 33: a petty offence of a housemate or a relative ("he ate my leftovers again", "finished my curry"), the cause of a
# "going to kill him".
_PETTY_OFFENCE = (r"\b(?:ate|eaten|eats|eating|finished|nicked|stole|stolen|drank|drunk|used|took|taken|borrowed|hogged|"
                  r"scoffed|polished off|pinched)(?: (?:all|up|off|again))? (?:my|our|the) (?:last |leftover |left over )?(?:\S+ )?"
                  r"(?:leftovers?|food|dinner|lunch|takeaway|curry|pasta|pizza|cake|chocolates?|biscuits|milk|yogh?urts?|snacks?|"
                  r"sandwich|cheese|crisps|sweets|ice cream|chips|slice|rice|noodles|soup|stew|chilli|lasagne|leftover \S+|"
                  r"charger|shampoo|hoodie|jumper|parking (?:space|spot))\b")
# A weapon, a threat or an attack told: what keeps a threat to kill an emergency, whatever reading sets it aside (the
# petty-offence and owned-up-mishap readings of the threat rule and its red flags share it).
_WEAPON_OR_ATTACK = (r"knife|knives|gun|weapon|axe|hammer|machete|at the (?:front |back )?door|threaten\w*|hit me|hits me|"
                     r"hitting me|attack\w*|police")
# Round 33: "I'm going to kill him" / "my flatmate ate my leftovers again 😡 how long do leftovers keep?": a threat at a
# petty offence, read with the turn that tells it; a weapon, a threat, a plan or someone hurt keeps it an emergency.
_PETTY_THREAT = (r"^(?=[\s\S]*\b(?:going to|gonna|will|is going to|am going to) (?:actually |literally |honestly |seriously |"
                 r"so |totally )?(?:kill|murder|strangle) (?:him|her|them|my \w+)\b)(?=[\s\S]*" + _PETTY_OFFENCE + r")"
                 r"(?![\s\S]*\b(?:" + _WEAPON_OR_ATTACK + r"|hurt\w* (?:me|him|her)|beat\w*|scared|afraid|plan\w*|waiting for|"
                 r"tonight|not joking|no joke|i mean it|seriously i|for real)\b)")
# Round 33: "she's not breathing" / "my kombucha I mean, the jar hasn't fizzed in a week": a ferment, a starter or a plant
# named as what is not breathing, with no person's danger told.
_BREATHING_OBJECTS = (r"(?:my|the|our) (?:\S+ ){0,2}?(?:kombucha|scoby|sourdough|starter|kefir|ferment\w*|yeast|dough|ginger "
                      r"beer plant|houseplants?|plants?|cactus|succulent|fern|orchid|bonsai|tamagotchi|sim|sims|avatar)\b")
_OBJECT_NOT_BREATHING = (
    r"^(?=[\s\S]*\b(?:not breathing|stopped breathing)\b(?: any ?more)?(?: [!.])? , (?:(?:i mean|sorry|lol|haha\w*|oops) ,? ?)*"
    + _BREATHING_OBJECTS + r")(?![\s\S]*\b(?:baby|babies|"
    r"child|son|daughter|toddler|husband|wife|partner|mum|mom|dad|father|mother|friend|boy|girl|man|woman|blue|grey|gray|"
    r"floppy|limp|unconscious|collaps\w*|cpr|ambulance|pulse|help me|please help)\b)")
# Round 32: "in the neonatal unit for a week with a fever when she was 3 weeks old, she's 1 now": a baby's age then and
# an older child's age now (3 months or more), with nothing told of now.
_INFANT_FEVER_AGE_THEN = (
    r"^(?=[\s\S]*\b(?:when|at) (?:(?:he|she|they|the baby|our baby|my baby) (?:was|were) )?(?:\d+|one|two|three|four|five|"
    r"six|seven|eight) (?:days?|weeks?) old\b)(?=[\s\S]*\b(?:he|she|they) (?:is|are) (?:now |nearly |almost )?(?:(?:[3-9]|1\d|"
    r"2\d) months?|(?:\d+|one|two|three|four|five|six) (?:years?|yrs?)|(?:[1-9]|one|two|three|four|five|six) now)\b)"
    r"(?![\s\S]*\b(?:right now|today|tonight|this (?:morning|afternoon|evening)|again|currently|at the moment|has a "
    r"(?:fever|temperature)|is (?:hot|burning up))\b)")
# Round 32: "I used my EpiPen on the train this morning" / "the paramedics checked me, the hospital watched me for 6 hours and
# sent me home, totally fine now": a pen used today, then hours of watching or a discharge, and fine now, with no sign of a
# reaction told after the discharge or now.
_PEN_USED_DISCHARGED = (
    r"^(?=[\s\S]*\b(?:(?:watched|observed|monitored|kept) (?:me|him|her|them|us) (?:in )?(?:for )?(?:\d+|a few|few|several|"
    r"two|three|four|five|six|eight) (?:hours|hrs)|discharged|sent (?:me|him|her|us|them) home)\b)(?=[\s\S]*\b(?:(?:i am|i m|"
    r"he is|she is|they are|feel|feeling|i feel) (?:\S+ )?(?:fine|ok|okay|well|normal|good)(?: now)?|all fine now|fine now)"
    r"\b)(?![\s\S]*\b(?:swell\w*|swollen|wheez\w*|throat|tongue|lips?|hives|rash|itch\w*|breath\w*|reacting|collaps\w*|"
    r"faint\w*|dizz\w*|vomit\w*|again|still|worse|right now|but now|just (?:ate|eaten|had|been stung|got stung)|stung)\b)")
# Round 32: "im going to end it all" / "with my phone contract i mean haha": a contract or a membership ended, laughed about.
# The contracts and suppliers one "ends it all" with (round 32): "with my phone contract", "with my energy supplier".
_CONTRACTS = (r"with (?:my|the|our|this) (?:\S+ ){0,2}?(?:contract|provider|network|membership|subscription|energy supplier|"
              r"supplier|landlord|phone company|mobile|broadband|gym|insurance|insurer|isp)\b")
_CONTRACT_ENDED = (r"^(?=[\s\S]*(?:" + _JOKING + r"))[\s\S]*\bend (?:it all|everything)\b(?: ,)?(?: \S+){0,2}? " + _CONTRACTS)
# Round 32: "I think I'm having a heart attack" / "my team just lost 4-3 in extra time lol, I'm fine": a heart attack
# laughed off over a match, with no chest pain, arm, jaw, sweating, breathlessness or collapse told.
# Round 35: news told as the cause of a "heart attack" ("my daughter has just got engaged", "my son just told me he's quit
# uni"): read with the turn before it (_NEWS_TURN); the rule decides, and its red flags still win.
_NEWS = (r"(?:(?:my|our|his|her) (?:\S+ ){0,2}?|(?:he|she|they) )(?:has |have )?just (?:got engaged|got married|told (?:me|us)|"
         r"announced|quit|dropped out|passed|failed|won|got (?:into|a place|the job|a tattoo|a job)|booked|bought)\b")
_SPORT_HEART_ATTACK = (
    r"^(?![\s\S]*\b(?:chest|arm|jaw|sweat\w*|clammy|breathless\w*|short of breath|crush\w*|collaps\w*|faint\w*|grey|gray|"
    r"vomit\w*|pain|not joking|no joke|seriously i|for real)\b)(?=[\s\S]*\b(?:lol|haha\w*|lmao|jk)\b|[\s\S]*😂)"
    r"(?=[\s\S]*\b(?:i am|im|i m) (?:fine|ok|okay|alright|all right)\b)[\s\S]*\bheart attack\b[\s\S]*\b(?:team|match|"
    r"game|penalt\w*|extra time|injury time|stoppage time|minute|final|derby|conceded|scored|referee|ref|football|rugby|"
    r"cricket|league|cup)\b")
# Round 32: "he took a whole bottle of pills" / "that's what my grandad did in the 70s, I'm sometimes a bit low but
# nothing dangerous": a relative's deed decades or years ago, with nothing of now (a plan, pills ready, drowsy) told.
_WHAT_A_RELATIVE_DID = (
    r"^(?![\s\S]*\b(?:now|today|tonight|this (?:morning|afternoon|evening)|just (?:now|taken|took|swallowed|done|had)|has "
    r"(?:just )?(?:done|taken|swallowed)|drowsy|sleepy|unconscious|not (?:responding|waking|breathing)|vomit\w*|plan\w*|"
    r"going to|gonna|want(?:s|ed)? to (?:die|end|do)|kill (?:my|him|her)self|end (?:it|my life)|pills? (?:are )?(?:here|"
    r"ready|saved)|stockpil\w*|saving (?:up )?(?:pills|tablets))\b)[\s\S]*\b(?:that|this) (?:is|was) (?:what (?:happened to "
    r"(?:my|his|her|our) (?:\S+ ){0,2}?\S+|(?:my|his|her|our) (?:\S+ ){0,2}?\S+ did)|(?:my|his|her|our) (?:\S+ ){0,2}?\S+)"
    r"(?: \S+){0,3}? (?:back )?(?:in the "
    r"(?:19|20)?[1-9]0 ?s|in (?:19|20)\d\d|(?:\d+|many|several|a few|some) (?:years|decades) ago)\b")
RULES: tuple[Rule, ...] = (
    # --------------------------------------------------------------------------- cardiac
    _rule("cardiac", "says a heart attack is happening",
          r"\b(?:having|is having|am having|going into|is this|could this be|might be having|may be having|"
          r"think (?:i am|he is|she is|it is|its|this is|my \w+ is)(?: having)?) (?:a )?heart attack\b",
          # round 25: "I think I'm having a heart attack" / "at the price of the cup final tickets haha" (a named price)
          unless=r"\bheart attack (?:, )?(?:at|over|from) (?:the |what |how much )(?:\S+ ){0,4}?(?:price|prices|cost|costs|"
                 r"bill|charg\w*|asking|want|wanting|fees?|tickets?|seats?)\b|"
                 # round 29: "if I'm on my own and having a heart attack, is it true coughing hard keeps you alive?" (its
                 # red flags, a chest pain or an arm told, still win)
                 r"\b(?:if|say|suppose) (?:i am|you are|you re|someone is|somebody is|a person is|he is|she is|one is|"
                 # round 34: "if I were alone and having a heart attack, would coughing hard keep me going?"
                 r"i were|i was|you were|you was|he were|he was|she were|she was|we were|they were)\b"
                 r"(?: \S+){0,6} (?:and )?having a heart attack\b|"
                 # round 35: "I'm literally having a heart attack" / "my daughter has just got engaged!!" (news as the
                 # cause, read with it: _NEWS_TURN)
                 r"\bheart attack (?:, )?" + _NEWS,
          red_flags=r"\b(?:chest (?:pain|pressure|tight\w*|hurts)|arm|jaw|sweat\w*|clammy|breathless\w*|short of breath|"
                    r"crush\w*|collaps\w*|faint\w*|grey|gray|vomit\w*)\b",
          unless_guarded=_SPORT_HEART_ATTACK),
    _rule("cardiac", "heart attack now", r"\bheart attack (?:right now|now|rn)\b", unless_guarded=_SPORT_HEART_ATTACK),
    # Round 35 (spent blind set 24, caught until now only as "overdone it" misread as an overdose): a pressure or a
    # heaviness, no chest named, going up into the neck, the jaw or an arm, with sweating or sickness ("halfway up the
    # stairs a pressure came on like a fridge sitting on me and it's going up into my neck and I feel sick and sweaty").
    _rule("cardiac", "a pressure spreading to the neck, jaw or arm with sweating or sickness",
          r"(?<!blood )(?<!sinus )(?<!ear )(?<!eye )(?<!tyre )(?<!water )(?<!peer )(?<!time )(?<!work )"
          r"\b(?:pressure|heaviness|tightness|squeezing|crushing)\b(?: \S+){0,14}? (?:going|goes|spreading|spreads|spread|"
          r"radiating|radiates|moving|moves|travell?\w*|shooting)(?: up| down)? (?:into|to|up to|down to|down) (?:my|his|her|"
          r"the|both) (?:neck|jaw|left arm|arm|arms|shoulder)\b",
          near=r"\b(?:sweat\w*|clammy|sick|nause\w*|vomit\w*|grey|gray|breathless\w*|faint\w*)\b", window=120,
          kind="symptom"),
    _rule("cardiac", "cardiac arrest", r"\b(?:cardiac arrest|no pulse|heart (?:has )?stopped|heart stopped beating)\b",
          unless=r"\bwhat is|difference between|different from|how is a\b|"
                 # "my heart stopped when I saw the results" is fright told figuratively (round 7)
                 r"\bmy heart (?:(?:just|nearly|almost|literally) )?stopped (?:when|as) (?:i|we) (?:saw|heard|read|got|"
                 r"opened|found|looked)\b|"
                 # round 36: "my heart stopped" / "when my daughter walked down the aisle" (the writer's own heart, a
                 # moment of someone else's), with no collapse, CPR or shock told
                 r"^(?![\s\S]*\b(?:cpr|defib\w*|shocked|resus\w*|collaps\w*|no pulse|not breathing|ambulance|pacemaker|"
                 r"icd)\b)[\s\S]*\bmy heart (?:(?:just|nearly|almost|literally|honestly|actually) )?stopped (?:, )?(?:when|"
                 r"as) (?:my|our|his|her|their|the|she|he|they) (?:\S+ ){0,3}?(?:walked|walking|came|said|saying|told|"
                 r"announced|sang|read|proposed|asked|won|scored|crossed|took|gave|stood|appeared|opened|smiled|looked)\b|"
                 r"^(?![\s\S]*\b(?:cpr|defib\w*|shocked|resus\w*|collaps\w*|no pulse|not breathing|ambulance)\b)[\s\S]*"
                 r"\bmy heart (?:\S+ )?stopped\b[\s\S]*\b(?:how (?:i|we) (?:begin|start|open)|(?:first|opening) line)\b"
                 r"[\s\S]*\b(?:speech|toast|vows|eulogy|poem|card|caption|album|post)\b|"
                 # round 9: a bill, a visit or a child's stunt "sending" someone into cardiac arrest is an idiom too
                 r"\b(?:give|gave|giving|gives|sent|send|sending|sends|put|putting|puts|drive|driving|drove|throw|threw) "
                 r"(?:me|him|her|us|them|you|my \w+) (?:into |in |a )?(?:cardiac arrest|heart attack|coronary)\b|"
                 r"\binstant (?:cardiac arrest|heart attack)\b|"
                 # round 22: "the taxi's engine had a cardiac arrest"
                 r"\b(?:engine|motor|car|van|wifi|router|laptop|computer|phone|printer|boiler|economy)\b(?: \S+){0,2} "
                 r"(?:had|has|is having|went into|going into) (?:a )?cardiac arrest\b|"
                 # round 33: "my wallet had a cardiac arrest after the farm gift shop", "my bank account basically went into
                 # cardiac arrest" (money; no comma between)
                 r"\b(?:my|our|the|his|her|their) (?:wallet|purse|bank account|bank balance|credit card|debit card|savings|"
                 r"budget|finances|overdraft|pay ?packet|bank card)(?: (?![,.!?;])\S+){0,2} (?:had|has|has had|is having|went into|"
                 r"going into|gone into) (?:a )?cardiac arrest\b|"
                 # round 30: "my father had a cardiac arrest at 58 and survived", "survived a cardiac arrest when she was 55"
                 r"\b(?:had|survived) (?:a )?cardiac arrest (?:at|aged|when|in|last|years|\d)\b(?: \S+){0,6}? (?<!not )(?<!never )"
                 r"(?:survived|pulled through|recovered|made it|lived)\b|\bsurvived (?:a|his|her|my|their) cardiac arrest\b",
          red_flags=r"\b(?:collaps\w*|not breathing|no pulse|cpr|compressions|unconscious|unresponsive|not responding|"
                    r"turned blue|chest (?:pain|pressure)|defib\w*|aed)\b",
          # round 28: "my heart stopped" as a line of a wedding toast, a speech or a joke being written (its red flags
          # still win)
          unless_text=r"\b(?:toast|speech|best man|maid of honou?r|stand ?up (?:set|routine)|punch ?line|one ?liner|joke)\b"
                      r"[\s\S]*\bmy heart (?:(?:just|nearly|almost|literally) )?stopped\b|\bmy heart (?:(?:just|nearly|almost|"
                      r"literally) )?stopped\b[\s\S]*\b(?:toast|speech|joke|punch ?line|one ?liner)\b"),
    _rule("cardiac", "chest pain with danger signs", _CHEST_PAIN, near=_CARDIAC_FEATURES, window=140, kind="symptom",
          unless=r"\b(?:when i (?:cough|press|breathe in|move|twist|lift)|from coughing|a bit sore|a little|slight\w*|"
                 r"mild\w*|gym|bench press|workout|pulled (?:a )?muscle|"
                 # round 25: "since chest day yesterday, heavy bench, sore to touch and when I turn"
                 r"chest day|heavy bench|benching|(?:sore|tender|hurts?) (?:to|when) (?:the )?(?:touch|touched|pressed)|"
                 r"when i (?:turn|rotate|push on it|press on it)|"
                 # round 10: the pain is the skin ("it's only the skin, sunburn"), often told in a second turn
                 r"sun ?burn\w*|(?:only|just|it is|its) the (?:skin|surface)|the skin (?:on|of) (?:it|my chest))\b",
          # round 10: signs of a heart attack win over every reading above
          red_flags=r"\b(?:arm|jaw|sweat\w*|clammy|breathless\w*|short of breath|faint\w*|collaps\w*|grey|gray|vomit\w*)\b",
          # round 27: a tight chest in panic attacks (before presentations) that goes within minutes once calm
          unless_text=r"^(?=[\s\S]*\bpanic(?:king)? (?:attacks?|episodes?)\b)(?=[\s\S]*\b(?:goes|go|went|gone|passes|passed|"
                      r"settles|settled|eases|eased|stops|stopped|fades|disappears)\b(?: \S+){0,3} (?:within|in|after) "
                      r"(?:about |around |under |less than )?(?:\d+|a few|few|five|ten|fifteen|twenty) (?:min\w*|mins)\b|"
                      r"[\s\S]*\b(?:once|when|as soon as) (?:i|i am|i m) (?:calm|calmer|calm down|calmed down)\b)"),
    _rule("cardiac", "a defibrillator in use (cardiac arrest)",
          r"\bshock (?:is )?advised\b|\b(?:aed|defibrillator|defib)\b",
          near=r"\b(?:shock advised|stand clear|analys\w*|pads? (?:on|are on)|put the pads|collapsed|dropped|on the "
               r"(?:floor|ground)|not breathing|cpr|compressions|press (?:the )?(?:button|shock)|shock (?:him|her|them)|"
               r"is telling us|says)\b",
          window=120, unless=r"\b(?:course|training|practi[sc]\w*|class|lesson|dummy|manikin|mannequin|how (?:does|do|to)|"
                             r"what (?:is|does)|replac\w*|batter(?:y|ies)|needs new|buy|price)\b"),
    _rule("cardiac", "clutching the chest", r"\b(?:clutch\w*|grabb?\w*|holding) (?:his|her|my|their|at (?:his|her|my)) chest\b"),
    _rule("cardiac", "tearing chest or back pain",
          rf"\b(?:tearing|ripping) (?:(?![.!?;](?: |$))[^ \n]+ ){{0,3}}(?:pain|sensation){_gap(4)}?(?:chest|back|shoulder blades|sternum)?"),
    _rule("cardiac", "weight on the chest",
          r"\b(?:elephant|someone|something) (?:is )?(?:sitting|standing) on (?:my|his|her|it|me)\b",
          near=r"\bchest\b", window=60),
    _rule("cardiac", "racing heart with fainting or chest pain",
          r"\bheart (?:is )?(?:racing|pounding|beating (?:so |really |very )?fast|going (?:so |really )?fast)\b",
          near=r"\b(?:faint\w*|pass out|passing out|black out|dizz\w*|chest (?:pain|hurts)|\b(?:1[5-9]\d|2\d\d)\b|"
               r"collaps\w*|cannot count)", window=100, kind="symptom"),
    # Round 28: a heart rate of 150-249 read on a watch, a fitness band or a pulse, with a blackout or a faint ("my watch
    # says 190 and I just blacked out for a few seconds on the floor"): racing heart with fainting, told as a number
    # with no word "racing". A blood pressure, a sugar or a temperature is not the number (none of those words between
    # the device and it; not "180/100" or "180 over").
    _rule("cardiac", "a very fast or very slow heart rate on a watch or pulse with fainting",
          r"\b(?:heart ?rate|hr|pulse|bpm|(?:smart ?)?watch|fitbit|garmin|apple watch|whoop|oura|heart)\b"
          r"(?: (?!(?:blood|pressure|bp|sugars?|glucose|bm|systolic|diastolic|temp\w*|oxygen|sats?|spo2|o2|steps?|"
          r"calories|weight)\b)[^ \n]+){0,5}? (?:1[5-9]\d|2[0-4]\d)\b(?! ?(?:/|over\b|mg|ml|mmol|kg|lbs?\b|pounds|cm|"
          r"g\b|steps|calories|kcal))|\b(?:1[5-9]\d|2[0-4]\d) ?(?:bpm|beats)\b|"
          # lead's review of round 28: a very slow rate with a blackout ("heart rate 38 on my watch and I fainted"),
          # read only after a heart-rate word, not a bare number on a watch
          r"\b(?:heart ?rate|hr|pulse)\b(?: (?!(?:blood|pressure|bp|sugars?|glucose|temp\w*|oxygen|sats?|spo2|o2)\b)"
          r"[^ \n]+){0,4}? (?:[2-3]\d|4[0-4])\b(?! ?(?:/|over\b|%|mins?\b|minutes|secs?\b|seconds|hours?|years?|yrs?|"
          r"kg|lbs?\b|mg|ml|mmol|steps|calories))|\b(?:[2-3]\d|4[0-4]) ?bpm\b",
          near=r"\b(?:black(?:ed|d|ing)? out|blacked|fainted|fainting|pass(?:ed|ing)? out|went down|"
               r"collaps\w*|out (?:cold )?for (?:a few|a couple of|\d+|a|one|two|three|four|five|several) (?:secs?|seconds?)|"
               r"came round|came to|woke up on the (?:floor|ground))\b",
          window=140, kind="symptom"),
    # Lead's mend after round 24's review: an irregular heart with fainting ("fainted twice and my heart is all over
    # the place"); dizziness alone is not enough here.
    _rule("cardiac", "irregular heart with fainting",
          r"\bheart(?:beat)? (?:is |has been |was |rhythm is )?(?:all over the place|irregular|erratic|skipping(?: beats)?|"
          r"jumping (?:about|around))\b",
          near=r"\b(?:faint\w*|pass(?:ed|ing)? out|black(?:ed|ing)? out|collaps\w*)\b", window=100, kind="symptom"),
    # Round 13: a heart attack told without chest pain (more often in women): an ache in the jaw, the upper back or
    # between the shoulder blades with breathlessness and nausea together ("is it just the menopause?"). Anxiety, a
    # clenched jaw or a tooth is the benign reading; a sudden onset, sweat or collapse still wins.
    _rule("cardiac", "jaw or upper back ache with breathlessness and nausea (a heart attack without chest pain)",
          r"\b(?:jaw|upper back|between (?:my|her|his|their|the) shoulder(?: ?blades?)?)\b",
          near=rf"\b{_BREATHLESS_NOW}\b.{{0,120}}\b{_NAUSEOUS}\b|\b{_NAUSEOUS}\b.{{0,120}}\b{_BREATHLESS_NOW}\b",
          window=160, kind="symptom",
          unless=r"\b(?:anxi\w*|panic\w*|clench\w*|grind\w*|dentist|dental|tooth|teeth|wisdom|tmj|braces|hay ?fever|"
                 r"flu|covid|cold)\b",
          red_flags=r"\b(?:sudden\w*|out of nowhere|sweat\w*|clammy|grey|gray|collaps\w*|faint\w*)\b"),
    # Round 13: angina not relieved by GTN (glyceryl trinitrate) is the sign to call the emergency number, whatever
    # the pain is called ("the same pain as before"); questions about the spray itself are the benign reading.
    _rule("cardiac", "angina not relieved by GTN",
          r"\b(?:gtn|glyceryl trinitrate|nitro ?glycerin\w*|nitroglycerine|nitro|nitrostat|angina spray)\b",
          near=r"\b(?:did nothing|does nothing|done nothing|(?:did|has|have|is|was|does) not (?:help\w*|work\w*|eas\w*|"
               r"touch\w*|shift\w*|do anything|make (?:any )?difference|go away|gone away|settl\w*)|not (?:working|helping|"
               r"easing|eased|touching|settling)|no (?:help|use|difference|relief|change)|made no difference|still (?:there|"
               r"going|hurting|hurts|bad|the same|in pain|has (?:it|the pain))|(?:not|no) (?:any )?better)\b",
          window=120,
          unless=r"\b(?:what (?:if|happens|should)|if (?:the |my |his |her |it )?(?:gtn|nitro\w*|spray|pain)|how (?:long|"
                 r"often|many|do|does|should)|expir\w*|stor\w*|headaches?)\b"),
    # ---------------------------------------------------------------------------- stroke
    _rule("stroke", "says a stroke is happening",
          r"\b(?:having|is having|am having|having a|is this|could this be|might be having|think (?:i am|he is|she "
          r"is|it is|its|this is|my \w+ is)(?: having)?) (?:a )?stroke\b",
          unless=r"\b(?:heat|sun) ?stroke\b|breast ?stroke|back ?stroke|butterfly stroke|stroke of|"
                 # round 22: "ate ice cream too fast n my brain froze, thought I was having a stroke lol"
                 r"\bbrain (?:froze|freeze|freezes|frozen)\b|\bice cream\b|"
                 # round 9: "having a stroke" at what one reads or tries to follow, with no symptom, is an idiom
                 r"\b(?:reading|read|trying to (?:read|understand|follow|work out)|look(?:ing)? at|open(?:ing)?|every time i "
                 r"(?:open|read|see|look at))\b(?: \S+){0,6} (?:emails?|texts?|messages?|grammar|spelling|handwriting|code|"
                 r"forms?|group|chat|thread|whatsapp|instructions|contract|posts?|tweets?|comments?|essays?|spreadsheet|"
                 r"crypto|homework|abbreviations|menu|timetable|rules|letters?|paperwork|documents?|reports?|bills?|notices?|"
                 r"agenda|lyrics|subtitles)\b|\b(?:grammar|spelling|handwriting|abbreviations|"
                 r"typos|jargon)\b|\* ?has a stroke ?\*",
          red_flags=r"\b(?:droop\w*|slurr\w*|numb\w*|weak\w*|tingl\w*|(?:cannot|can not) (?:move|lift|feel|speak|talk|"
                    r"see|get (?:my|the) words)|(?:arm|leg|hand|side|face) (?:is |feels |went )?(?:heavy|dead)|vision|"
                    r"jumbled|(?:words|letters) (?:look|are|seem) (?:wrong|strange|weird|funny)|confus\w*|headache|"
                    r"dizz\w*)\b"),
    _rule("stroke", "face drooping",
          r"\b(?:face|mouth|smile|lip|lips|eyelid)(?: (?![.!?;](?: |$))[^ \n]+){0,4} (?:droop\w*|drop\w*|crooked|lopsided|wonky|uneven|"
          r"fallen|sagging|twisted|slanted|slack)\b|\b(?:droop\w*|crooked|lopsided|wonky) (?:face|smile|mouth)\b|"
          r"\bface (?:is |has )?(?:become |gone |went )?(?:crooked|droopy|drooping)|cannot smile properly",
          # round 36: a numb face and a drooping lip from a dental injection ("from the anaesthetic at the dentist an hour
          # ago"), dental work not denied; a weak limb, slurred speech or confusion still wins
          unless=r"^(?![\s\S]*\b(?:not|no|never|without|have not|has not|had not|did not|nothing)\b(?: \S+){0,4} (?:dentist|"
                 r"dental))[\s\S]*\b(?:dentist|dental|(?:anaesthetic|anesthetic|numbing|injection) (?:\S+ ){0,3}?(?:dentist|"
                 r"filling|tooth|teeth|extraction|root canal)|filling|root canal|tooth (?:out|pulled|extract\w*))\b",
          red_flags=r"\b(?:arm|leg|hand|slurr\w*|speech|words|confus\w*|vision|worst headache|weak\w*|cannot (?:speak|talk)|"
                    r"sudden\w*)\b"),
    _rule("stroke", "sudden weakness or numbness of a limb",
          r"\b(?:cannot|can not|unable to|not able to) (?:lift|move|raise|feel|use|hold (?![.!?;](?: |$))[^ \n]+ with) (?:my|his|her|their) "
          r"(?:left |right )?(?:arm|leg|hand|side)\b|\b(?:arm|leg|hand|side)s? (?:(?![.!?;](?: |$))[^ \n]+ ){0,2}(?:is |are |went |has gone |"
          r"feels |feel |suddenly |just )*(?:weak|numb|dead|limp|heavy|not working|will not move|dragging|paraly\w*)\b|"
          r"\b(?:leg|hand|arm) and (?:leg|hand|arm) not working\b",
          near=rf"{_ONSET}|\b(?:one side|left side|right side|face|speech|slurr\w*|confus\w*|words)\b", window=120,
          kind="symptom", unless=r"\b(?:fall\w* asleep|fell asleep|asleep|sleep on|sleeping on|cross ?legged|"
                                 r"pins and needles|after (?:gym|workout|lifting)|"
                                 # round 33: "my arm has gone numb" / "I slept on it funny, coming back with pins and
                                 # needles"
                                 r"slept on|lying on|lain on|lay on)\b",
          # round 33: a drooping face, slurred or jumbled speech, or a numbness that is not coming back wins over lying on it
          red_flags=r"\b(?:droop\w*|slurr\w*|jumbled|garbled|(?:not|never|has not|have not|is not|still not) (?:com\w* back|"
                    r"gone away|go away|going away|improv\w*|better)|still (?:numb|weak|dead|heavy|limp) (?:after|an hour|hours|"
                    r"\d+)|cannot (?:lift|move|raise|grip)|face)\b",
          # round 36: one side of the mouth or face numb from a dental injection, no limb, speech or confusion told and
          # dental work not denied (its own guard: the face is the red flag above)
          unless_guarded=r"^(?![\s\S]*\b(?:not|no|never|without|have not|has not|had not|did not|nothing)\b(?: \S+){0,4} "
                         r"(?:dentist|dental))(?![\s\S]*\b(?:arms?|legs?|hands?|foot|feet|slurr\w*|speech|words|confus\w*|"
                         r"vision|weak\w*|sudden\w*)\b)[\s\S]*\b(?:dentist|dental|filling|root canal|tooth (?:out|pulled|"
                         r"extract\w*))\b"),
    _rule("stroke", "speech suddenly slurred or jumbled",
          r"\b(?:speech|talking|words|voice)(?: is| are| went| became| has become| has gone| coming out| come out)?"
          r"(?: (?![.!?;](?: |$))[^ \n]+){0,2} (?:slurr\w*|jumbled|garbled|funny|strange|weird|not making sense|not clear)\b|"
          r"\bslurr\w* (?:his |her |my |their )?(?:words|speech)\b|\b(?:cannot|can not|unable to|not able to) (?:get "
          r"(?:his|her|my|their) words out|speak properly|talk properly|find (?:the|her|his|my) words)\b|"
          r"\bmumbling\b(?= .{0,40}(?:lopsided|droop|smile|face|sudden|minutes))",
          # (round 34: drink denied, "I don't think she's been drinking", "she doesn't drink", is not the benign reading)
          unless=r"^(?![\s\S]*\b(?:not|never|no|dont|do not|does not|doesnt|did not|didnt|has not|hasnt|have not|havent|"
                 r"had not|hadnt|is not|isnt|was not|wasnt|hardly|rarely)\b(?: \S+){0,4} (?:drink\w*|drunk|alcohol|booze)\b)"
                 r"[\s\S]*\b(?:drunk|beer|wine|alcohol|dentist|anaesthetic|anesthetic|numbing|hypothetical\w*|"
                 # round 34: "slurring his words" / "back from a club dinner after six pints, laughing at me"
                 r"pints?|beers|lagers?|ciders?|vodka|whisky|whiskey|shots|tipsy|hammered|wasted|sloshed|stag (?:do|party)|"
                 r"hen (?:do|party)|pub crawl|(?:been|was|is|were) drinking|had a (?:few|skinful)|a few drinks)\b",
          # round 34: drink explains the slurring only when nothing else is told: a drooping face, a weak or numb arm or
          # side, a fall or a blow to the head, not waking or a fit wins over it
          red_flags=r"\b(?:droop\w*|dropp\w*|lopsided|face|arm|arms|leg|weak\w*|numb\w*|one side|side of|hit (?:his|her|my|"
                    r"their) head|head injury|banged (?:his|her|my|their) head|bang(?:ed)? on the head|fell|fall|fallen|"
                    r"(?:will not|would not|cannot|can not|not) (?:wake|waking|respond\w*)|unconscious|unresponsive|passed "
                    r"out|fit|fitting|seizure|sudden\w*|worst headache|vision|confus\w*)\b"),
    # Round 34: hearing lost suddenly with the room spinning and an unsteady walk, a drooping face, slurred speech or double
    # vision (a stroke at the back of the brain); Meniere's or labyrinthitis already known is the benign reading.
    _rule("stroke", "sudden hearing loss with vertigo and unsteadiness",
          r"\b(?:(?:sudden\w*|all of a sudden|out of nowhere) (?:\S+ ){0,3}?(?:hearing loss|lost (?:\S+ ){0,2}?hearing|deaf\w*|"
          r"(?:cannot|can not) hear)|(?:hearing loss|deaf\w*|(?:cannot|can not) hear|lost (?:the |my |his |her |all )?hearing)"
          r"(?: \S+){0,6}? (?:sudden\w*|all of a sudden|out of nowhere))\b(?=.{0,200}\b(?:spin\w*|vertigo|dizz\w*)\b)"
          r"(?=.{0,240}\b(?:(?:cannot|can not|could not|unable to) (?:walk|stand)|walk straight|unsteady|staggering|falling "
          r"over|fall over|double vision|droop\w*|slurr\w*)\b)",
          kind="symptom", unless=r"\b(?:meniere\w*|labyrinthitis|vestibular neuritis|tinnitus clinic)\b", unless_scope="text"),
    _rule("stroke", "one side of the body numb or weak",
          r"\b(?:one|left|right|whole left|whole right) side of (?:my|his|her|their|the) (?:body|face)\b",
          near=r"\b(?:numb\w*|weak\w*|tingl\w*|cannot move|not working|dragging|paraly\w*|droop\w*)\b", window=80,
          kind="symptom"),
    _rule("stroke", "sudden loss of vision",
          r"\b(?:sudden\w*|all of a sudden|just) .{0,30}(?:lost|lose|losing|cannot see)\b|\b(?:lost|loss of) (?:the )?"
          r"(?:vision|sight) (?:in|of) (?:one|my|his|her|the) (?:left |right )?eye\b",
          near=r"\b(?:vision|sight|see|eye)\b", window=60, kind="symptom"),
    # Blind set 34's misses, mended right after its measurement: a headache that came on in a second ("is it normal for a
    # migraine to come on in one second, like being hit with a bat? ... came on mid-sentence, totally different").
    _rule("stroke", "a headache that came on in a second",
          r"\b(?:came on|come on|started|hit|hits|struck) (?:me )?(?:in |within )?(?:a |one |1 )?(?:second|split second|instant|"
          r"heartbeat)\b|\blike (?:being |i was |i d been )?(?:hit|struck|whacked|smacked|clubbed) (?:on the head |over the "
          r"head |in the head )?(?:with|by) (?:a )?(?:baseball |cricket )?(?:bat|hammer|brick|plank)\b|\bcame on "
          r"mid ?sentence\b",
          near=r"\b(?:headache|migraine|head)\b", window=120, kind="symptom"),
    # The lead's review of round 36: "her usual migraine with aura of 20 years, but this time her arm is weak and it
    # hasn't gone" (a weak limb with an aura unlike the usual, or not passing).
    _rule("stroke", "a weak arm or leg with a migraine aura that is different or has not passed",
          r"\b(?:arm|leg|hand|side) (?:is |has gone |went |gone |feels |is going )?(?:weak|heavy|dead|useless|limp)\b",
          near=r"\b(?:aura|migraine)\b(?: \S+){0,30}? (?:this time|different|unlike|not (?:gone|passed|settled|going away)|has "
               r"not (?:gone|passed|settled|cleared)|still)\b|\b(?:this time|different|unlike|not (?:gone|passed|settled)|has "
               r"not (?:gone|passed|settled|cleared)|still)\b(?: \S+){0,30}? (?:aura|migraine)\b", window=200, kind="symptom"),
    _rule("stroke", "thunderclap headache",
          r"\b(?:worst headache|thunderclap|(?:sudden|explosive)\w* (?:(?![.!?;](?: |$))[^ \n]+ ){0,2}headache)",
          near=r"\b(?:worst|thunderclap|explosive|vomit\w*|throwing up|neck|collaps\w*|confus\w*|severe|ever)\b",
          window=80, kind="symptom"),
    # Round 13: a message (a text, a voice note) of nonsense or jumbled words from someone who then does not answer, or
    # who was fine a little before, is sudden loss of language told second hand. Sitting on the phone, autocorrect or
    # children playing with it is the benign reading.
    _rule("stroke", "a message of nonsense words, then no answer (sudden loss of language)",
          r"\b(?:gibberish|nonsense|jumbled|garbled|random words|word salad|(?:makes?|making|made) no sense|(?:does|did) "
          r"not make (?:any )?sense)\b",
          near=_NOT_ANSWERING + r"|\b(?:was|seemed|sounded) (?:totally |completely |perfectly |absolutely )?(?:fine|normal|"
               r"ok|okay|himself|herself) (?:at|this|an hour|earlier|\d+|half an|a few|before)\b",
          window=140, kind="symptom",
          unless=r"\b(?:sat on|pocket|butt dial\w*|bum dial\w*|auto ?correct\w*|predictive|keys|keyboard|typo\w*|"
                 r"drunk|beer|wine|asleep|sleep talk\w*|dream\w*|(?:kids?|children|grand ?kids|grandchildren) (?:did|recorded|sent|typed|were playing|had (?:his|her) phone)|recorded by|"
                 r"game|joke|joking|lol|haha\w*|on purpose|dictation|voice to text|speech to text|boss|emails?|"
                 r"homework|politic\w*|news)\b", unless_scope="text"),
    # ------------------------------------------------------------------------- breathing
    _rule("breathing", "cannot breathe",
          r"\b(?:cannot|can not|unable to|not able to|could not|struggling to|struggle to|hard to|fighting to) "
          r"(?:breathe|breath|take (?:a )?breaths?|get (?:any )?air|catch (?:my|his|her|their) breath)\b|"
          r"\bno air\b|\bcannot get air in\b",
          unless=r"\b(?:through|thru) (?:my|his|her|the) nose\b|\bnose\b|humid|humidity|heat|this weather|in this|"
                 r"\blaugh\w* (?:so hard|so much|till|until|that hard)|\b(?:lol|haha|lmao)\b|"
                 # round 34: "a comedy set so funny I literally couldn't breathe"
                 r"\b(?:so|too|that) (?:funny|hilarious)\b(?: \S+){0,5}? (?:cannot|can not|could not) breathe?\b|"
                 # round 22: "I literally can't breathe, my grandson just called the vicar mister god"
                 r"\bliterally (?:cannot|can not) breathe , (?:\S+ ){1,4}just (?:called|said)\b|"
                 # round 24: "couldn't breathe for laughing"; a place that "stinks so bad I can't breathe" (no gas, fumes
                 # or smoke named); "couldn't breathe on the climbs, how do I improve my stamina?"
                 r"\b(?:cannot|can not|could not) breathe? for laugh\w*|"
                 # round 27: "couldn't breathe from laughing at a comedy gig"
                 r"\b(?:cannot|can not|could not) breathe? (?:from|with|because of|because i was|due to) (?:all the |so much )?"
                 r"laugh\w*|^(?!.*\b(?:gas|fumes|smoke|chemical\w*|chlorine|"
                 r"ammonia|bleach|fire|burning|carbon monoxide)\b).*\b(?:stinks?|stank|stinking|smells?|reeks?|pongs?)\b"
                 r"(?: \S+){0,3} (?:so|that|too) (?:bad|much|strong|badly)\b|^(?=.*\b(?:climbs?|hills?|uphill|run|runs|running|"
                 r"ride|cycl\w*|hike|hiking|race)\b)(?=.*\b(?:stamina|fitness|fitter|improve|build (?:up )?(?:my )?(?:stamina|"
                 r"fitness|lungs))\b)|"
                 # round 10: how to help someone through their panic attacks (the feeling of no air is the panic's)
                 r"(?=.*\bpanic (?:attacks?|episodes?)\b)(?=.*\b(?:help|support|next time|calm (?:her|him|them) down|"
                 r"grounding|say to)\b)|"
                 # round 36: out of breath after stairs or a run for a bus, fine again in a few minutes (unfit), with
                 # nothing told of rest, not settling or the chest
                 r"^(?=.*\b(?:stairs|flights?|floors|steps|ran|run|running|sprint\w*|climb\w*|jog\w*|hurr\w*|rush\w*)\b)"
                 r"(?=.*\b(?:fine|ok|okay|better|normal|settled|recovered|back to normal)(?: again)? (?:after|in|within) (?:a |"
                 r"two |a couple of |a few |few |\d+ )?(?:min\w*|seconds?|moments?)\b)(?!.*\b(?:at rest|sitting (?:still|"
                 r"down)|lying|not (?:settl\w*|better|getting better|going away)|still|tight\w*|pain|lips)\b)",
          # round 10: signs of real hypoxia or collapse win over every reading above
          red_flags=r"\b(?:blue|grey|gray|purple|dusky|collaps\w*|faint\w*|passed out|chest (?:pain|hurts)|not breathing|"
                    r"gasping|choking)\b"),
    _rule("breathing", "not breathing", _NOT_BREATHING + r"|\bstopped breathing\b",
          unless_guarded=_AGE_THEN_AND_NOW + r"|" + _OBJECT_NOT_BREATHING),  # round 33
    _rule("breathing", "gasping or suffocating",
          r"\b(?:gasping|suffocat\w*|struggling for (?:air|breath)|fighting for (?:air|breath)|panting)\b", kind="symptom",
          unless=r"\bhumid\w*|heat|this weather|suffocating (?:job|relationship|marriage)|snor\w*|sleep apnea|"
                 # round 36: "I never wake up choking or gasping" (a kind of waking denied)
                 r"\b(?:never|not|no longer|hardly ever|rarely) (?:\S+ ){0,2}?(?:wake|woken|waking) (?:up )?(?:\S+ (?:or|and) )?"
                 r"gasping\b|"
                 # a job or a commute "suffocating me" is an idiom (round 7); smoke or a pillow is not in this list
                 r"(?:job|commute|work|boss|relationship|marriage|family|house|flat|life|city|town|school|routine|"
                 r"office|meeting|deadline)s? (?:is |are |has been )?suffocating (?:me|us)\b|"
                 # round 10: a cold, catarrh or pollen "suffocating me" (a blocked nose) is the same idiom
                 r"\b(?:cold|flu|virus|bug|pollen|hay ?fever|catarrh|sinus\w*|congestion|blocked nose)\b(?: \S+){0,2} "
                 r"(?:is |are |keeps )?(?:suffocating|smothering|strangling) (?:me|us)\b|"
                 # round 24: "suffocated by my team, they want me at every tournament"
                 r"\bsuffocat\w* by (?:my|the|our|his|her) (?:team|squad|club|parents|friends|boss|manager|coach|fans|"
                 r"teammates|team mates|family|kids|in ?laws)\b|"
                 r"(?:spin|gym|fitness|hiit|exercise|yoga) class|workout|by the end|after (?:the|a|my) (?:run|race|class|"
                 r"sprint|workout)|took my breath away|laugh\w*\b|"
                 # round 11: "gasping for a brew", "suffocating in this relationship"
                 r"\bgasping for (?:a |an |my |some )?(?:\S+ )?(?:brew|cuppa|tea|coffee|pint|beer|drink|fag|cigarette|smoke|"
                 r"holiday|break|wee|pee|lie ?in|weekend)\b|\bsuffocat\w* (?:in|by) (?:this|my|the|that|our|a) (?:\S+ )?"
                 r"(?:relationship|marriage|job|town|house|flat|family|life|city|role|routine|village|office)\b|"
                 # round 36: "I'm suffocating" / "at this job, open plan and micromanaged"
                 r"\bsuffocat\w* (?:, )?(?:at|in) (?:(?:this|my|the|that|our) (?:\S+ )?)?(?:job|work|office|company|firm|"
                 r"workplace|team|role)\b|"
                 # round 17: a place or a set-up "is so suffocating" ("this flat share is suffocating"); a room is not
                 r"\b(?:flat ?share|flatshare|house ?share|office|job|workplace|relationship|marriage|atmosphere|town|"
                 r"village|house|flat|school|family|rules)s? (?:\S+ ){0,3}?(?:is|are|feels|was|has been) (?:so |really |"
                 r"literally |just |very )?suffocating\b(?! (?:me|us|him|her) (?:with|from))|"
                 # round 14: "working from home alone all week is suffocating me" (loneliness, an idiom)
                 r"\b(?:working|work|wfh|remote|office|lonel\w*|isolat\w*|alone)\b(?: \S+){0,5} (?:is |are |has been |keeps )?"
                 r"suffocating (?:me|us)\b|"
                 # round 34: "the pressure at work is suffocating", "my mother-in-law's visits are suffocating me"
                 r"\b(?:pressure|stress|expectations|workload|demands) (?:at|of|from|in) (?:\S+ ){0,2}?(?:work|job|school|uni|"
                 r"university|college|home|office|exams?)\b(?: \S+){0,3} (?:is|are|feels|was|has been) (?:so |really |"
                 r"literally |just |very )?suffocating\b(?! (?:me|us|him|her) (?:with|from))|\b(?:in ?laws?|(?:mother|father|"
                 r"sister|brother) in ?laws?|visits?|relatives|family|parents)\b(?: \S+){0,3} (?:is|are|keeps|keep|has been|"
                 r"have been) (?:so |really |literally |just )?suffocating (?:me|us)\b(?! (?:with|under|by|from|and|in))|"
                 # round 31: "suffocating under deadlines" beside a boss "breathing down my neck" (work, an idiom)
                 r"\bsuffocat\w* under (?:(?:all |so much |piles of |loads of |a pile of |a mountain of )?(?:the |my |our |these |"
                 r"this |all the )?)(?:\S+ )?(?:deadlines?|work|workload|paperwork|pressure|admin|e ?mails?|bills|debts?|stress|"
                 r"expectations|responsibilit\w*|tasks|meetings|marking|coursework|exams?|revision|assignments?|reports?|"
                 r"targets)\b|\bbreathing down (?:my|his|her|our|their|your) necks?\b"),
    # Blind set 34: "is it normal for hay fever to make you this tight you can't talk? ... I can only get a couple of words
    # out at a time" (too breathless to speak: a severe asthma attack).
    _rule("breathing", "can only get a few words out for breathlessness",
          r"\b(?:can|could) only (?:get|say|manage|speak|talk in) (?:out )?(?:a )?(?:couple of|few|one or two|two|three|2|3|"
          r"single|odd) words\b|\bonly (?:a )?(?:couple of|few) words (?:out )?at a time\b|\b(?:this|so|that) tight (?:that )?"
          r"(?:i|you|he|she) (?:cannot|can not) (?:talk|speak)\b",
          near=r"\b(?:breath\w*|tight\w*|wheez\w*|inhaler|asthma|chest|hay ?fever|allerg\w*)\b", window=150, kind="symptom",
          unless=r"\b(?:stammer\w*|stutter\w*|shy|accent|english|language|presentation|interview|nervous)\b"),
    # Round 36 (found writing its cases): a bone or food still stuck in the throat with drooling or unable to swallow
    _rule("breathing", "something stuck in the throat, cannot swallow",
          r"\b(?:bone|fish ?bone|chicken bone|food|piece|something|coin|sweet|meat|tablet)\b(?: \S+){0,4} (?:is |are )?"
          r"(?:still )?stuck\b|\bit is still stuck\b",
          near=r"\b(?:(?:cannot|can not|could not|unable to) swallow\w*|drool\w*|noisy breathing|breathing (?:sounds )?noisy)\b",
          window=100, kind="symptom"),
    _rule("breathing", "choking",
          r"\b(?:is|am|are|was|started|keeps|he is|she is) choking\b|\bchoking on\b|\bchoking and\b",
          # round 14: "choking on all these emails" (work, not food)
          unless=r"\bnose\b|\bnot literally\b|"
                 # round 35: "help I'm choking" / "on the price of a concert ticket"
                 r"\bchoking (?:, )?on (?:the |that |this )?(?:price|prices|cost|costs|bill) of\b|\bchoking on (?:all )?(?:these |those |the |my |our )?(?:\S+ )?(?:e ?mails?|meetings?|messages|"
                 r"deadlines?|paperwork|admin|tasks|notifications|workload|spreadsheets?|reports?|red tape|bills|debt)\b|"
                 r"\bchoking the life out of\b|\b(?:cold|flu|virus|bug|pollen|hay ?fever|catarrh|sinus\w*|"
                 r"cough|heat|humidity|job|work|debt|bills?|deadlines?|stress|workload|exams?|life|this|it)\b(?: \S+){0,2} "
                 r"(?:is |are |keeps )?(?:choking|strangling|suffocating|smothering) (?:me|us)\b|"
                 # round 33: deadlines or the month end "choking the whole team", "choking all of us"
                 r"\b(?:deadlines?|workload|targets|paperwork|admin|red tape|e ?mails?|bills|debts?|stress|pressure|"
                 r"(?:month|year|quarter) end|end of (?:the )?(?:month|year|quarter)|audit|rota|overtime|meetings)\b(?: \S+){0,3} "
                 r"(?:is |are |keep |keeps )?(?:choking|strangling|suffocating|smothering) (?:all of us|us all|the (?:whole |entire )?"
                 r"(?:team|office|department|dept|staff|company|business|shop|ward|school|firm)|(?:the )?(?:whole |entire )?(?:team|office|"
                 r"department|staff|company|business)|everyone|everybody)\b|"
                 # round 11: "choking on deadlines" (work, not food)
                 r"\bchoking on (?:deadlines?|work|emails?|paperwork|admin|bills?|debts?|stress|exams?|revision|"
                 r"assignments?|meetings?|tasks?|red tape|jargon|workload)\b",
          # round 10: the idiom gives way to a real obstruction or hypoxia
          red_flags=r"\b(?:on (?:a|his|her|my|food|the)(?! (?:price|prices|cost|costs|bill) of\b)|(?:cannot|can not) "
                    r"(?:breathe|breath|cough|speak|talk)|blue|grey|"
                    r"gray|not breathing|gasping|back blows|heimlich)\b",
          # round 29: "if a customer is choking and she is pregnant, do we still push on the belly?" (staff training;
          # nothing told of now) is set aside below with the pets and the engines
          # round 27: a dog (a pet, an animal) or a car (an engine) choking, with no person choking in the message and
          # no sign of a person's hypoxia ("what do you do if a dog is choking on a ball?", "my car keeps choking on cold
          # mornings")
          unless_guarded=r"^(?=[\s\S]*\b(?:dogs?|pupp(?:y|ies)|pups?|cats?|kittens?|pets?|animals?|horses?|rabbits?|"
                         r"parrots?|birds?|cars?|engines?|vans?|motors?|motorbikes?|bikes?|mowers?|lawnmowers?|trucks?)\b"
                         r"(?: \S+){0,1} (?:is |was |keeps |kept |starts |started |begins |began |that is )?chok\w*)"
                         r"(?![\s\S]*\b(?:i|me|he|she|they|we|you|son|daughter|baby|child|kid|toddler|husband|wife|partner|"
                         r"mum|mom|dad|father|mother|friend|client|customer|brother|sister|grandad|grandpa|grandma|nan|boy|"
                         r"girl|man|woman|person|someone|somebody|owner|colleague|coworker|patient)(?: is| are| am| was| keeps|"
                         r" started| starts)? chok\w*)(?![\s\S]*\b(?:(?:cannot|can not|could not) (?:breathe|breath|speak|"
                         r"talk|cough)|blue|grey|gray|not breathing|gasping|heimlich|back blows|unconscious|collaps\w*)\b)|"
                         # round 28: back blows for a choking baby asked before the baby starts solid food ("we start
                         # solids soon, how do you do back blows on a baby who is choking?"), with nothing told now
                         r"^(?=[\s\S]*\b(?:before (?:[^ \n]+ ){0,4}?(?:start\w*|begin\w*|introduc\w*|go\w* on(?:to)?|mov\w* "
                         r"on(?:to)?) (?:on )?(?:[^ \n]+ )?(?:solids?|solid foods?|weaning|finger foods?)|(?:start\w*|begin\w*|"
                         r"introduc\w*) (?:[^ \n]+ )?(?:solids?|solid foods?|weaning|finger foods?) (?:soon|next (?:week|month)|"
                         r"in (?:a|two|three|\d+) (?:weeks?|months?))|(?:weaning|solids) (?:starts?|begins?) (?:soon|next)|"
                         r"before (?:we|i) (?:begin|start) (?:weaning|solids))\b)(?=[\s\S]*\bback blows\b)"
                         r"(?![\s\S]*\b(?:right now|now|just|(?:cannot|can not|could not) (?:breathe|breath|cough|cry|make|"
                         r"speak)|not breathing|blue|grey|gray|no (?:sound|noise)|not making (?:a|any) (?:sound|noise)|silent|"
                         r"gasp\w*|limp|floppy|unconscious|collaps\w*|(?:is|has been|started) choking on|going red|not "
                         r"working)\b)|"
                         # round 29: choking in an if-clause of staff training or a "do we" question
                         r"^(?=[\s\S]*\bif (?:a|an|the|one of (?:our|the|my)|someone|somebody|a person)(?: \S+){0,3} (?:is|are|"
                         r"starts|was|were) choking\b)(?=[\s\S]*\b(?:training|train|staff|course|do we|should we|should i|"
                         r"do i|do you|can we|can you|is it)\b)(?![\s\S]*\b(?:right now|now|help|(?:cannot|can not|could not) "
                         r"(?:breathe|breath|cough|speak|talk)|not breathing|blue|grey|gray|unconscious|collaps\w*|gasp\w*|"
                         r"actually)\b)(?![\s\S]*\b(?:my|our|his|her|their) (?:\S+ ){0,3}?(?:is|are|was|keeps|started|has "
                         r"started) chok\w*)"),
    _rule("breathing", "blue lips or face",
          r"\b(?:lips|face|skin|fingers|he|she|they)(?: are| is| look| looks| turning| turned| going| went| gone)*"
          r" (?:blue|purple|grey|gray|dusky)\b|\bturning blue\b", sign=True,
          # round 24: a child holding the breath in a tantrum who went purple and then breathed again
          unless=r"\b(?:breath ?holding|holding (?:his|her|their) breath)\b(?: \S+){0,4}? (?:tantrum|temper|paddy|strop|"
                 r"meltdown|crying)\b(?=.*\b(?:breathed|breathing|took a (?:big )?breath)(?: \S+){0,2} (?:again|normally|"
                 r"fine)\b)|"
                 # round 25: a blue slushie, an ice lolly or food colouring named as the blue, in the same message
                 r"\b(?:slush\w*|ice lolly|ice lollies|blue raspberry|food colou?ring)\b", unless_scope="text",
          red_flags=r"\b(?:limp|floppy|(?:will not|cannot|can not) wake|unresponsive|jerking|fitting|still not breathing|"
                    r"not breathing now|struggl\w* to breathe|(?:cannot|can not|could not) (?:breathe|catch)|wheez\w*|"
                    r"gasping|choking|drowsy|confus\w*|still blue)\b"),
    _rule("breathing", "severe breathlessness",
          r"\b(?:very|so|really|extremely|severely|badly|too) (?:short of breath|breathless|out of breath|short of "
          r"breathe)\b|\b(?:short of breath|breathless) (?:at rest|sitting|lying|even)|\bcannot (?:finish|speak "
          r"in|say) (?:a |full |whole )?sentences?\b|\bbreathing (?:is )?(?:very |really |so )?(?:hard|difficult|"
          r"laboured|labored|fast and hard)\b|\b(?:difficulty|trouble|difficult|problem) (?:in |with )?breathing\b|"
          r"\bshort(?:ness)? of breath\b(?= .{0,60}(?:worse|tight|chest|dizz|sweat|faint|wheez|cannot))|"
          r"\bbreath(?:ing)? is (?:difficult|hard)|using all (?:her|his|the) muscles|"
          # (blind set 30: "it's getting harder to fill my lungs")
          r"\b(?:hard|harder|difficult|struggl\w*|cannot|can not|unable) to (?:fill|get air (?:in|into)|inflate|expand) "
          r"(?:my|his|her|their) lungs\b",
          kind="symptom", unless=r"\bstairs|climbing|exercise|running|jogging|walking uphill|put on weight|"
                                 # round 35: a teenager at cross country or the bleep test, with a stitch
                                 r"cross ?country|bleep test|beep test|\bstitch\b|sports day|\bin pe\b|\bat pe\b|"
                                 r"through (?:his|her|my|the) nose\b"),
    _rule("breathing", "breathless with throat or airway symptoms",
          r"\b(?:short(?:ness)? of breath|breathless|difficulty breathing|trouble breathing)\b",
          # (round 9: lips or a tongue count when they are changed, not when "his lips are normal")
          near=r"\b(?:throat (?:is |feels )?(?:closing|swell\w*|tight)|voice box|paraly\w*|cannot swallow|(?:lips?|tongue)"
               r"(?: \S+){0,3} (?:blue\w*|swell\w*|swollen|tingl\w*|puff\w*|grey|gray|purple|dusky|numb|fat|big)|(?:blue\w*|"
               r"swollen|puffy|purple|dusky) (?:lips|tongue)|drooling|stridor)\b", window=250, kind="symptom"),
    _rule("breathing", "asthma attack not helped by the inhaler",
          r"\b(?:asthma attack|inhaler (?:is not|not|does not|isnt|has not been|wont) (?:working|helping|work|help)|"
          r"asthma (?:is )?(?:really |very |so )?(?:bad|severe|worse))|(?:used|taken|took) (?:my |his |her )?"
          r"(?:blue |reliever |rescue )?inhaler (?:(?![.!?;](?: |$))[^ \n]+ ){0,3}(?:\d+|many|several) times\b|nebuli[sz]\w* (?:(?![.!?;](?: |$))[^ \n]+ ){0,3}"
          r"(?:\d+|three|four|several) times",
          # round 26: "what does a bad asthma attack feel like? just curious, my peak flows are normal"
          unless_text=r"\b(?:just|only|purely) curious\b(?=.*\bpeak flows? (?:\S+ ){0,2}(?:are |is )?(?:all )?(?:normal|fine|"
                      r"good|ok|okay)\b)",
          # round 33: a panic attack that was taken for an asthma attack ("we thought it was an asthma attack, it was a
          # panic attack; how do I help next time?"), with nothing of an attack or a failing inhaler now
          unless_guarded=r"^(?=[\s\S]*\bpanic attack\b)(?=[\s\S]*\b(?:thought|took|taken|mistook|mistaken|assumed|looked like|"
                         r"seemed like|sounded like|we took)\b(?: \S+){0,8}? asthma attack\b|[\s\S]*\basthma attack\b(?: \S+){0,8}? "
                         r"(?:but |turned out |actually )(?:\S+ ){0,3}?panic attack\b)(?![\s\S]*\b(?:right now|now|is having|are "
                         r"having|am having|inhaler (?:is not|not|does not|has not)|blue|grey|gray|(?:cannot|can not|could not|"
                         r"struggling to) (?:breathe|speak|talk)|collaps\w*|wheez\w*)\b)"),
    _rule("breathing", "very low oxygen",
          r"\b(?:oxygen|o2|sats?|saturation|spo2|oximeter|sat|pulse ox)\b(?: (?![.!?;](?: |$))[^ \n]+){0,6} (?:[5-8]\d|9[01])%?(?![\d.])",
          # a low reading from cold fingers that is normal once warmed is a measuring error, not hypoxia (round 5),
          # unless a sign of hypoxia stands beside it (round 7)
          unless=_COLD_READING, red_flags=_HYPOXIA_SIGNS),
    _rule("breathing", "wheezing and cannot lie down", r"\bwheez\w*\b", near=r"\bcannot (?:lie|lay|sleep|talk|speak)|"
          r"cannot get air|(?:chest|throat) (?:so |really |very )?tight|barely talk", window=80, kind="symptom"),
    # ----------------------------------------------------------------------- anaphylaxis
    _rule("anaphylaxis", "anaphylaxis", r"\b(?:anaphyla\w*|allergic shock)\b",
          unless=r"\bwhat is|difference between|signs of|as a (?:kid|child)|history of\b"),
    _rule("anaphylaxis", "throat closing or swelling",
          r"\bthroat (?:is |feels |feel )?(?:closing|swelling|swollen|tight\w*|thick|closing up|weird and tight)\b|"
          r"\b(?:tongue|tounge|lips?|face|eyes?|mouth)(?: and (?:tongue|lips?|face|eyes?))? (?:is |are |started |keeps |"
          r"has |have |went |gone |has gone |getting |got |just )*(?:swelling|swollen|swell|swelled|puffy|puffing up|"
          r"puffed up|blowing up|blew up|blown up|balloon\w*|huge|massive|very swollen|like a balloon)\b|\b(?:swollen|"
          r"swelling) (?:tongue|lips|throat)\b|\btongue (?:feels |is |seems )?(?:too )?(?:big|fat|thick|heavy) for\b",
          near=r"\b(?:ate|eat|eating|after|sting|stung|bite|bitten|allerg\w*|medicine|antibiotic|amoxicillin|"
               r"penicillin|peanuts?|nuts?|shellfish|shrimp|prawns?|fish|sesame|latex|injection|hives|wheez\w*|"
               r"breath\w*|swallow|faint|dizz\w*|epi ?pen|voice)\b",
          window=140, kind="symptom", unless=r"\bsalt|in the morning|photos?|mosquito|cry\w*|cried|sleep\w*|slept|"
                                             r"woke|waking|hangover|dental|tooth|teeth|wisdom|filling\b|"
                                             # round 10: itchy swollen eyes every pollen season (hay fever)
                                             r"\b(?:pollen|hay ?fever|seasonal|every (?:spring|summer|year|april|may|june|"
                                             r"july))\b",
          red_flags=r"\b(?:throat|tongue|lips? (?:\S+ )?(?:swell\w*|swollen)|(?:cannot|can not|hard to|struggling to) "
                    r"(?:breathe|breath|swallow)|wheez\w*|short of breath|faint\w*|dizz\w*|collaps\w*|epi ?pen|adrenaline)\b"),
    _rule("anaphylaxis", "epinephrine needed now",
          r"\b(?:use|give|inject|used|gave) (?:the |his |her |my |an )?(?:epi ?pen|epinephrine|adrenaline)\b|"
          r"\b(?:should|do|can|shall|must) (?:i|we) (?:use|give|inject) (?:the |his |her |my |an )?(?:epi ?pen|epi pen|"
          r"epinephrine|adrenaline)\b",
          # learning to use a newly prescribed pen is education; the symptoms, if any, have rules of their own
          unless=r"\bhow (?:do|does|should|would|can|to)\b(?: (?![.!?;](?: |$))[^ \n]+){0,3} (?:use|give|inject)\b|"
                 r"\bprescribed\b|\btrainer\b|\bexpir\w*|\bstor(?:e|ing|age)\b|"
                 # a pen used in a past reaction is history ("in 2019 and used my epipen then")
                 r"\b(?:then|in (?:19|20)\d\d|years? ago|last (?:year|summer|winter|spring|autumn|month))\b",
          # round 27: where on the leg and how long to hold the pen, asked for staff or first aid training, with no one
          # reacting in the message
          unless_guarded=r"^(?=[\s\S]*\b(?:(?:staff|first aid|team|employee|colleague|workplace|office|work) (?:training|"
                         r"refresher|course|session|induction)|train(?:ing)? (?:the |our |my |all )?(?:\S+ )?(?:staff|team|"
                         r"employees|workers))\b)(?![\s\S]*\b(?:swell\w*|swollen|wheez\w*|throat|hives|rash|(?:cannot|can not|"
                         r"struggling to|hard to) (?:breathe|breath|swallow)|reacting|reaction|allergic|collaps\w*|faint\w*|"
                         r"right now|just (?:ate|eaten|had|been stung))\b)|"
                         # round 28: what a club's or a group's first aid kit should hold and whether a volunteer may
                         # give a child the child's own pen, with no one reacting in the message
                         r"^(?=[\s\S]*\b(?:first aid (?:kit|box|bag|supplies|cupboard)|(?:are|is) (?:a |our |the )?"
                         r"(?:volunteers?|coach(?:es)?|leaders?|helpers?|staff|teachers?|instructors?) (?:legally )?allowed to|"
                         r"(?:can|may|could) (?:a |our |the )?(?:volunteers?|coach(?:es)?|leaders?|helpers?|staff members?|"
                         r"teachers?|instructors?) (?:legally )?give)\b)(?![\s\S]*\b(?:swell\w*|swollen|wheez\w*|throat|hives|"
                         r"rash|(?:cannot|can not|could not|struggling to|hard to) (?:breathe|breath|swallow)|reacting|(?:having|"
                         r"has|had|is in|going into|gone into) (?:an? )?(?:allergic |bad |severe )?(?:reaction|anaphyla\w*)|"
                         r"collaps\w*|faint\w*|right now|just (?:ate|eaten|had|been stung|got stung)|stung)\b)"
                         + r"|" + _PEN_USED_DISCHARGED),  # round 32
    _rule("anaphylaxis", "hard to swallow after an allergen",
          r"\b(?:hard|difficult|trouble|struggling|struggle|cannot|can not|unable|could not|not able) (?:to )?"
          r"swallow\w*\b|\bdifficulty (?:in )?swallowing\b",
          near=r"\b(?:allerg\w*|anaphyla\w*|hives|welts|peanuts?|nuts?|cashews?|almonds?|walnuts?|pecans?|pine nuts|"
               r"satay|pesto|shellfish|prawns?|shrimp|crab|lobster|mussels|sesame|tahini|sting|stung|wasp|bee|"
               r"antibiotic|penicillin|amoxicillin|new (?:medicine|medication|tablet|pill)|epi ?pen|(?:lips?|tongue|"
               r"face) (?:is |are )?(?:swell\w*|swoll\w*|tingl\w*|puff\w*|blew up|balloon\w*))\b",
          window=140, kind="symptom",
          unless=r"\bsore throat|tonsil\w*|strep|glandular|reflux|heartburn|lump in (?:my|the) throat|pills? (?:are|is) "
                 r"(?:too )?big\b"),
    _rule("anaphylaxis", "hives with breathing trouble",
          r"\b(?:hives|welts|itch\w* all over|whole body itch\w*)\b",
          near=r"\b(?:breath\w*|wheez\w*|throat|swallow|faint\w*|dizz\w*|lips|tongue)\b", window=80, kind="symptom",
          # round 8: breathing, lips or throat said to be fine sets it aside, unless a breathing or swelling red flag
          unless=r"\bhay fever|mosquito\b|\bbreathing (?:is )?(?:fine|normal|ok|okay|good)\b|\b(?:lips|throat|tongue)"
                 r"(?: and (?:lips|throat|tongue))? (?:are |is |feel |feels )?(?:fine|normal|ok|okay)\b",
          red_flags=r"\b(?:cannot breathe|wheez\w*|struggling to breathe|short of breath|(?:throat|chest) (?:is |feels )?"
                    r"(?:closing|tight\w*)|(?:lips?|tongue|throat|face) (?:is |are )?(?:swell\w*|swollen))\b",
          # round 33: the lips and the breathing said to be fine anywhere in the turn ("hives after a hot shower, no lip
          # swelling, no breathing trouble, gone in an hour"); the red flags above still win
          unless_text=r"\b(?:no|without|not any) (?:(?:lip|lips|tongue|throat|face|mouth|facial)(?: or | and |, )?){1,3} ?"
                      r"(?:swelling|swell\w*|tightness)\b|\b(?:lips?|tongue|throat|face) (?:do not|does not|did not|have not|has not|"
                      r"never) (?:swell|swelled|swollen|tighten)\b|\b(?:no|without|not any) (?:trouble|problems?|difficulty|issues?|"
                      r"change) (?:with |in )?(?:my |his |her )?breathing\b|\bno breathing (?:problems?|trouble|difficulty|difficulties|"
                      r"issues?)\b|\b(?:my |his |her )?breathing (?:is |was |stays |stayed )?(?:fine|normal|ok|okay|good|unaffected)\b"),
    # ------------------------------------------------------------------------- self_harm
    _rule("self_harm", "wants to kill themself",
          r"\b(?:kill|hang|shoot|drown|poison|stab) (?:my ?self|himself|herself|themselves|themself)\b|"
          r"\bunalive\b|\bkms\b|\boff (?:my ?self|himself|herself)\b",
          unless=r"\b(?:do not|never|would never|will never) (?:(?![.!?;](?: |$))[^ \n]+ )?(?:want to |going to )?(?:kill|hurt)|"
                 r"will kill me if|going to kill me if\b|" + _TRIVIAL_DESPAIR,
          red_flags=_DESPAIR_RED_FLAGS,
          # round 29: "this stats homework is killing me fr, kms. anyway is it bad to drink 3 energy drinks?" (schoolwork or
          # work "killing me", "fr", "lol" or "anyway", and a question after; a plan, a means, "i mean it" still win);
          # a first aid course's question on asking someone whether they want to kill themselves
          unless_text=r"^(?=[\s\S]*\b(?:homework|coursework|revision|revising|exams?|essays?|assignments?|dissertation|"
                      r"deadlines?|project|lectures?|modules?|shifts?|stats|maths?|chem\w*|physics)\b(?: \S+){0,3} (?:is|are|has "
                      r"been) (?:literally )?killing me\b)(?=[\s\S]*\b(?:fr|lol|lmao|anyway|anyways|btw|ngl)\b)(?=[\s\S]*\?)|"
                      r"\b(?:is it true|does|do|will|would|can) (?:that )?asking (?:someone|somebody|people|a person|them|a "
                      r"friend)\b|\bhow (?:do|can|should|would) (?:i|you|we) (?:word|phrase) (?:it|that|the question)\b|"
                      r"\bmental health first aid\b|\bmhfa\b|"
                      # round 32: "ugh I could kill myself for forgetting mum's birthday. anyway, a gift for a gardener?" (a
                      # slip one could kill oneself for, then another topic or a laugh; a plan or a means still wins)
                      r"^(?=[\s\S]*\b(?:anyway|anyways|btw|by the way|lol|haha\w*|lmao)\b)[\s\S]*\b(?:could|gonna|going to|"
                      r"will|would|might|honestly|literally) (?:honestly |literally |actually |just )?kill my ?self (?:(?:for|over) "
                      r"(?:forgetting|missing|losing|leaving|breaking|dropping|saying|doing|not|being so|buying|booking|eating|"
                      r"spending|locking|sending|deleting|ordering|burning)|(?:, )?i (?:just )?(?:forgot|missed|lost|left|broke|"
                      r"dropped|deleted|burnt|burned|locked|sent))\b"),
    _rule("self_harm", "wants to end their life",
          r"\b(?:end|take|ending|taking|finish) (?:my|his|her|their) (?:own )?life\b|\bend it (?:all|tonight|today|"
          r"now)\b|\bdecided to end it\b(?! (?:with|between))",
          # round 31: someone else "will literally end my life" over a mishap ("my sister will murder me when she finds
          # out I borrowed her dress, she'll literally end my life"); a wish, a plan or a means of one's own, or a
          # threat of harm by the other (a knife, hitting, the police) still wins
          # (the lead's review: only told as a joke or over being found out; "my husband will end my life if I leave him"
          # is a threat)
          unless=r"^(?=[\s\S]*(?:" + _JOKING + r"|\b(?:finds?|found) out\b))[\s\S]*"
                 r"\b(?:she|he|they|(?:my|our|his|her) (?:\S+ )?(?:sister|brother|mum|mom|mother|dad|father|wife|husband|"
                 r"partner|boyfriend|girlfriend|bf|gf|boss|manager|teacher|coach|parents|flatmate|roommate|housemate|friend|"
                 r"mate|nan|gran|grandma|grandad|aunt|uncle|kids?|son|daughter|sis|bro))(?: (?:will|would|is going to|are going "
                 r"to|is gonna|are gonna|gonna))(?: (?:literally|actually|totally|absolutely|definitely|honestly))? end my "
                 r"life\b|"
                 # round 32: "im going to end it all" / "with my phone contract i mean haha" (a contract ended, laughed
                 # about; a wish, a plan or a means still wins)
                 + _CONTRACT_ENDED,
          red_flags=_DESPAIR_RED_FLAGS[:-3] + r"|knife|knives|gun|weapon|hit\w* me|hurt\w* me|beat\w* me|threat\w*|attack\w*|"
                    r"police|abus\w*|scared|afraid|at the door)\b",
          # round 28: an attempt years ago told as history (well for a long time, working, a crisis plan card, asking
          # about life insurance), with nothing told of now: no wish, plan or means, no feeling it again
          unless_guarded=_PAST_ATTEMPT_TOLD),
    # The lead's mend after blind set 28: not planning to be here or around on a day, beside things put in order before
    # one goes ("can you help me write a will" / "i just want things sorted before i go" / "before i go means i'm not
    # planning to be here on sunday"); a holiday, a trip, a move or a shift sets it aside.
    _rule("self_harm", "not planning to be here on a day, affairs put in order",
          r"\b(?:not|no longer) (?:planning|going|gonna|intending|expecting) (?:to be|on being) (?:here|around|alive)\b",
          near=r"\b(?:will|sorted|before i go|goodbye\w*|letters?|notes?|affairs|in order|pills|rope|nobody|no one|miss me|"
               r"end (?:it|things)|last (?:day|time|week)|(?:on|by|after|this|next) (?:monday|tuesday|wednesday|thursday|"
               r"friday|saturday|sunday|weekend)|tomorrow)\b", window=200,
          unless=r"\b(?:holiday|vacation|trip|travel\w*|away|abroad|flight|flying|moving|move|shift|work|office|conference|"
                 r"wedding|festival|visit\w*|hospital appointment|for the birth|party)\b", unless_scope="text"),
    # Blind set 25's one emergency that got nothing: "how do i cancel my gym membership? also i wont need it after this
    # weekend, ive decided to end things". Deciding, planning or being ready to end things or everything, not "with"
    # someone; a partner, a relationship, a contract or a membership in the message sets it aside unless the message
    # also says goodbye, or that something will not be needed after a day.
    _rule("self_harm", "decided to end things",
          r"\b(?:decided|going|gonna|ready|planning|about) to end (?:things|everything)\b(?! (?:with|between|off|on|for|"
          r"early|here|there|now with))",
          always=True, unless_scope="text",
          unless=r"\b(?:boyfriend|girlfriend|bf|gf|partner|relationship|marriage|husband|wife|fianc\w*|engagement|dating|"
                 r"affair|ex|friendship|situationship|contract|subscription|lease|tenancy|membership|job|business|project|"
                 r"season|series|chapter|book|story|novel|game|campaign|meeting|call|chat|conversation|thread|podcast|"
                 r"band|club|tour|term|show)\b",
          red_flags=r"\b(?:will not|wont) need (?:\S+ ){0,3}?(?:after|by|from|past) (?:this|the|next|tonight|tomorrow|"
                    r"friday|saturday|sunday|monday|tuesday|wednesday|thursday)\b|\bwhen i am gone\b|\bgoodbye\b|"
                    r"\bno one will (?:miss|care|notice)\b|\bpills\b|\brope\b|\bbridge\b|\bnote\b|\bkill\w*\b|\bdie\b"),
    # The lead's review of round 35: "a few years ago I took an overdose" / "I've got the pills out again tonight"; "I
    # attempted suicide at 20 ... I've been saving my tablets and I plan to take them this weekend"
    _rule("self_harm", "pills saved up or got out, with an attempt or suicide told", r"\b(?:" + _MEANS_READIED + r")\b",
          near=r"\b(?:suicid\w*|overdos\w*|od|end (?:it|it all|my life|things)|kill (?:myself|me)|attempt\w*|take them all|"
               r"all of them|not wake up|die|dying|dead)\b", window=400),
    # Blind set 34: "is it normal to feel totally calm once you've decided on a date? I've picked Friday and given my dog
    # to my neighbour" (a date chosen and a pet or belongings given away).
    _rule("self_harm", "a pet or belongings given away with a date chosen",
          r"\b(?:given|gave|giving|rehomed|rehoming|handed over) (?:away )?(?:my |our )?(?:dog|cat|pets?|puppy|kitten|rabbit|"
          r"budgie|things|stuff|belongings|possessions)\b",
          near=r"\b(?:decided on (?:a |the )?(?:date|day)|picked (?:a |the )?(?:date|day)|(?:picked|chosen|chose|set) "
               r"(?:a |the )?(?:date|day|friday|saturday|sunday|monday|tuesday|wednesday|thursday)|totally calm|so calm|"
               r"at peace|will not need|no longer need|goodbye\w*|my note)\b", window=200,
          unless=r"\b(?:wedding|honeymoon|holiday|trip|moving|move house|emigrat\w*|allerg\w*|landlord|new baby|travel\w*|"
                 r"abroad|deploy\w*|rehoming centre|shelter)\b", unless_scope="text"),
    _rule("self_harm", "suicidal",
          r"\bsuicid\w*\b|\bsewerslide\b",
          unless=r"\b(?:rates?|prevention|awareness|warning signs|signs that|statistics|how can i (?:help|support)|"
                 r"is (?:someone|a friend)|might be suicidal|suicide mission|suicide squad|crisis line|988 crisis|"
                 r"hotline|lifeline|ten years ago|years ago|when i was|leaflet|package insert|patient information|black "
                 r"box|suicide (?:risk|training|first aid|intervention|assessment|screening|policy)|assess\w* (?:suicid\w*|"
                 r"the risk|risk)|ask(?:ing)? (?:\S+ ){0,4}about suicid\w*|talk(?:ing)? (?:\S+ ){0,3}about suicid\w* with|"
                 # round 29: "how do I ask a friend directly whether they are thinking about suicide?" (a course's question)
                 r"ask(?:ing)? (?:\S+ ){0,4}?(?:whether|if) (?:they|he|she|someone|you|a friend) (?:are|is|have|has|might be) "
                 r"(?:\S+ ){0,3}?suicid\w*|mental health first aid|mhfa|"
                 r"(?:training|course|workshop|module|session) (?:on|in|about)|"
                 # round 34: how common suicide is in a group, or compared between groups ("how common is suicide among
                 # farmers compared with other jobs?"); the red flags below (feeling suicidal, a plan, pills saved) still win
                 r"how (?:common|prevalent|frequent|likely) is suicid\w*|suicid\w* (?:is |are )?(?:more |less )?(?:common|"
                 r"prevalent|frequent) (?:among|amongst|in)|suicid\w* (?:\S+ ){0,2}(?:among|amongst)(?! (?:other|all) "
                 r"(?:things|that|this))|suicid\w* (?:\S+ ){0,6}compared (?:with|to))\b",
          # round 8: the leaflet's warning read beside the writer's own thoughts now is still an emergency
          red_flags=r"\b(?:i am|i have been|i feel|i keep|been) (?:having |getting |feeling )?(?:them|these|those|suicidal)\b|"
                    r"\bhaving (?:them|these thoughts) now\b|"
                    # round 29 follow-up: a means or a plan told beside a course's question ("how do I ask my friend if
                    # they're suicidal? I'm on an MHFA course. she told me she has pills saved")
                    r"\b(?:(?:pills|tablets|rope)(?: \S+){0,2} (?:saved|ready|stockpiled|hidden|stashed)|(?:saved|saving|"
                    r"stockpil\w*|hoard\w*) (?:up )?(?:\S+ ){0,2}?(?:pills|tablets)|(?:has|have|got) a plan|plan\w* (?:to do it |"
                    r"it )?(?:for )?tonight)\b|"
                    # (the lead's review of round 34: "how common is suicide among nurses? asking because i've been planning
                    # mine")
                    r"\b(?:planning|planned|plan) (?:mine|my own|it|to do it|to end (?:it|my life|things)|my death)\b|\bthinking "
                    r"(?:about|of) (?:doing it|ending (?:it|my life|things)|killing myself)\b|\b(?:i want|i wanna) to die\b",
          unless_guarded=_PAST_ATTEMPT_TOLD),  # round 28: a past attempt told as history (above)
    _rule("self_harm", "does not want to live",
          r"\b(?:do not|dont|no longer|not) (?:want|wish) to (?:live|be alive|be here|exist|wake up|go on)\b|"
          # (the lead's review of round 26: broken English, "no want live more", "me no want to live anymore")
          r"\b(?:(?:i|me) )?no (?:want|wanna|wish)(?: to)? (?:live|living)(?: no)? (?:more|anymore|any more|longer)\b|"
          r"\b(?:i|me) no (?:want|wanna|wish)(?: to)? (?:live|be alive)\b|"
          r"\bdo not (?:want|wish) to live\b|\bwant(?:ed|s)? to die\b|\bwish (?:i|i was|i were) dead\b|"
          r"\bwish i (?:was|were) never born\b|\bbetter off (?:dead|without me|if i was dead|if i were dead)\b|"
          r"\b(?:happier|better) without me\b|\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on|continue|"
          r"continuing)\b|\b(?:will not|wont) be (?:here|around|alive) tomorrow\b|\bthis is my last message\b|"
          r"\bthink to finish my life\b|\b(?:better|happier|easier) (?:for (?:everyone|everybody|them) )?if i (?:just )?"
          r"(?:disappeared|was gone|were gone|was not here|were not here|was dead|were dead|did not exist|never existed)\b|"
          r"\bdisappear(?:ed)? (?:forever|for good)\b|"
          # (blind set 30: to stop existing, wished for; a way asked for is the rule after this one)
          r"\b(?:want|wanna|wish|need|going) to (?:just )?(?:not exist|stop existing|cease to exist|cease existing)\b",
          unless=r"\bdie(?: \S+){0,3} (?:of|from) (?:the )?(?:embarrassment|laughter|shame|boredom|cringe)|dying to\b|"
                 r"\b(?:main )?character\b|"
                 # round 26: not wanting to live in a place or with one's parents any more (moving out), with no wish to
                 # die or end it in the sentence
                 r"^(?!.*\b(?:die|dying|dead|kill\w*|end (?:it|my life|things)|suicid\w*|hurt myself|overdose)\b).*(?:"
                 r"\bwant to live (?:in|at) (?:this|the|that|my|our) (?:\S+ )?(?:city|town|country|house|flat|apartment|area|"
                 r"village|street|estate|neighbou?rhood)\b|\bwant to live with (?:my|our) (?:parents|mum|mom|dad|flatmates?|"
                 r"roommates?|housemates?|in ?laws)\b(?! .{0,20}\b(?:pain|this)\b))|"
                 # round 33: a hangover "so bad I want to die" (a plan, a means or "not joking" still win)
                 r"(?:\b(?:hangover|hungover|hung over)\b(?: \S+){0,8}? (?:want to|wanna) die\b|\b(?:want to|wanna) die\b(?: \S+)"
                 r"{0,6}? (?:hangover|hungover|hung over)\b)(?![\s\S]*\b(?:for (?:weeks|months|years|ages|a long time|a while)|"
                 r"lately|always|even (?:when|before|without)|not (?:just|only|because of) (?:the|my|a|this) hangover)\b)|"
                 + _TRIVIAL_DESPAIR, red_flags=_DESPAIR_RED_FLAGS,
          unless_text=_CHILD_TANTRUM_DIE + r"|" + _EXAM_THEN_HOW_TO,  # round 30, round 34
          unless_guarded=_LYRIC_EARWORM),  # round 36: its own guard (a lyric's "tonight" is no red flag)
    # Blind set 30, got nothing: "lol this is dumb but whats the quickest way to not exist. asking for a story. ok not a
    # story": a way to stop existing asked for is a method question, so a question form or a story frame does not set it
    # aside (as "how many pills would kill me"); a joke about a trivial cause still does.
    _rule("self_harm", "asks for a way to stop existing",
          r"\b(?:quickest|fastest|easiest|best|simplest|least painful|most painless|painless|surest|cleanest|quietest) "
          r"ways? (?:to|of) (?:not exist(?:ing)?|stop existing|cease to exist|cease existing|stop being alive|not be alive|"
          r"not wake up|never wake up)\b",
          always=True, unless=_TRIVIAL_DESPAIR, red_flags=_DESPAIR_RED_FLAGS),
    _rule("self_harm", "self-harm now",
          r"\b(?:cut|cutting|hurt|hurting|harm|harming|burn|burning) (?:my ?self|himself|herself)\b"
          # (round 31: "cut myself little when shaving", "cut myself a bit shaving")
          r"(?!(?: (?:a )?(?:little|bit|small|slightly|tiny|little bit))? (?:playing|at|"
          r"when|while|lifting|falling|during|in (?:the|a) (?:gym|game|match)|shaving|cooking|chopping|slicing|"
          r"gardening|by accident|accidentally|on (?:a|the|some|my)))|\bself harm\w*\b|\bcutting again\b",
          unless=r"\bscar(?:s|ring|red)?\b|why do|teenagers|as a teen|when i was|years ago|what is|how to help\b|"
                 r"(?:do not|never) want to (?:hurt|harm)|"
                 # round 9: learning to spot it, a course or policy on it
                 r"\b(?:spot(?:ting)?|recogni[sz]\w*|signs of|training|course|workshop|awareness|safeguarding|policy)\b",
          red_flags=r"\b(?:i (?:am|have been|keep|just) (?:\S+ )?(?:cut|cutting|hurt|hurting|harm|harming|burn|burning)|"
                    r"bleeding|(?:will not|would not|does not|cannot) stop|"
                    # round 28: "stopped for years but I've just cut myself again tonight"
                    r"i have just (?:cut|hurt|harmed|burned|burnt)|(?:cut|cutting|hurt|hurting|harm\w*|burn\w*) (?:my ?self )?"
                    r"again|again (?:tonight|today|now|right now))\b",
          # round 28: old scars asked about at a new job, with years free of it told anywhere in the turn ("self-harmed
          # from 14 to 16, nothing for ten years now. ... how do I cover the scarring?") and nothing told of now
          # round 36: a friend who told of self-harm and of being safe now, how to answer without overreacting
          unless_guarded=_FRIEND_SAFE_NOW + "|" r"^(?=[\s\S]*\bscar(?:s|ring|red)?\b)(?=[\s\S]*\b(?:(?:nothing|none|not|clean|free|stopped|"
                         r"have not|had not|did not)(?: [^ \n]+){0,4} (?:for|in) (?:ten|\d+|many|several|a few|over|more than) "
                         r"(?:\w+ )?years|(?:\d+|ten|many|several) years (?:clean|free|since)|(?:for|in|over) a decade|a decade "
                         r"(?:clean|free|since|ago))\b)(?![\s\S]*\b(?:tonight|right now|again|i have just|just (?:cut|hurt|"
                         r"harmed|burned)|bleeding|urges?|want to (?:cut|hurt|harm|die)|relaps\w*|fresh|new (?:cuts?|wounds?|"
                         r"marks?))\b)|"
                         # (and a suicide attempt years ago told as history, the form asking about "self harm")
                         r"^(?![\s\S]*\b(?:cut|cuts|cutting|bleeding|burn\w*)\b)" + _PAST_ATTEMPT_TOLD[1:] + r"|"
                         # round 29: "I'm not having any thoughts of hurting myself" (low after a break-up, asking about
                         # talking therapies), with no means, plan or time told anywhere ("but I've got the pills ready")
                         r"^(?=[\s\S]*\b(?:not having|do not have|have not had|have not got|have no|not had|no|never had) "
                         r"(?:any )?(?:thoughts?|urges?|ideas?|plans?|intentions?) (?:of|about|to) (?:hurting|harming|hurt|harm|"
                         r"cutting|cut) (?:my ?self|himself|herself)\b)(?![\s\S]*\b(?:pills|tablets|rope|blades?|razors?|ready|"
                         r"plan(?!s? (?:of|about|to) (?:hurting|harming|hurt|harm|cutting|cut))\w*|tonight|saved|stockpil\w*|"
                         r"notes?|letters?|goodbye\w*|bridge|gun|i have (?:cut|hurt|harmed)|not sure|urges? (?:are|is)|"
                         r"(?:cut|cutting|hurt|hurting|harm|harming) (?:my ?self )?again)\b)"),
    _rule("self_harm", "plans or means for suicide",
          r"\b(?:saving up|saved up|stockpil\w*|collected|collecting|hoarding) (?:my |his |her )?(?:(?![.!?;](?: |$))[^ \n]+ ){0,2}"
          r"(?:pills?|tablets?|meds|medication)|take them all|(?:pills?|tablets?) in my hand|have the pills|"
          r"(?:rope|noose) (?:is )?ready|got the rope|(?:have|got|bought|tied|made) (?:a|the) noose|jump (?:off|from) (?:a|the|this) (?:bridge|building|roof|"
          r"cliff|balcony)|written (?:letters|a note) to (?:my )?family|suicide note",
          # round 11: "jump off a bridge" / "at the bungee place on saturday haha" (read as one sentence)
          unless=_TRIVIAL_DESPAIR + r"|\b(?:" + _JUMP_SPORT + r")\b", red_flags=_DESPAIR_RED_FLAGS),
    _rule("self_harm", "asks how much it takes not to wake up",
          r"\b(?:make sure|make (?:me|him|her)|let (?:me|him|her)|so|so that|and|to|then|would|will|just) (?:i |he |she |they )?(?:just |simply |would |will )?"
          r"(?:not|never|do not|does not|will not|would not) (?:wake up|wake(?! up)|come back)(?: again)?"
          r"(?= ?(?:$|[.,!?;]|again|ever|anymore|any more|tomorrow|in the morning|and|or|from (?:it|this)|asking))|"
          r"\bnever (?:wake up|wake|come back) again\b|\bsleep (?:forever|for ever|for good|permanently)\b|"
          r"\bgo to sleep (?:and|for) (?:never|not|good)\b|\beternal sleep\b|"
          # round 15: "how many of my sertraline would stop someone waking up? asking for me"
          r"\bstop (?:someone|somebody|a person|a grown up|an adult|me|you|people|anyone) (?:from )?waking(?: up)?(?: again)?"
          r"(?= ?(?:$|[.,!?;]|again|ever|anymore|any more|for good|asking|this is|its for|it is for))",
          near=rf"\b(?:how (?:many|much)|what (?:number|amount|dose)|enough|{_DRUGS}|swallow\w*|overdose|whole (?:box|"
               rf"bottle|pack)|want|wish|tonight|put aside|saved|stash\w*)\b",
          window=120, always=True),
    _rule("self_harm", "says tonight is the night",
          r"\b(?:tonight|today|this weekend|tomorrow) is the (?:night|day)\b|\bit (?:all )?ends (?:tonight|today|now|"
          r"this weekend)\b",
          near=r"\b(?:made up my mind|decided|goodbye\w*|sorted|ready|burden|letters?|note|pills?|tablets?|tell (?:someone|"
               r"somebody|anyone|you)|hugged|last message|will not be|free of me|deal with me|without me|wrote|written|"
               r"nobody|no one|thank you for everything|end it|no (?:point|reason)|anymore|forever)\b",
          window=120,
          # round 9: the night one finally tells someone, calls or books something is a plan to get help
          unless=r"\b(?:tonight|today|tomorrow) is the (?:night|day) (?:i|we) (?:\S+ )?(?:tell|talk|speak|ask|call|ring|phone|"
                 r"book|see|start|quit|propose|try)\b",
          red_flags=r"\b(?:goodbye\w*|will not be (?:here|around)|pills|tablets|rope|letters?|note|end (?:it|my life|"
                    r"things)|kill|die|burden|without me|forever|last (?:time|message))\b"),
    _rule("self_harm", "says goodbye for good",
          r"\b(?:said|saying|say) (?:my )?goodbyes?\b|\bthis is (?:my )?goodbye\b|"
          # (blind set 30, possible tier only: "my best friend just sent me a pic of a load of pills and said sorry, bye")
          r"\b(?:said|saying|says|texted|wrote|messaged|sent(?: me)?) (?:just )?(?:sorry ,? )?(?:bye|bye bye|goodbye|"
          r"cya|see ya)(?: (?:forever|for good|everyone|all))?\b(?! ,? ?(?:for now|until|till|see you|see ya|x+ see|talk "
          r"(?:later|soon|tomorrow)|catch you|back (?:soon|later|in)|speak (?:soon|later|tomorrow)|love you|night|gn)\b)",
          near=r"\b(?:tonight|today|tomorrow|sorted|ready|burden|letters?|note|pills?|tablets?|last (?:time|message)|"
               r"will not be|free of me|without me|forever|end|anymore|no (?:point|reason)|thank you for everything|"
               r"made up my mind|hugged|much longer)\b",
          window=120),
    # Blind set 31, got nothing (four veiled self-harm messages): "🪢 tied it already. just want someone to know 🖤";
    # buying small packs of paracetamol at three chemists "so nobody notices ... enough now to finish things properly";
    # a sister's "last post. thank you for all the memories. it was never your fault." with a photo of cliffs; "I have a
    # plan and a date, and the date is today."
    _rule("self_harm", "a plan, a means or a goodbye told without the words",
          r"\b(?:tied|tying) (?:it|the rope|a rope|the noose|a noose|the knot|the cord|the belt)\b(?: (?:already|up|now|"
          r"tonight|ready))?|🪢|\b(?:buy|buying|bought|collect\w*|sav\w*|stockpil\w*|getting) (?:\S+ ){0,6}?(?:packs?|"
          r"packets?|boxes|tablets|pills|paracetamol|ibuprofen|painkillers)\b(?: \S+){0,6}? so (?:that )?(?:nobody|no one|"
          r"noone|the (?:pharmacist|chemist) (?:does not|wont|will not)) (?:notices|would notice|will notice|asks|knows|"
          r"twigs)\b|\b(?:enough|plenty)(?: \S+){0,3}? to (?:finish|end) (?:things|it|everything|it all|myself)\b|"
          r"\b(?:it was|it is|it s|its|none of this (?:is|was)) (?:never|not) your fault\b|\blast post\b|\b(?:i have|i ve got|"
          r"i have got|got) a plan and a (?:date|time|day)\b",
          near=r"\b(?:already|ready|someone to know|goodbye|bye|sorry|memories|last|cliffs?|bridge|tonight|today|tomorrow|"
               r"note|letter|love you|fault|finish|end|properly|nobody|no one|low|tired|done|plan|date|pills|paracetamol|"
               r"tablets)\b|🖤", window=200,
          unless=r"^(?![\s\S]*(?:🪢|🖤|\bnoose\b|\bthe date is today\b|\bcannot find (?:him|her|them)\b|"
                 r"\bmissing\b))[\s\S]*(?:\ba plan and a (?:date|time|day) for (?:the|my|our|a|his|her) (?!end\b)|\b(?:knot|knots|shoelaces?|laces|hair|bow|tie|boat|dog|horse|scarf|apron|bin bag|"
                 r"hammock|tent|rope swing|swing|essay|thesis|book|novel|project|course|degree|renovation|series|season|"
                 r"box set|game|level)\b|"
                 # a last post in a group one is leaving ("goodbye everyone, this is my last post here, I've joined a
                 # different running club")
                 r"\blast post\b(?: \S+){0,3}? (?:here|in (?:this|the) (?:group|forum|thread|chat|club))\b(?=[\s\S]*\b(?:leav\w*|"
                 r"left|joined|joining|moving|switching|new (?:group|club|account)|signing off|taking a break)\b))",
          red_flags=r"\b(?:suicid\w*|kill (?:my|him|her)self|end (?:it|my life|things)|die|dying|dead|noose|rope|overdose|"
                    r"not be here|not (?:be )?around|forever)\b"),
    _rule("self_harm", "says others will soon be free of them",
          r"\b(?:will|would) be (?:free|rid) of me\b|\b(?:nobody|no one|no body|noone) (?:has|will have|would have|"
          r"needs|will need) to (?:deal with|worry about|put up with|see|look after) me (?:ever again|again|anymore|any "
          r"more|much longer|any longer|after (?:tonight|today|this))\b|\b(?:will not|wont|not) be a "
          r"burden (?:to (?:anyone|anybody|you|them|everyone|anybody) )?(?:much |any )?(?:longer|more)\b|\b(?:done|tired "
          r"of|sick of) being a burden\b"),
    _rule("self_harm", "thinks of crashing on purpose",
          r"\b(?:driv\w*|steer\w*|swerv\w*|crash\w*|plough\w*|plow\w*|ram\w*)(?: (?:my|the|our|his|her) (?:car|truck|"
          r"van|bike|motorbike))? (?:into|off|in front of|under) (?:an? |the )?(?:(?![.!?;](?: |$))[^ \n]+ ){0,2}?"
          r"(?:tree|wall|lorry|truck|bus|train|traffic|bridge|edge|cliff|barrier|river|lake|oncoming|pillar|bollard)\b|"
          r"\bcrash\w* (?:my|the|our) (?:car|truck|van|bike|motorbike) on purpose\b",
          near=r"\b(?:think\w*|thought|want\w*|urge|tempted|going to|plan\w*|keep|end\w*|so it (?:all )?stops|on purpose|"
               r"tonight|close|nobody would know|not an accident|wasnt an accident|was not an accident|stop (?:it|"
               r"everything)|die|dead)\b",
          window=100, unless=r"\bwhen i was|years ago|last year|in (?:19|20)\d\d\b"),
    _rule("self_harm", "gives belongings away, will not need them",
          r"\b(?:will not|wont|would not|not going to|no longer going to) (?:need|be needing|have any use for)\b",
          near=r"\b(?:gave|giv\w*|given|sold|selling|left|leaving|handed)\b(?: (?![.!?;](?: |$))[^ \n]+){0,6}? "
               r"(?:away|to (?:my|his|her|friends|a friend|the))\b",
          window=120, unless=r"\b(?:baby|babies|kids|children|toddler) (?:clothes|stuff|things|toys|gear)|outgrown|grown out|"
                             r"moving|moved|move (?:abroad|house|to)|declutter\w*|downsiz\w*|retir\w*|new one|"
                             r"upgrad\w*|emigrat\w*|healed|recovered|better now|cot|crib|pram|buggy|stroller|"
                             r"high chair|car seat|maternity|(?:need|needing) (?:it|them) (?:in|there|at)\b|\bas (?:our|my|"
                             r"he|she) (?:son|daughter|kids?|is|are)\b", unless_scope="text"),
    _rule("self_harm", "on a height, about to jump",
          r"\b(?:nearly|almost|about to|going to|want(?:s|ed)? to|wanting to|ready to|tempted to|thinking (?:of|about)|"
          r"urge to|saying (?:she|he) (?:wants|will|is going) to|threaten\w* to) (?:jump\w*|throw\w* (?:my|him|her|them)"
          r"sel\w+|step\w* off|let go|go over|went over)\b|\b(?:standing|sitting|stood|sat|climbed|am|is) on (?:the |a "
          r")?(?:edge|ledge|railing|parapet)\b",
          near=r"\b(?:bridge|roof|rooftop|ledge|edge|balcony|building|car park|multi storey|cliff|window|train|tracks|"
               r"platform|tower|top floor|height|railing|parapet|jump\w*|let go|went over)\b",
          window=100, unless=r"\bjump\w* (?:on|onto) (?:the|a) (?:wrong )?(?:train|bus|tram)|queue|for joy|out of my skin|"
                             r"bungee|parachut\w*|sky ?div\w*|trampoline|pool|diving|ski\w*|puddle|rope|hurdle|"
                             r"conclusions|ship|gun\b|\b(?:" + _JUMP_SPORT + r")\b|" + _TRIVIAL_DESPAIR,
          red_flags=_DESPAIR_RED_FLAGS),
    _rule("self_harm", "wants to end everything",
          r"\b(?:want(?:s|ed)? to|going to|ready to|will|plan to) (?:end|stop) (?:it all|everything|living|existing|"
          r"being alive|my existence)\b(?! with| between)|\bend everything\b(?! with| between)",
          unless=_CONTRACT_ENDED, red_flags=_DESPAIR_RED_FLAGS),  # round 32
    _rule("self_harm", "asks for a lethal dose or a way to die",
          r"\b(?:lethal|fatal|deadly) (?:dose|amount|overdose|quantity)\b|\bhow (?:much|many) .{0,50}(?:to|would|will) "
          r"(?:die|kill|be lethal|be fatal)\b|\b(?:painless|quickest|easiest|surest) way (?:to die|to kill|to end|of "
          r"dying)\b|\bpainless way\b|"
          # the lead's mend after blind set 28: "how much insulin wud make my heart stop. askin for real, im on my own"
          r"\bhow (?:much|many) .{0,50}(?:to|would|will|does it take to|it takes to) (?:make|get) (?:my|your|his|her|a|the|"
          r"their) (?:heart|breathing) (?:to )?stop\b|\bhow (?:much|many) .{0,50}(?:to|would|will) stop (?:my|your|his|her|"
          r"a|the|their) (?:heart|breathing)\b", always=True,
          # round 34: asked for a pharmacology, toxicology or nursing course ("what's the lethal dose of caffeine" / "I'm a
          # pharmacology student, toxicology week, the number for my notes"), with nothing in the turn of despair, a
          # plan, tablets or packets at hand, "me" or "myself" as the one to die, or tonight (the guard is its own)
          unless_guarded=r"^(?=[\s\S]*\b(?:(?:pharmacology|pharmacy|toxicology|tox|nursing|medical|medicine|vet|veterinary|"
                         r"paramedic|forensic|chemistry|biochemistry|biology|pharmacist|midwifery) (?:\S+ )?(?:students?|"
                         r"course|module|degree|lectures?|lecturer|seminar|week|exam|exams|class|coursework|notes|revision|"
                         r"assignment|essay|tutorial)|(?:lecture|seminar|tutorial|module|coursework|revision) (?:on|about) "
                         r"(?:\S+ )?(?:toxicology|poisons?|overdoses?|pharmacology))\b)(?![\s\S]*(?:" + _DESPAIR_RED_FLAGS +
                         r"|\b(?:packets?|packs?|boxes|bottles?|box of|saved|saving|stockpil\w*|hoard\w*|stash\w*|counted out|"
                         r"collected|(?:have|got|has) (?:\S+ ){0,3}?(?:here|at home|in front of me|"
                         r"with me)|kill (?:me|myself|my ?self)|for me to die|me to die|(?:i|me) (?:want|wanna|going) to die|"
                         r"end (?:it|my life|things)|myself|my ?self|nobody|no one|cannot do this|can not do this|goodbye|"
                         r"suicid\w*|want to die|wanna die|tonight)\b))"),
    # -------------------------------------------------------------------- overdose_poisoning
    _rule("overdose_poisoning", "took many pills",
          rf"{_INGEST} (?:like |about |around |maybe |over |almost |nearly |at least |some |the )?(?:\d+(?!\.)|"
          rf"twenty|thirty|forty|fifty|a (?:(?:whole|full|entire) )?(?:bottle|pack|packet|box|strip|blister|tub)|all (?:of )?"
          rf"(?:my|his|her|the|their)|a (?:bunch|lot|handful|load|heap|fistful) of|too (?:many|much)|many|loads of|"
          rf"lots of)(?: (?![.!?;](?: |$))[^ \n]+){{0,4}} {_DRUGS}\b",
          unless=r"^(?!.*\b(?:child|children|toddler|son|daughter|kids?|baby|grandson|granddaughter|boy|girl|year old|"
                 r"yr old|months? old)\b).*\b(?:2|two) of (?:my|her|his) (?:own )?(?:iron|ferrous \w+)(?: \S+)? (?:tablets?|"
                 r"pills?)\b(?: \S+){0,6}? instead of (?:the |my )?(?:1|one)\b|"
                 r"\b(?:(?:1|2|one|two|3|three|4|four|5|five) (?:of (?:his|her|my|their|the|our) )?(?:extra strength |regular |"
                 r"(?![.!?;](?: |$))[^ \n]+ )?(?:pills?|tablets?|tylenols?|"
                 r"paracetamol|advils?|ibuprofen|aspirin|capsules?|caps|tabs|gumm(?:y|ies)|vitamins?)|how many|is it (?:ok|safe)|can i|"
                 r"should i|how much|what if|took my|had my|taken my|with my|"
                 # lead's mend after round 24 ("a bottle of pills" without "whole"): a pack carried somewhere
                 r"(?:took|taken) (?:a|the) (?:bottle|pack|packet|box|strip|blister|tub) of (?:\S+ ){1,2}(?:back|to (?:my|his|"
                 r"her|their|the|school|work)|round|over|into|with (?:me|him|her|them)))\b(?! .{0,40}(?:all|whole|too many))",
          # round 28: "took 2 warfarin by mistake" / "his normal dose is 3mg so he had 6mg ... feels fine ... the clinic?"
          unless_guarded=_ANTICOAGULANT_DOUBLE_SETTLED + r"|" + _STAGGERED_SMALL_DOSES + r"|" + _WHAT_A_RELATIVE_DID),
    # Round 14: a number taken, with the medicine named elsewhere in the message ("how many paracetamol is too many?
    # actually it's me, I took 24 an hour ago"; "hypothetically, ibuprofen... I've taken 30 tonight").
    _rule("overdose_poisoning", "took a large number of a named medicine",
          # blind set 34: "how many paracetamol is too many in a day? I've had 16 since this morning"
          r"\b(?:i|he|she|they) (?:have |has |had )?had (?:about |around |like |over )?(?:1[2-9]|[2-9]\d|twenty|thirty)(?= "
          r"(?:since|today|this morning|tonight|in (?:the last|24)|plus|and|of (?:them|the|my|those)|paracetamol|tablets|"
          r"pills|co ?codamol|ibuprofen|already)\b)|"
          r"(?:\b(?:i|he|she|they) (?:have |has |had |just |already )?|(?:^|[,;] |\band (?:then )?))(?:took|taken|swallowed) "
          # (the lead's review of round 35: "overdid it on the paracetamol , took 20 today")
          r"(?:about |around |like |over )?"
          r"(?:[1-9]\d|twenty|thirty|forty|fifty)\b(?! (?:mg|mcg|g|ml|units?|minutes?|mins?|hours?|hrs?|days?|weeks?|"
          r"months?|years?|steps|photos|pictures|seconds?|percent|kg|lbs?|times?)\b)",
          near=r"\b(?:paracetamol|acetaminophen|tylenol|panadol|ibuprofen|advil|nurofen|aspirin|co ?codamol|codeine|"
               r"tramadol|sertraline|citalopram|fluoxetine|amitriptyline|diazepam|zopiclone|pills|tablets)\b", window=200),
    # Round 27: a first dose, then "another 24" or "a further 20" (a number of ten or more) of a named medicine
    _rule("overdose_poisoning", "took a large number more of a named medicine",
          r"\b(?:took|taken|swallowed|had)\b(?: \S+){0,8}? (?:another|a further|an extra|then) (?:[1-9]\d|twenty|thirty|forty|"
          r"fifty)\b(?! (?:mg|mcg|g|ml|units?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|seconds?|percent|kg|"
          r"lbs?|times?|later|after)\b)",
          near=r"\b(?:paracetamol|acetaminophen|tylenol|panadol|ibuprofen|advil|nurofen|aspirin|co ?codamol|codeine|"
               r"tramadol|sertraline|citalopram|fluoxetine|amitriptyline|diazepam|zopiclone|pills|tablets)\b", window=120),
    # Round 27 (the lead's review): someone took a whole supply, the number told after the verb ("he ate the last of my
    # pills, I think he took them all, 30 tablets"); always, but not spread over days or a course, nor a what-if
    _rule("overdose_poisoning", "took them all, with a number of tablets", _TOOK_THEM_ALL_NUMBER, always=True,
          unless=_TOOK_THEM_ALL_OVER_TIME, unless_scope="text"),
    # The lead's review of round 29 (left open since round 27): someone took them all, the lot or the rest of a named
    # supply of pills with no number told ("she took them all, all of her sleeping pills", "he ate the last of my pills,
    # i think he took them all"): an unknown amount, so poison control now. A small number (nine or fewer), a course
    # taken over days as prescribed, what-ifs and years ago set it aside, as for the rule above.
    _rule("overdose_poisoning", "took them all, a supply of pills with no number",
          _TOOK_THEM_ALL, near=r"\b" + _DRUGS + r"\b", window=120,
          unless=_TOOK_THEM_ALL_OVER_TIME + r"|\b(?:vitamins?|gumm(?:y|ies)|sweets|antibiotics)\b|\b(?:[1-9]|one|two|"
                 r"three|four|five|six|seven|eight|nine) (?:\S+ )?(?:pills?|tablets?|tabs|capsules?|caps|left)\b",
          unless_scope="text"),
    _rule("overdose_poisoning", "high-risk medicine taken twice or by mistake",
          rf"\b(?:took|taken|injected|gave|given|had)\b .{{0,50}}{_HIGH_RISK_DRUGS}\b .{{0,40}}\b(?:twice|double|two doses|"
          rf"2 doses|by mistake|accidentally|instead of|at once|too much|too many|whole week)\b|"
          rf"\b(?:accidentally|by mistake|mistakenly) (?:(?![.!?;](?: |$))[^ \n]+ ){{0,4}}(?:took|taken|injected|gave)\b .{{0,50}}"
          rf"{_HIGH_RISK_DRUGS}|\binjected \d+ units\b .{{0,30}}instead of",
          # round 14: an ordinary blood pressure tablet taken twice by an adult who feels fine; a child, another
          # high-risk medicine, more than one extra dose or any symptom keeps it an emergency
          # round 36: a low-dose aspirin (75 or 81 mg) taken twice by an adult, nothing else named
          unless=r"^(?=.*\baspirin\b)(?=.*\b(?:75|81) ?mg\b|.*\b(?:low dose|baby) aspirin\b)(?!.*\b(?:insulin|digoxin|"
                 r"lithium|warfarin|apixaban|rivaroxaban|clopidogrel|ticagrelor|methotrexate|opioids?|beta blockers?|"
                 r"bisoprolol|propranolol|atenolol|metoprolol|verapamil|diltiazem|flecainide|whole|all of|handful|too many|"
                 r"three times|four times|child|toddler|son|daughter|kid|grandson|granddaughter|bleed\w*|blood|black)\b)|"
                 r"^(?=.*\b(?:ramipril|lisinopril|perindopril|enalapril|amlodipine|losartan|candesartan|valsartan|"
                 r"irbesartan|olmesartan|indapamide|(?:blood pressure|bp) (?:tablets?|pills?))\b)(?=.*\b(?:twice|double|"
                 r"two doses|2 doses|an extra)\b)(?=.*\b(?:i|he|she) (?:feel|feels|am|is|seem|seems)(?: \S+){0,2} (?:fine|"
                 r"normal|ok|okay|well)\b)(?!.*\b(?:insulin|digoxin|lithium|warfarin|methotrexate|opioids?|morphine|"
                 r"oxycodone|fentanyl|beta blockers?|bisoprolol|propranolol|atenolol|metoprolol|verapamil|diltiazem|"
                 r"flecainide|whole|all of|week|handful|too many|three times|four times|child|toddler|son|daughter|kid|baby|"
                 r"grandson|granddaughter)\b)|"
                 # round 25: an adult's own iron tablet, two instead of one ("I'm 40 and took two of my iron pills by
                 # mistake instead of the one"); iron in a child is an emergency
                 r"^(?=.*\b(?:iron|ferrous \w+)\b)(?=.*\b(?:2|two) (?:of (?:my|her|his) )?(?:own )?(?:\S+ ){0,2}(?:tablets?|"
                 r"pills?)\b(?: \S+){0,6}? instead of (?:the |my )?(?:1|one)\b)(?!.*\b(?:child|children|toddler|son|"
                 r"daughter|kids?|baby|babies|grandson|granddaughter|boy|girl|nephew|niece|year old|yr old|months? old|"
                 r"whole|all of|handful|too many|pregnan\w*)\b)", unless_scope="text",
          red_flags=r"\b(?:dizz\w*|faint\w*|light ?headed|collaps\w*|vomit\w*|confus\w*|drowsy|blurr\w*|chest pain|"
                    r"slow (?:pulse|heart)|pulse (?:is |of )?[2-4]\d|low (?:blood pressure|bp)|swell\w*|unwell|sick)\b",
          unless_guarded=_ANTICOAGULANT_DOUBLE_SETTLED + "|" + _DOSE_TAKEN_BACK),  # round 28; round 30
    _rule("overdose_poisoning", "swallowed a poison",
          rf"{_INGEST}(?: (?![.!?;](?: |$))[^ \n]+){{0,6}} {_POISONS}|{_POISONS}(?: (?![.!?;](?: |$))[^ \n]+){{0,4}} (?:{_INGEST}|in (?:his|her|my|their) mouth)|"
          rf"\bpoison\w* (?:due to|from|by|with) (?:(?![.!?;](?: |$))[^ \n]+ ){{0,3}}{_POISONS}|\bpoison(?:ed|ing)\b (?:(?![.!?;](?: |$))[^ \n]+ ){{0,3}}"
          rf"(?:ethylene|methanol|antifreeze|mushroom|bleach|pesticide)",
          unless=r"\b(?:which|what) (?:household )?chemicals|how (?:can|do) i (?:childproof|store|keep)|"
                 r"poisonous to (?:children|kids|dogs|cats)|pick your poison|poison control number for|"
                 r"(?:she|he) is poison\b|" + _PET_ATE + "|" + _SOAP_SIP_FINE + "|"
                 # round 17: poison control already said it was fine (any vomiting, burning, drowsiness wins)
                 r"\bpoison (?:control|centre|center|line|helpline)\b(?: \S+){0,8} (?:said|says|told (?:us|me))(?: \S+){0,3} "
                 r"(?:fine|ok|okay|harmless|nothing to worry|no treatment|not to worry)\b|" + _CHILDHOOD_SWALLOW,  # round 31
          unless_scope="text",
          red_flags=r"\b(?:vomit\w*|being sick|throwing up|burning|foaming|drowsy|choking|throat (?:hurts|is sore|burns)|"
                    # round 30: told with poison control's word
                    r"drool\w*|dribbl\w*|sleepy|wheez\w*|cough\w*|(?:trouble|struggling|difficulty|hard) (?:breathing|to "
                    r"breathe)|(?:a ?& ?e|a and e|er|hospital|emergency) now|go to (?:a ?& ?e|a and e|the er|hospital|"
                    r"the hospital|emergency))\b"),
    _rule("overdose_poisoning", "a child got into a poison",
          _POISONS,
          near=r"\b(?:got into|into the (?:cupboard|cabinet|shed|garage)|playing with|found (?:(?![.!?;](?: |$))[^ \n]+ ){1,3}"
               r"with|(?:cap|lid|top) (?:was |is )?off|open(?:ed)?|missing|gone|empty|sucking|chewing|chewed|licking|"
               r"licked|mouthing|in (?:his|her|their) (?:mouth|hand)|on (?:(?![.!?;](?: |$))[^ \n]+ ){0,4}(?:lips|chin|tongue|"
               r"mouth|face)|lips are wet|tasted|crumbs)\b",
          window=120, kind="symptom",
          unless=r"\b(?:which|what) (?:household )?(?:chemicals|plants)|how (?:can|do|should) i (?:childproof|store|keep|"
                 r"lock)|childproof\w*|out of reach|poisonous to (?:children|kids|dogs|cats)|did not (?:touch|drink|eat|"
                 r"swallow|taste|lick|get)|(?:has|have) not (?:touched|drunk|eaten|swallowed)\b|" + _PET_ATE + "|"
                 + _SOAP_SIP_FINE,  # round 26: washing-up liquid licked and spat out
          unless_guarded=_POISON_CONTROL_FINE),  # round 30
    _rule("overdose_poisoning", "a child got into someone's medicines",
          rf"\b(?:toddler|baby|child|kid|kids|children|son|daughter|grandson|granddaughter|little (?:boy|girl|one)|"
          rf"\d+ (?:year|yr) old|\d+ ?yo|(?:one|two|three|four|five) year old)\b(?: (?![.!?;](?: |$))[^ \n]+){{0,12}} "
          rf"(?:{_DRUGS}|pill (?:organi[sz]er|box)|(?:handbag|purse|medicine (?:cabinet|cupboard|box)))\b",
          near=r"\b(?:got into|playing with|found|open(?:ed)?|missing|gone|empty|ate|eaten|swallowed|chewed|sucking|"
               r"in (?:his|her|their) mouth|how many|some of)\b",
          window=80, kind="symptom",
          unless=r"\bhow (?:much|many|often)\b(?: (?![.!?;](?: |$))[^ \n]+){0,4} (?:can|should|do) i (?:give|use)|"
                 r"\b(?:dose|dosage|prescribed|chewable|to give|can i give|should i give|did not (?:take|swallow|eat)|"
                 r"refus\w*|spat|spit|all (?:counted|accounted for)|none (?:are )?missing|nothing missing)\b",
          unless_guarded=_VITAMIN_C_FEW + "|" + _POISON_CONTROL_FINE),  # round 29: "panic over, only the vitamin C gummies, he ate 3"; round 30
    _rule("overdose_poisoning", "overdosed",
          r"\b(?:overdosed|overdosing|overdose|od|taken an overdose|took an overdose)\b",
          # round 26: "I think I overdosed... on melatonin gummies, two instead of one" (an adult's harmless double dose
          # of melatonin or vitamin gummies; a child, a whole pack or more doses keeps it)
          unless_text=r"^(?=.*\b(?:melatonin|vitamins?|vitamin \w+|gumm(?:y|ies))\b)(?=.*\b(?:2|two) (?:\S+ ){0,6}?instead of "
                      r"(?:\S+ ){0,2}?(?:1|one)\b)(?!.*\b(?:child|children|toddler|son|daughter|kids?|baby|boy|girl|year old|"
                      r"whole|all of|bottle|packet|pack|tub|handful|too many|[3-9]|[1-9]\d|three|four|five|six|ten)\b)|"
                      # round 32: "help I've taken a double dose" / "of my vitamin D, the 1000 unit one, twice this morning"
                      # (a common supplement taken twice by an adult; a child, a pack, weeks of it or a symptom keeps it)
                      r"^(?=[\s\S]*\b(?:vitamin d3?|vit d|d3|multi ?vitamins?|vitamin c|vitamin b12|b12|fish oil|cod liver oil|"
                      r"probiotics?|melatonin)\b)(?=[\s\S]*\b(?:twice|double(?:d| dose)?|two (?:doses|of them|this morning|today|"
                      r"by mistake)|one extra|an extra (?:one|dose|tablet|capsule))\b)(?![\s\S]*\b(?:child|children|toddler|son|"
                      r"daughter|kids?|baby|boy|girl|year old|whole|all of|bottle|packet|pack|tub|handful|too many|every day|weeks|"
                      r"months|drowsy|vomit\w*|confus\w*|sick|\d{5,}|\d+ 000|three|four|five|six|ten|(?:ate|took|taken|swallowed|"
                      r"had) (?:about |around |like )?(?:[3-9]|[1-9]\d))\b)|"
                      # round 32: "I think I overdosed on my iron tablets" / "one extra, two today instead of one, ferrous
                      # sulfate 200mg, I'm an adult, fine, a bit queasy" (a child, several extra, vomiting, black stools,
                      # drowsiness or pregnancy keeps it)
                      r"^(?=[\s\S]*\b(?:iron|ferrous \w+)\b)(?=[\s\S]*\b(?:one extra|an extra (?:one|tablet|dose)|(?:two|2) "
                      r"(?:\S+ ){0,4}?instead of (?:\S+ ){0,2}?(?:one|1)|twice|double)\b)(?=[\s\S]*\b(?:an adult|i am (?:1[89]|"
                      r"[2-9]\d)|grown up)\b)(?![\s\S]*\b(?:child|children|toddler|son|daughter|kids?|baby|boy|girl|year old|"
                      r"pregnan\w*|whole|all of|bottle|packet|pack|handful|too many|vomit\w*|being sick|been sick|threw up|"
                      r"throwing up|diarrh\w*|blood|black|drowsy|sleepy|confus\w*|faint\w*|three|four|five|six|ten|(?:ate|took|"
                      r"taken|swallowed|had) (?:about |around |like )?(?:[3-9]|[1-9]\d))\b)",
          near=r"\b(?:i|he|she|they|my|friend|brother|sister|son|daughter|someone|roommate|mate|just|now|think|"
               r"might|may have|has|have|is|am)\b",
          window=30, unless=r"\b(?:signs of|symptoms of|what (?:is|are|happens)|why (?:is|are|do)|how (?:does|do|to)|"
                            r"last year|years ago|in recovery|recovering|school project|common drugs|naloxone work|prevent)\b|"
                            # (the lead's review of round 31: the readings of a show, a treat or a hobby below never hold when
                            # a medicine is what was overdosed on: "I OD'd on my sleeping pills after watching 8 episodes",
                            # "overdosed on tylenol while watching tv")
                            r"^(?![\s\S]*\b(?:overdos\w*|od) (?:on|of) (?:\S+ ){0,3}?" + _DRUGS + r"\b)[\s\S]*?(?:"
                            r"\b(?:netflix|tv|youtube|tiktok|sugar|chocolate|"
                            # round 11: "od'd on telly over christmas"
                            r"telly|television|box ?sets?|films|movies|mince pies|sweets|cake|christmas (?:telly|tv|films))\b|"
                            # round 24: "OD'd on anime", "an overdose of carols", "overdosed on festival line-ups"
                            r"\b(?:overdos\w*|od) (?:on|of) (?:\S+ ){0,3}?(?:anime|carols?|christmas songs|festival\w*|line ?ups?|"
                            r"lineups|episodes|box ?sets?|music|songs|podcasts|k ?dramas?|dramas|football|cricket|rugby|darts|"
                            r"snooker|reality tv|rom ?coms|memes|tiktoks?|reels|puns|nostalgia|"
                            # round 33: "the overdose of tinsel at my sister's house" (decorations)
                            r"tinsel|glitter|fairy lights|christmas lights|decorations|baubles|sparkle|sequins|fake snow|"
                            r"christmas cheer|festive cheer|cheese|cheesiness|pink|beige|cushions|ornaments)\b|"
                            # round 31: "OD'd on Succession this weekend, 8 episodes straight" (a series watched)
                            r"\b(?:overdos\w*|od) on (?:\S+ ){0,6}?(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|"
                            r"twelve|all the|the whole|a whole) (?:episodes|seasons?|series)|episodes (?:straight|in a row|back to "
                            r"back|in one go|in one sitting))\b)|"
                            # round 28: "i think i od'd on coffe today lol" (the drink; caffeine pills keep it)
                            r"\b(?:overdos\w*|od) (?:, )?(?:on|of) (?:\S+ ){0,2}?(?:coffee|coffe|cofee|coffees|tea|espresso\w*|"
                            r"lattes?|cappuccinos?|flat whites?|americanos?|"
                            # round 33: "pretty sure I've overdosed" / "on caffeine from coffee, five big mugs on a night
                            # shift"; "overdosed , on coffee lol" (a turn joined by its laugh)
                            r"caffeine (?:from|in|of) (?:\S+ ){0,2}?(?:coffee|coffees|tea|espresso\w*|lattes?|mugs?|cups?))\b"
                            r"(?! (?:pills?|tablets?|capsules?))|"
                            # round 35: "on nights when I've overdone the coffee" (normalized "overdose the coffee")
                            r"\boverdose (?:the|my) (?:\S+ )?(?:coffee|coffees|caffeine|espresso\w*|lattes?|tea|energy drinks?|"
                            r"red bulls?|monsters?)\b(?! (?:pills?|tablets?|capsules?))|"
                            # round 25: asked after one extra dose of an ordinary medicine ("took my atorvastatin twice last
                            # night by accident, have I overdosed?"; two 5 ml doses of Calpol an hour apart, "he's fine and
                            # playing, has he had an overdose?"); a high-risk medicine, more doses or a symptom keeps it
                            r"^(?=.*\b(?:(?:have|has|did) (?:i|he|she|they) (?:had |taken |just )?(?:an? )?(?:overdose|overdosed|od)|"
                            r"(?:is|was) (?:that|this|it) (?:an? )?overdose|count as (?:an? )?overdose)\b)(?=.*\b(?:twice|"
                            r"double(?:d| dosed| dose)?|two doses|2 doses|an extra (?:one|dose|tablet|pill)|another (?:\d ?ml|dose|"
                            r"one|tablet|pill)|instead of (?:one|1))\b)(?=.*\b(?:statins?|atorvastatin|simvastatin|rosuvastatin|"
                            r"pravastatin|vitamins?|omeprazole|lansoprazole|cetirizine|loratadine|antihistamines?|pill|"
                            r"contraceptive|fine|ok|okay|well|normal|playing|happy)\b)(?!.*\b(?:insulin|digoxin|lithium|warfarin|"
                            r"methotrexate|opioids?|morphine|oxycodone|fentanyl|codeine|tramadol|iron|ferrous|amitriptyline|"
                            r"beta blockers?|bisoprolol|propranolol|whole|all of|handful|too many|three times|four times|"
                            r"drowsy|sleepy|vomit\w*|confus\w*|dizz\w*|faint\w*|unwell|floppy|sick|[2-9]\d|\d{3})\b)",
          # round 25: what the question's sentence does not hold ("have I overdosed? took 30 of them actually")
          red_flags=r"\b(?:drowsy|confus\w*|unconscious|unresponsive|not breathing|floppy|(?:cannot|can not|will not) wake|"
                    # round 33: chest pain, a faint or a collapse, caffeine tablets or a powder win over the drink's reading
                    r"chest (?:pain|hurts|pains|tight\w*)|faint\w*|passed out|collaps\w*|(?:caffeine|pre ?workout) (?:pills?|"
                    r"tablets?|capsules?|powder)|powder|scoops?|"
                    r"vomit\w*|fitting|seizure|(?:took|taken|swallowed|had) (?:about |like |over |around )?(?:[1-9]\d|\d{3})"
                    r"(?! (?:mg|mcg|g|ml|minutes?|mins?|hours?|days?|weeks?|months?|years?|episodes)\b))\b",
          unless_guarded=_STAGGERED_SMALL_DOSES),  # round 29: "think I overdosed on paracetamol" / "2 at lunch and 2 at 3"
    # Round 33: several times the dose of a heart or blood pressure medicine, then a faint or a very low pressure ("took 4
    # times the dose of amlodipine, I fainted and my bp is 75/40")
    _rule("overdose_poisoning", "too much of a heart or blood pressure medicine, then fainting or a very low pressure",
          r"\b(?:(?:double|doubled|triple|tripled|twice|two|three|four|five|2|3|4|5) (?:times )?(?:the |my |his |her )?"
          r"(?:normal |usual |prescribed )?dose|(?:took|taken|had) (?:my |his |her )?(?:\S+ ){0,2}?(?:twice|three times|four "
          r"times))\b",
          near=r"\b(?:amlodipine|ramipril|lisinopril|losartan|candesartan|bisoprolol|atenolol|propranolol|metoprolol|"
               r"carvedilol|diltiazem|verapamil|flecainide|digoxin|doxazosin|nifedipine|blood pressure (?:tablets?|pills?|"
               r"meds|medicine)|bp (?:tablets?|pills?|meds)|heart (?:tablets?|pills?|meds|medicine))\b[\s\S]{0,120}\b(?<!no )(?<!not )"
               r"(?<!without )(?<!nor )(?<!or )(?:faint\w*|passed out|pass out|collaps\w*|(?:bp|blood pressure)(?: is| of| reading| reads| says)? (?:[4-8]\d ?/ ?[2-5]\d)\b)",
          window=160),
    _rule("overdose_poisoning", "opioid with slow or no breathing",
          r"\b(?:heroin|fentanyl|opioid\w*|opiate\w*|oxy\w*|morphine|methadone|percocet|pills|xanax|benzos?)\b",
          near=r"\bblue\b|barely breathing|not breathing|breathing (?:is |has gone |gone |got )?(?:really |very |so )?slow|"
               r"slow breathing|will not wake|"
               r"cannot wake|hard to wake|unresponsive|pinpoint|barely keep (?:my|his|her) eyes open|cannot keep "
               r"(?:my|his|her) eyes open|really sleepy",
          window=100, kind="symptom"),
    _rule("overdose_poisoning", "drugs with alcohol and drowsy",
          r"\b(?:pills|xanax|benzos?|sleeping (?:pills|tablets)|valium|diazepam)\b .{0,40}\b(?:vodka|alcohol|"
          r"drinking|drank|wine|beer|whiskey|booze)\b|\b(?:drank|drunk) (?:a |an )?(?:whole|entire) bottle\b",
          near=r"\b(?:sleepy|drowsy|barely|cannot keep|hard to wake|unresponsive|passed out|vomit\w*)\b", window=120),
    _rule("overdose_poisoning", "carbon monoxide",
          r"\b(?:carbon monoxide|co alarm|co detector|gas leak|fumes)\b",
          near=r"\b(?:headache\w*|sick|dizz\w*|drowsy|going off|sleepy|nause\w*|vomit\w*|confus\w*|collaps\w*|"
               # the lead's review of round 35: "breathed in the fumes from the bleach and passed out"
               r"passed out|blacked out|fainted|unconscious)\b",
          window=120, unless=r"\blast (?:winter|year|month)|long term effects|traffic|exhaust|perfume|every day\b|"
                             # round 11: paint, varnish or glue fumes beside decorating (a nursery at 35 weeks)
                             r"\b(?:paint|painting|varnish|glue|gloss|primer) fumes\b",
          red_flags=r"\b(?:carbon monoxide|co alarm|co detector|boiler|gas leak|collaps\w*|unconscious|confus\w*|"
                    r"(?:cannot|can not|hard to) wake)\b"),
    # Blind set 30, got nothing: bleach mixed with vinegar, an acid or ammonia (chlorine or chloramine gas) in a small
    # room, then a burning throat, coughing and "getting harder to fill my lungs": toxic fumes, poison control or 911.
    _rule("overdose_poisoning", "breathed fumes of bleach mixed with an acid or ammonia",
          r"\b(?:bleach|chlorine|domestos|clorox|thick bleach)\b(?: \S+){0,3} (?:and|with|plus|together with|mixed with|"
          r"into|in with) (?:\S+ ){0,2}?(?:vinegar|ammonia|acid\w*|descaler|toilet cleaner|limescale remover|lime ?scale "
          r"cleaner|harpic|rust remover|drain cleaner|other cleaners?|another cleaner)\b|\b(?:vinegar|ammonia|toilet "
          r"cleaner|descaler|limescale remover|harpic|drain cleaner)\b(?: \S+){0,3} (?:and|with|plus|mixed with|into|in "
          r"with) (?:\S+ ){0,2}?(?:bleach|chlorine|domestos|clorox)\b",
          near=r"\b(?:cough\w*|chok\w*|wheez\w*|breath\w*|lungs?|chest|throat|eyes? (?:are )?(?:stream\w*|burn\w*|water\w*|"
               r"sting\w*)|burning|dizz\w*|faint\w*|sick|vomit\w*|fumes|gas|smell made)\b",
          window=220, kind="symptom",
          unless=r"\b(?:is it safe|can (?:i|you)|should (?:i|you)|never mix|do not mix|what happens if|why (?:can you not|"
                 r"should you not|not)|is it dangerous)\b(?![\s\S]*\b(?:i (?:did|have|had|just) (?:try|tried|mixed|used)|"
                 r"since then|now|this morning|tonight|today|an hour ago|minutes ago)\b)",
          sign=True),  # a breathing or throat rule that fires too names the category (the advice for the airway first)
    _rule("overdose_poisoning", "ate wild mushrooms and now sick",
          r"\b(?:wild|garden|foraged|picked|poisonous|forest) mushrooms?\b|\bmushrooms? (?:from|in) the (?:garden|woods|"
          r"forest|yard|park)\b", near=r"\b(?:cramp\w*|vomit\w*|diarrh\w*|sick|hallucinat\w*|stomach|pain)\b", window=120),
    # Round 28: pellets or granules put down by pest control, an exterminator or a parent (for slugs, snails, rats or
    # mice) and eaten or chewed, told with no word "poison" ("my toddler just ate some blue pellets the pest control man
    # put down behind the sofa"): rodenticide or slug bait. A pet eating them is the vet's (the rule above says so).
    _rule("overdose_poisoning", "ate pellets or granules put down for pests",
          r"\b(?:ate|eaten|eat|eats|eating|chew\w*|swallow\w*|suck\w*|lick\w*|munch\w*|in (?:his|her|their) mouth)\b"
          r"(?: [^ \n]+){0,8}? (?:pellets?|granules?)\b|\b(?:pellets?|granules?)\b[\s\S]{0,120}?\b(?:ate|eaten|eating|"
          r"chewing|chewed|swallowed|sucking|in (?:his|her|their) mouth)\b",
          near=r"\b(?:pest (?:control|man|guy|company|controller)|exterminator|rentokil|for (?:the )?(?:rats?|mice|mouse|"
               r"slugs?|snails?|rodents?|pests?|vermin|moles?|squirrels?)|slugs?|snails?|rats?|mice|rodents?|vermin)\b",
          window=160,
          unless=r"\b(?:dog|dogs|puppy|cat|cats|kitten|pet|vet|hamster|guinea pig|rabbit|chickens?|hens?|hedgehog|bird|"
                 r"horse|fish|air rifle|air gun|bb gun|wood pellets?|pellet (?:stove|grill|smoker|gun))\b"),
    # The lead's review of round 28: something swallowed, named after ("he drank something from under the sink, it was
    # the bleach"; "swallowed something, i think it was a button battery"), also in the next turn (_CONTINUATION).
    _rule("overdose_poisoning", "swallowed something, then named as a poison",
          rf"{_INGEST} something\b",
          near=r"\b(?:it was|it is|its|it s|they were|they are|i think it was|looks like|might (?:be|have been)|could "
               r"(?:be|have been)|probably|maybe) (?:\S+ ){0,3}?" + _POISONS, window=160,
          unless=_PET_ATE + "|" + _SOAP_SIP_FINE),
    _rule("overdose_poisoning", "may have swallowed a poison named earlier",
          _POISONS, near=r"\b(?:might have|may have|could have|think (?:he|she|they|my \w+) (?:drank|ate|swallowed)|"
                         r"(?:drank|drunk|swallowed|ate) (?:it|some)|tasted)\b", window=160, kind="symptom",
          unless=r"\bwhich (?:household )?chemicals|how (?:can|do) i (?:childproof|store|keep)\b|" + _PET_ATE,
          unless_text=_CHILDHOOD_SWALLOW),  # round 31
    _rule("overdose_poisoning", "swallowed a battery or magnets",
          r"\b(?:swallowed|ate|eaten) (?:(?![.!?;](?: |$))[^ \n]+ ){0,5}(?:batter(?:y|ies)|magnets|magnetic (?:balls|beads|"
          r"pieces|marbles)|magnet (?:balls|beads|pieces|marbles))\b"),
    # ----------------------------------------------------------------------- bleeding_trauma
    _rule("bleeding_trauma", "bleeding that will not stop",
          r"\b\w*(?:bleed\w*|blood)\b(?: (?![.!?;](?: |$))[^ \n]+){0,6} (?:will not stop|not stopping|is not stopping|cannot (?:stop|make it "
          r"stop)|can not stop|does not stop|pouring|gushing|spurting|squirting|everywhere|soaked|soaking|like a "
          r"fountain|a lot|heavily|so much|too much|lots|really bad|very bad|so bad|badly|realy bad|for over an hour|"
          r"for (?:\d+|forty|thirty) minutes|not stop)\b|\b(?:heavy|heavily|severe|severely|uncontrolled|massive|"
          r"profuse\w*|major) bleed\w*|\b(?:pouring|gushing|spurting) (?:out )?blood\b|soaked through \d+ towels|"
          r"\bpouring blood\b|\b(?:will not|does not|cannot|can not|would not|is not going to|not) stop bleeding\b|"
          r"\b(?:lots|a lot|loads|so much|tons|buckets|pools?) of blood\b|\bbleeding (?:loads|like mad|like crazy|"
          r"through)\b",
          unless=r"\b(?:period|periods|menstrua\w*|menses|gums?|spotting|bleeding stopped|a little|slight|small cut|"
                 r"intercourse|after sex|for my first aid (?:course|class|exam|training))\b|"
                 # round 17: a shaving cut whose bleeding stopped, with nothing saying it started again
                 r"^(?![\s\S]*\b(?:again|restart\w*|still|will not stop|not stopping|keeps)\b)[\s\S]*\bshav\w*\b[\s\S]*"
                 r"\b(?:it|that|the bleeding|bleeding) (?:has |had )?stopped (?:after|with|on its own|by itself)\b|"
                 # round 22: "a nosebleed on the bus, pinched it for 10 minutes and it stopped"
                 r"^(?![\s\S]*\b(?:again|restart\w*|still|will not stop|not stopping|keeps)\b)[\s\S]*\bpinch\w*\b[\s\S]*"
                 r"\b(?:it|that|the bleeding|bleeding) (?:has |had )?stopped\b|"
                 # round 28: "a nosebleed for 5 minutes this morning, it stopped when I pinched my nose" (the stop told
                 # before the pinch; "stopped with pinching", "pinching stopped it"), with no bleed going on or back
                 r"^(?![\s\S]*\b(?:again|restart\w*|still (?:bleeding|going|pouring|dripping)|will not stop|not "
                 r"stopping|keeps (?:bleeding|going|coming|pouring))\b)[\s\S]*\b(?:(?:(?:it|that|which|the bleeding|bleeding|"
                 r"the nose ?bleed|nose ?bleed|the bleed) (?:has |had )?)?stopped (?:when|once|after|with|by|as soon as) "
                 r"(?:i |he |she |we |they )?(?:\S+ ){0,4}?pinch\w*|pinch\w* (?:\S+ ){0,4}?stopped (?:it|the bleeding|the "
                 r"bleed|the nose ?bleed))\b|"
                 # round 32: a cut that stopped after a few minutes' pressure ("stopped bleeding after pressing for 2
                 # minutes, edges together"), with no bleed going on or back
                 r"^(?![\s\S]*\b(?:again|restart\w*|still (?:bleeding|going|pouring|dripping)|will not stop|not stopping|"
                 r"keeps (?:bleeding|going|coming|pouring))\b)[\s\S]*\b(?:(?:it|that|the bleeding|bleeding) (?:has |had )?"
                 r"stopped|stopped bleeding)(?: \S+){0,2}? (?:after|with) (?:\S+ ){0,5}?(?:pressure|pressing|press)\b|"
                 # round 32: "there's blood everywhere" / "decorating for a Halloween party, the fake blood went over the
                 # carpet lol" (fake or stage blood, with no injury told)
                 r"^(?![\s\S]*\b(?:cut|cuts|wound\w*|stab\w*|glass|knife|fell|fall|fallen|hurt|injur\w*|bleeding|real "
                 r"blood|not fake|again)\b)[\s\S]*\b(?:fake|stage|prop|theatrical|halloween|zombie|costume|joke shop) "
                 r"(?:blood|stuff)\b",
          unless_scope="text"),
    # Round 25: a bleed started again or still pouring that will not stop ("the nosebleed last weekend was cauterised
    # but it's pouring again now and won't stop"): the words were too far apart for the rule above.
    _rule("bleeding_trauma", "a bleed pouring again that will not stop",
          r"\b(?:pouring|gushing|spurting|streaming|pissing|bleeding)\b(?: (?:out|again|now|and|it|is|has|really|still|"
          r"down|blood|everywhere)){0,4} (?:(?:and )?(?:will not|would not|does not|is not going to|cannot|can not) stop|not "
          r"stopping)\b|\b(?:now|again) (?:\S+ ){0,2}?(?:pouring|gushing|spurting)\b|\b(?:pouring|gushing|spurting) (?:\S+ )?"
          r"again\b|"
          # round 28: "it stopped when I pinched it but it started again and won't stop"
          r"\b(?:started|starting|began|begun|come back|came back)(?: bleeding)? again\b(?: (?:and|now|it|but|still|is|has))* "
          r"(?:(?:will not|would not|does not|is not going to|cannot|can not) stop|not stopping)\b",
          near=r"\b(?:nose ?bleed\w*|bleed\w*|blood|nose|wound|cut|spot|gash)\b", window=120),
    # The lead's probe after blind set 34 (whose misses were mostly asked as general questions): "how much blood can you
    # lose from a nosebleed? my son's has been going 45 minutes and he's pale and dizzy".
    _rule("bleeding_trauma", "a nosebleed going on for twenty minutes or more",
          r"\bnose ?bleed\w*\b|\bnose (?:has been |is |keeps |kept )?bleeding\b",
          near=r"\b(?:(?:2\d|[3-9]\d|1\d\d) (?:mins?|minutes)|an hour|over an hour|half an hour|(?:two|2|three|3) hours)\b",
          window=120, kind="symptom",
          unless=r"\b(?:stopped|last (?:week|month|year)|yesterday|every|often|sometimes|usually|used to|years ago)\b"),
    _rule("bleeding_trauma", "vomiting or coughing up blood",
          r"\b(?:vomit\w*|throw\w* up|threw up|vomiting up|being sick|puk\w*)(?: (?![.!?;](?: |$))[^ \n]+){0,6} (?:blood|coffee grounds)\b",
          unless=r"\b(?:streaks?|traces?|tinged|spots? of|little bit|a little|specks?)\b"),
    _rule("bleeding_trauma", "coughing up blood",
          r"\b(?:cough\w*)(?: up)?(?: (?![.!?;](?: |$))[^ \n]+){0,3} (?:blood|cups? of blood|mouthfuls of blood)\b", kind="symptom",
          unless=r"\b(?:phlegm|sputum|streak\w*|traces?|tinged|spots? of|little bit|a little|specks?|fleck\w*)\b",
          # round 12: a cupful or a mug of bright red blood is a large bleed, whatever history is told beside it
          red_flags=r"\b(?:cup\w*|mug\w*|mouthfuls?|bright red|fresh blood|loads|lots|a lot|clots?)\b"),
    # Round 12: a cupful, a mug or mouthfuls of blood coughed up is a large bleed now, whatever history is told beside it.
    _rule("bleeding_trauma", "coughing up a large amount of blood",
          r"\bcough\w*(?: up)?(?: \S+){0,4} (?:cup\w*|mug\w*|mouthfuls?|loads|lots|a lot) of (?:\S+ ){0,3}blood\b"),
    _rule("bleeding_trauma", "black stool or heavy rectal bleeding with faintness",
          r"\b(?:black|tarry|maroon)(?: tarry)? (?:stool|stools|poo|poop|bowel movements?)\b|\b(?:lots|a lot) of blood "
          r"(?:from|coming from|out of) (?:my|his|her) (?:bottom|back passage|rectum|butt|bum)\b",
          near=r"\b(?:faint\w*|dizz\w*|lightheaded|light headed|weak|lots|a lot|collaps\w*|pale)\b", window=80,
          kind="symptom", near_negation=True),  # round 22: "black poo on ferrous sulphate, no dizziness at all"
    # Round 10: the blow told in slang ("whacked", "smacked my dome", "cracked his head"), being out told as "out for a
    # bit" or "lights out", the headache as "pounding" or "banging"; a danger sign with "no" before it does not count
    # ("no vomiting, no headache now"), and "he's fine lol" does not set aside being knocked out or vomiting again.
    _rule("bleeding_trauma", "head injury with danger signs",
          r"\b(?:hit|hits|hitting|banged|bang|bangs|bumped|knocked|struck|landed on|fell on|whack\w*|smack\w*|cracked|"
          r"smash\w*|clonk\w*|bonk\w*|conk\w*|bash\w*|thump\w*|slamm\w*|walloped|split) (?:his|her|my|their|the back of "
          r"(?:his|her|my)) (?:head|dome|noggin|skull|bonce)\b|\bhead (?:injury|trauma|wound)\b|\bfell (?:on|onto) (?:his|"
          r"her|my) head\b|\bfell on my head\b|\b(?![.!?;](?: |$))[^ \n]+ fell on (?:my|his|her) head\b",
          near=r"\b(?:vomit\w*|being sick|sick|sleepy|drowsy|confus\w*|unconscious|knocked out|passed out|seizure\w*|"
               r"fit|blood thinners?|warfarin|apixaban|eliquis|rivaroxaban|xarelto|(?:bad|severe|pounding|banging|thumping|"
               r"splitting|massive|terrible|awful|horrible|huge|worst) headache|head (?:is )?(?:pounding|banging|thumping|"
               r"killing)|clear fluid|cannot remember|black(?:ed)? out|out cold|lights out|(?:was|went|been) out (?:for|a few|"
               r"few|like|cold)|dizz\w*|chest pain|throw\w* up|"
               # (the lead's review of round 34: "he's had 3 beers but he also fell and hit his head" / slurring)
               r"slurr\w*|talking (?:nonsense|rubbish|gibberish)|not making (?:any )?sense)\b",
          window=160, kind="symptom", unless=r"\b(?:small lump|feel fine|is fine|playing again|seems fine)\b",
          red_flags=r"\b(?:knocked out|black(?:ed)? out|out cold|lights out|(?:was|went|been) out (?:for|a few|few|like)|"
                    r"unconscious|passed out|keeps? (?:vomiting|throwing up|being sick)|(?:cannot|can not) stop "
                    r"(?:vomiting|being sick|throwing up)|vomit\w* (?:again|\d+|two|three|four|twice|repeatedly)|sick "
                    r"(?:again|\d+|two|three|four|five|twice)|seizure\w*|fitting|clear fluid|blood thinners?|warfarin|apixaban|"
                    r"rivaroxaban|slurr\w*|talking (?:nonsense|rubbish|gibberish)|not making (?:any )?sense)\b",
          near_negation=True),
    _rule("bleeding_trauma", "a wound showing bone, fat or tendon",
          r"\b(?:see|seeing|showing|visible|exposed|sticking out|poking out|hanging out)\b(?: (?![.!?;](?: |$))[^ \n]+){0,3} "
          r"(?:bone|bones|fat|yellow fat|tendons?|muscle|insides|white stuff)\b|\b(?:bone|fat|yellow fat|tendons?|white "
          r"stuff)(?: is| are)? (?:showing|visible|exposed|sticking out|poking out)\b",
          near=r"\b(?:cut|cuts|gash\w*|wound|slice\w*|sliced|chainsaw|saw|axe|knife|glass|blade|bleed\w*|blood|open|"
               r"split|deep|torn|ripped|fell|fall|crash\w*|grinder|mower|gaping|bite|bitten|mauled)\b",
          window=100),
    _rule("bleeding_trauma", "spurting wound",
          r"\b(?:spurting|squirting|pumping out|gushing out|gushing|spraying)\b|"
          # the lead's review of round 35: "cut my leg on a saw and it's pumping blood"
          r"\b(?:it is|it s|its|wound|cut|gash|leg|arm|hand|finger|thumb|neck|thigh|wrist|head) (?:is |was |still |keeps )?"
          r"pumping (?:out )?blood\b|\bblood (?:is |keeps |just )pumping\b|"
          r"\bblood pumping (?:out|everywhere|from)\b",
          near=r"\b(?:cut|sliced|slice|glass|knife|wound|blood|bleed\w*|artery|gash|saw|blade)\b", window=100,
          # round 21: a bottle squirting water is not a wound
          unless=r"\b(?:squirt\w*|spurt\w*|spray\w*|gush\w*) (?:water|milk|juice|soap|cleaner)\b"),
    _rule("bleeding_trauma", "injured by a power tool or blade, bleeding or deep",
          r"\b(?:chainsaw|chain saw|angle grinder|grinder|table saw|circular saw|band saw|power saw|mitre saw|axe|"
          r"hatchet|machete|lawn ?mower|mower blade|hedge trimmer|strimmer|nail gun|wood chipper|combine|machinery)\b",
          near=r"\b(?:deep\w*|gaping|gash\w*|bone|fat|tendon|bleed\w*|blood|soak\w*|spurt\w*|gush\w*|cut off|severed|"
               r"hanging off|mangled|crushed|through the (?:towel|bandage|cloth)|sliced|caught (?:my|his|her))\b",
          window=120, kind="symptom",
          unless=r"\b(?:small|tiny|little|minor|nick\w*|scratch\w*|graz\w*|stopped bleeding|plaster|band ?aid|how (?:do|to|"
                 r"should)|first aid course|safety (?:gear|course|trousers|chaps))\b"),
    _rule("bleeding_trauma", "kicked or trampled by a large animal",
          r"\b(?:kicked|trampled|stamped on|gored|crushed|butted|rolled on|thrown|bucked off)\b(?: (?![.!?;](?: |$))[^ \n]+){0,4} "
          r"(?:by|under|off) (?:a|the|an|our|my|his|her) (?:\w+ )?(?:horse|cow|bull|pony|donkey|cattle|deer|stallion|"
          r"mare|animal)\b|\b(?:horse|cow|bull|pony|donkey|stallion|mare) (?:kicked|trampled|fell on|rolled on|crushed|"
          r"butted|gored|stood on)\b",
          near=r"\b(?:head|chest|stomach|belly|abdomen|tummy|ribs|neck|back|pale|dizz\w*|faint\w*|breath\w*|bleed\w*|"
               r"blood|unconscious|knocked out|vomit\w*|dazed|confus\w*|hurts? (?:a lot|so much|to breathe|badly)|"
               r"really hurts)\b",
          window=120, kind="symptom"),
    _rule("bleeding_trauma", "serious injury",
          r"\b(?:stabbed|been shot|was shot|got shot|gunshot|shot (?:in|outside|at)|knife wound|impaled|"
          # (blind set 30, got nothing: "it's from a kitchen knife in my side during a row, doesn't hurt much"): a knife
          # or blade in the trunk or neck (not a pain "like a knife")
          r"(?:(?:kitchen|steak|bread|carving|pocket|stanley|craft|box|hunting) )?"
          r"(?:knife|blade|stanley knife|box cutter)(?: (?:went|got|was|is|stuck|jabbed|pushed|thrust))?(?: \S+)? (?:in|into) "
          r"(?:my|his|her|their|the|your) (?:left |right |lower |upper )?(?:side|chest|back|belly|stomach|tummy|abdomen|gut|"
          r"neck|ribs|groin|armpit)|"
          r"cut off (?:his|her|my) (?:finger|hand|toe|arm)|bone (?:is )?(?:sticking|poking) out|bent the "
          # (blind set 31, the safety-net line only: "the ride-on mower went over my foot, two toes are gone")
          r"wrong way|(?:two|three|four|five|\d|a|one|some|the|my|his|her|their) (?:\S+ )?(?:toes?|fingers?|thumbs?) (?:is |"
          r"are |was |were |has |have )?(?:been )?(?:gone|off|missing|hanging off|cut off|sliced off|torn off|ripped off|"
          r"severed|chopped off)\b(?! (?:numb|white|blue|cold|purple|tingly|dead|stiff|red))|"
          r"compound fracture|hit by a (?:car|bus|truck|lorry|van))\b",
          # (a pain "like a knife in my side", "as if someone stuck a knife in my back": a way to tell pain)
          unless=r"\b(?:like|as if|as though) (?:a |an |someone )?(?:\S+ )?(?:knife|blade|stanley knife|box cutter|stuck a "
                 r"knife|stabbed)\b(?: \S+){0,3} (?:in|into)\b"),
    _rule("bleeding_trauma", "crash or fall with danger signs",
          r"\b(?:fell|fallen|came off|come off|slipped) (?:(?![.!?;](?: |$))[^ \n]+ ){0,3}(?:off|from|out of|down from) "
          r"(?:a|the|his|her|my|our) (?:roof|ladder|scaffold\w*|loft|tree|wall|cliff|bunk bed|top bunk|stairs|"
          r"height|balcony|window|horse)\b|\bfell (?:\d+|two|three|four|five|six|ten) ?(?:metres|meters|m|feet|foot|"
          r"ft|floors|storeys|stories)\b|"
          r"\b(?:car|bike|motorbike|motorcycle|motor bike|road|traffic) (?:crash|accident)\b|\bfell (?:off|from) "
          r"(?:a|the) (?:roof|ladder|height|balcony|window|horse)\b|\bcar crash\b",
          near=r"\b(?:neck|back|tingl\w*|numb\w*|cannot (?:move|feel|get up|stand)|bone|broken|bleed\w*|blood|"
               r"unconscious|knocked out|head|ear|chest pain|coughing up blood|dazed|confus\w*|vomit\w*|legs|hip|wrist|"
               r"arm|a mess|hurts? (?:a lot|so much|badly)|just)\b", window=100, kind="symptom",
          unless=r"\bin (?:19|20)\d\d|years ago|still aches|last year|just (?:a )?(?:bruise|graze|scratch)|only (?:a )?"
                 r"(?:bruise|graze|scratch)|(?:is|seems|feel|feels|looks) (?:fine|ok|okay)|walking (?:fine|normally)|"
                 r"can walk\b"),
    _rule("bleeding_trauma", "serious burn",
          r"\b(?:boiling|hot) (?:water(?! (?:tank|cylinder|heater|system|pipe)s?\b)|oil|fat|kettle)|scald\w*|\b(?:burnt|burned|burns?) (?:on|to|all over|his|her|my)\b|"
          r"\ba (?:big |huge |large |bad |deep )?burn\b",
          near=r"\b(?:big|huge|large|white|charred|black|whole|peeling|skin (?:came|coming|is coming) off|face|"
               r"chest|all over|area)\b", window=60, kind="symptom",
          unless=r"\bfirst aid for a burn|sunburn|heartburn|burning sensation|when (?:i )?(?:pee|urinat)\w*|"
                 r"burning (?:pain|feeling)|throat|eyes\b|"
                 # round 24: "the chilli challenge burnt my face off, mouth on fire for an hour"
                 r"\bchill?i (?:challenge|eating|contest|peppers?|sauce)\b|\bhot sauce\b|\b(?:carolina reaper|ghost pepper|"
                 r"scotch bonnet)s?\b|\b(?:mouth|tongue|lips) (?:was |is |were |are )?on fire\b"),
    _rule("bleeding_trauma", "deep wound",
          r"\b(?:deep|big|large|huge) (?:cut|gash|wound|laceration)\b|\bcut by glass\b",
          near=r"\b(?:gush\w*|bleed\w*|blood|bone|fat|will not stop|not stopping|fountain)\b", window=80),
    # ------------------------------------------------------------------ unresponsive_seizure
    # Round 12: CPR under way names no symptom but is always a collapse with no breathing or pulse; a course, a dummy
    # or a certificate is the teaching reading.
    _rule("unresponsive_seizure", "CPR under way",
          r"\b(?:doing|giving|started|starting|performing|do|give|continu\w*)(?: (?:him|her|them|the \w+))? (?:cpr|chest "
          r"compressions|compressions|rescue breaths)\b|\b(?:cpr|compressions) (?:is |are )?(?:under way|ongoing|in "
          r"progress)\b",
          unless=r"\b(?:course|class|lesson|training|taught|teach\w*|practi[sc]\w*|dummy|manikin|mannequin|certificat\w*|"
                 r"qualification|exam|drill|scenario|role ?play|refresher|"
                 # the lead's review of round 36: "our family want to learn CPR, do you do compressions on an LVAD patient?"
                 r"(?:want|wants|wanted|going|trying|like|need|needs) to learn)\b|"
                 # round 34: CPR on a dog or a cat, asked about ("how do you do CPR on a dog? asking for my lurcher"); a
                 # collapse, "not breathing" or "now" (the red flags) still wins
                 r"\b(?:cpr|compressions|rescue breaths) (?:on|for|to) (?:a|an|my|our|the|your|his|her) (?:\S+ )?(?:dog|"
                 r"dogs|cat|cats|puppy|puppies|kitten|kittens|pet|pets|rabbit|horse|pony|animal|animals)\b|\b(?:dog|cat|pet|"
                 r"canine|feline|animal) cpr\b", unless_scope="text",
          red_flags=r"\b(?:right now|now|pulled|not moving|not breathing|collaps\w*|unresponsive|while we wait|"
                    r"ambulance)\b"),
    # Round 12: no reaction to a tap, a shake or a call (a slumped passenger, the head rolled back) is unresponsive.
    _rule("unresponsive_seizure", "no response to a tap or a call",
          r"\b(?:does not|did not|will not|would not|is not|not) (?:react\w*|respond\w*)\b|\bno (?:response|reaction)\b",
          near=r"\b(?:(?:tap\w*|shak\w*|shook|pinch\w*|rub\w*|nudg\w*) (?:him|her|them|his|their|on the)|shout\w*|"
               r"call\w* (?:out|her|him|his|their)|slumped|head "
               r"(?:has |is )?(?:rolled|tipped|fallen|flopped|lolled|lolling|hanging)(?: \w+)? back)\b", window=100,
          unless=r"\b(?:woke|wakes|awake|sat up|opened (?:his|her|their) eyes|respond\w* to (?:antibiotics|treatment|"
                 r"medicines?|medication|tablets|therapy|the drugs?|messages|texts|emails))\b", unless_scope="text"),
    # Round 13: seizures one after another without coming round in between (status epilepticus).
    _rule("unresponsive_seizure", "seizures one after another without coming round",
          # round 14: typed "fitt", "fitts", "fiting" ("she had a fitt then another straight after")
          r"\b(?:seizures?|fitt?s?|fitt?ing|convulsions?|convulsing|seizing)\b",
          near=r"\b(?:without (?:waking|coming (?:round|to)|regaining|recovering|coming back|waking up)|(?:not|has not|"
               r"did not|have not|never|no) (?:\S+ )?(?:woken|woke|wake|waking|come round|came round|coming round|come to|"
               r"came to|regain\w*|recover\w*|c(?:o|a)me back)(?: up)?(?: at all)? (?:in )?(?:between|the middle)|(?:not|has not|did not) (?:woken|"
               r"woke|come round|come to|regained \w+)(?: up)? (?:since|after) the first)\b",
          window=160),
    # Lead's mend after round 24's review: a seizure and not come round since ("she had a fit and hasn't come round",
    # "had a seizure 10 minutes ago and still hasn't come round"); not "come round to the idea".
    _rule("unresponsive_seizure", "a seizure and not come round since",
          r"\b(?:seizures?|fitt?s?|fitt?ing|convulsions?|convulsing|seizing)\b",
          near=r"\b(?:(?:has|have|had|is still|still) not (?:yet )?(?:woken(?: up)?|come round|come to|regained "
               r"consciousness|opened (?:his|her|their) eyes)|not (?:come|came) round (?:yet|since|after)|still (?:unconscious|"
               r"not awake|out cold)|not waking up)\b(?! to (?:the|my|his|her|it|that|this)\b)", window=160),
    _rule("unresponsive_seizure", "collapsed and not responding",
          r"\b(?:collapsed|collapse|passed out|fainted|blacked out|dropped|fell down|keeled over|fell to the "
          r"(?:floor|ground))\b",
          near=r"\b(?:not (?:responding|waking|moving|coming round|coming to|answering|opening|talking)|unresponsive|"
               r"will not (?:wake|respond|come round|come to)|cannot wake|still out|out cold|not breathing|is not "
               r"responding|is not moving|not responsive|eyes (?:are )?open but|no pulse)\b",
          window=100,
          # round 31: a printer, the wifi, a server or a business "collapsed" (and a supplier "isn't responding"); a
          # person who collapsed, no breathing or pulse, CPR or an ambulance anywhere in the turn still wins (its own
          # guard: the rule has no red flags, so a take-back reads it as before)
          unless_guarded=r"^(?![\s\S]*\b(?:(?:he|she|they|i|we|him|her|mum|mom|dad|colleague|man|woman|boy|girl|son|"
                         r"daughter|husband|wife|friend|patient|someone|somebody) (?:has |had |just |have )?(?:collapsed|"
                         r"fainted|passed out|blacked out|fell down|keeled over)|not breathing|no pulse|cpr|ambulance|999|911|"
                         r"112)\b)[\s\S]*\b(?:the|our|my|his|her|their|a|mums|moms|dads) (?:\S+ )?(?:printer|printers|wifi|wi fi|"
                         r"internet|broadband|server|servers|system|network|website|site|app|software|computer|laptop|phone|"
                         r"router|deal|market|stock market|shares|economy|talks|negotiations|government|startup|start up|"
                         r"business|company|supplier|project|plans?|card machine|card reader|till|tills|terminal)\b"
                         r"(?: \S+){0,3}? (?:has |had |just |keeps )?(?:collapsed|collapse)\b"),
    _rule("unresponsive_seizure", "unconscious or cannot be woken",
          r"\b(?:is|are|she is|he is|was|now|found|still|being)? ?(?:unconscious|unresponsive|not responding|not "
          r"responsive|knocked out cold|out cold)\b|\bcannot (?:wake|rouse) (?:him|her|them|my \w+|up)\b|\b(?:will|"
          r"would|does|do) not (?:wake|wake up|come round|come to|respond)\b|\bnot opening (?:his|"
          r"her) eyes\b|\bnot coming round\b|"
          # round 35: "knocked out in a tackle and he still hasn't come round", "dragged him out, barely conscious"
          r"\b(?:has not|have not|still has not|still not) (?:come round|come to)(?= ?(?:$|[.,!?;:]|(?:after|between|since|"
          r"yet|and|properly|fully|at all)\b))|\b(?:barely|semi) ?conscious\b",
          unless=r"\b(?:what|how|why)\b .{0,30}\b(?:do|does|should|is|are)\b .{0,10}(?:someone|a person|people)|"
                 # round 10: out for a moment after a blow and awake since is the head injury's picture, not this one
                 r"\b(?:was|were|been|went) (?:\S+ )?(?:out cold|knocked out(?: cold)?|unconscious) for (?:a |like a |about "
                 r"a |only a |just a )?(?:moment|minute|sec\w*|few seconds|bit|split second)\b|"
                 r"\b(?:first aid|cpr)\b|\bwake up for feeds\b|"
                 # round 35: a smell that "could knock you unconscious", "would knock a horse out cold" (a modal figure)
                 r"\b(?:could|would|can|might|enough to|to|gonna|going to) knock (?:you|a horse|an elephant|anyone|anybody|"
                 r"someone|somebody|people|a person|a grown man) (?:out(?: cold)?|unconscious|senseless|sideways|flat)\b|"
                 # round 22: out cold and "dead to the world" after a night shift; a phone or an app not responding
                 r"\bdead to the world\b|\b(?:phones?|apps?|laptops?|computers?|screens?|website|site|server|printer|mouse|"
                 r"keyboard|tablet|ipad|tv|telly|browser|program|software|console|router|"
                 # round 31: "the supplier isn't responding", "the wifi is not responding"
                 r"wifi|wi fi|internet|broadband|network|system|supplier|suppliers|company|firm|landlord|agent|council|"
                 r"helpdesk|help desk|support|insurer|bank|courier|builder|plumber|seller|vendor)\b(?: \S+){0,3} (?:is |are |was "
                 r")?(?:not|is not|are not|stopped) responding\b|"
                 # round 31: "she's not responding to my texts because she thinks the phone is broken"
                 r"\bnot (?:responding|replying) to (?:any of |all |one of )?(?:my|our|his|her|their|the|any) (?:\S+ )?(?:texts?|"
                 r"messages?|calls?|e ?mails?|whatsapps?|dms?|voicemails?|letters?|posts?|invites?|invitations?)\b|\bso (?:that )?(?:i|he|she|we|they) (?:do|does|would|will) "
                 r"not wake|\bnot wake (?:up )?(?:in|at|during|until|till|before|early|so|too|tired|for)\b|"
                 # round 30: "the crowd was totally unresponsive to my jokes at the open mic"
                 r"\b(?:crowd|audience|room|class|students|pupils|market|customers|jury|panel|investors|readers|followers)\b"
                 r"(?: \S+){0,2} (?:was|were|is|are|seemed|stayed|felt)(?: \S+){0,2}? (?:unresponsive|not responsive) (?:to|"
                 r"during|at|when|throughout)\b|\b(?:unresponsive|not responsive) to (?:my|our|the|his|her) (?:jokes?|"
                 r"set|act|emails?|messages?|texts?|pitch|talk|speech|presentation|questions|songs?|ads?|posts?)\b|"
                 # round 36: "I don't wake up gasping" (a kind of waking denied)
                 r"\b(?:do|does|did) not wake (?:up )?(?:gasping|choking|coughing|panting|short of breath|breathless|with|"
                 r"in a (?:sweat|panic)|feeling|needing)\b|"
                 + _AFTER_SHIFT_NORMAL,
          unless_guarded=_AGE_THEN_ADULT_NOW + "|" + _FOOD_COMA_SLEEPWALK,  # round 36
          red_flags=r"\b(?:not breathing|barely breathing|breathing (?:oddly|strange\w*|slow\w*|noisy)|blue|grey|gray|pills|"
                    r"tablets|vomit\w*|overdose|seizure\w*|fitting|floppy|drunk|"
                    # round 29: told after "never mind, he was on a night shift"
                    r"breathing (?:is |sounds |seems |looks )(?:odd\w*|strange\w*|weird\w*|slow\w*|noisy|funny|shallow|"
                    r"rattl\w*|gurgl\w*)|gasping|snoring and gasping|"
                    # (the lead's review of round 31: not answering texts, told beside a goodbye, a threat to their life,
                    # a fall or a welfare check, is not a phone trouble)
                    r"good ?byes?|said bye|suicid\w*|kill (?:him|her|them)self|end (?:it|his life|her life|their life)|"
                    r"on the floor|fallen|welfare check|police|not answering (?:the|his|her|their) door|(?:has not|have not|"
                    r"not) been seen)\b"),
    # Round 10: "hard to wake" makes an emergency whoever it is, but names the category only when no other rule fires
    # (a floppy baby hard to wake is infant_child: the advice for a baby comes first).
    # Blind set 31, got nothing: "a fan went down in the concourse, not answering, making a snoring noise": someone who
    # dropped and does not answer, or breathes with a snore or a gurgle (an airway at risk).
    _rule("unresponsive_seizure", "went down and does not answer",
          r"\b(?:went down|keeled over|hit the (?:floor|ground|deck)|fell down|dropped to the (?:floor|ground))\b",
          near=r"\b(?:not answering|is not answering|will not answer|not responding|no response|snor\w*|gurgl\w*|"
               r"not moving|eyes rolled|out cold|not waking)\b", window=100,
          unless=r"\b(?:phones?|line|wifi|internet|servers?|system|website|site|app|network|shares|price|prices|stock|"
                 r"temperature|fever|swelling|numbers|machines?|helpline|help line|bank|card|till|printer|computer|laptop|"
                 r"router|broadband|power|electricity|lights|shop|store|business|company|asleep|sleeping|dozing|dozed|"
                 r"napping|nap)\b",
          sign=True),  # a cardiac arrest's or a blue face's rule that fires too names the category
    _rule("unresponsive_seizure", "hard to wake", r"\b(?:hard|impossible) to (?:wake|rouse)\b",
          unless=r"\b(?:what|how|why)\b .{0,30}\b(?:do|does|should|is|are)\b .{0,10}(?:someone|a person|people)|"
                 # (blind set 34's mend: "impossible to wake up for school in the mornings" is a teenager's sleep)
                 r"\b(?:for|before) (?:school|work|college|uni)\b|\bin the mornings\b|\bevery morning\b|"
                 r"\b(?:first aid|cpr)\b|" + _AFTER_SHIFT_NORMAL,
          red_flags=r"\b(?:not breathing|barely breathing|breathing (?:oddly|strange\w*|slow\w*|noisy)|blue|grey|gray|pills|"
                    r"tablets|vomit\w*|overdose|seizure\w*|fitting|floppy|drunk|gurgl\w*|night out)\b", sign=True),
    _rule("unresponsive_seizure", "found slumped, cold or not reacting",
          r"\bslumped\b|\bcold (?:to (?:the )?touch|and (?:clammy|grey|gray|blue|pale|stiff))\b|\b(?:not|no longer|is not) "
          r"(?:reacting|responding) (?:to (?:anything|me|us|his name|her name|my voice|touch|pain))\b|\bno (?:reaction|"
          r"response) when\b|\bcannot get (?:a|any) (?:response|reaction|word out of)\b|\beyes (?:are )?half open\b",
          near=r"\b(?:not (?:answering|reacting|responding|moving|breathing|waking)|(?:will|would|does|do) not (?:answer|"
               r"respond|wake|react)|is not (?:answering|responding)|no (?:reaction|response)|cannot (?:get|wake)|"
               r"unresponsive|eyes half open|barely breathing)\b",
          window=120, unless=r"\bslumped (?:posture|shoulders|over (?:my|the) (?:desk|laptop|computer|phone))|sits slumped|"
                             r"slumped in (?:class|meetings)\b"),
    _rule("unresponsive_seizure", "seizure now",
          r"\b(?:having|is having|just had|started having|keeps having) (?:a )?(?:seizures?|fits?|convulsions?)\b|"
          # round 10: "fitting window locks" is fixing something in place
          r"\b(?:seizing|convulsing|fitting(?! (?:a|an|the|some|new|our|my|your|his|her|their|it|them|window\w*|doors?|locks?|"
          r"carpets?|kitchens?|shelv\w*|blinds|curtains|tyres?|tiles?|clothes|together|in (?:with|at|well))\b))\b|"
          r"\b(?:shaking|jerking) (?:all "
          r"over|uncontrollably|and foaming|and it will not stop|and will not stop)|\bfoaming at the mouth\b|"
          r"\beyes (?:are )?(?:rolled|rolling|going) (?:back|up)\b|\b(?:\d+|two|three|four) seizures in a row\b|"
          r"\bseizure (?:has )?(?:lasted|lasting|is lasting|for over)\b|\bfirst (?:ever )?(?:seizure|fit|convulsion)s?\b|"
          r"\bconvulsions for the first time\b",
          unless=r"^(?!.*\b(?:seizures?|convuls\w*|epilep\w*|fits|(?:a|another) fit|shaking|jerking|twitching)\b).*\b(?:car|van|engine|motor|truck|lorry|scooter|motorbike)\b"
                 r"(?: \S+){0,2} (?:keeps |kept |was |is |started |been )?fitting\b|"  # round 26: a car "fitting" (stalling)
                 + _DEVICE_SEIZING + "|"  # round 32: a device "having seizures" (freezing)
                 r"\b(?:fit of (?:giggles|laughter|rage|coughing|sneezing)|laptop|computer|phone|as a (?:toddler|child|"
                 r"kid|baby)|when i was|febrile seizures as|years ago|last (?:week|month|year)|(?:can|could) i (?:get|"
                 r"drive|drink)|driving licen[cs]e|what (?:should|do) (?:i|you) do if|if (?:he|she|someone) has|"
                 r"epilepsy medicine|keep fit|fit and healthy|in class|"
                 # round 22: "our wifi keeps having seizures"
                 r"(?:wifi|wi fi|internet|router|broadband|signal|tv|telly|screen|printer|engine)\b(?: \S+){0,2} (?:keeps |kept |is |was )?"
                 r"(?:having|had) (?:a )?(?:seizures?|fits?)|"
                 # round 24: "having a fit because the match got rained off" (a tantrum at a named non-medical thing)
                 r"(?:having|had|throwing|threw|thrown|has) (?:a |an )?(?:\S+ )?(?:fit|hissy fit|wobbly|strop|paddy) "
                 r"(?:because|cos|cause|coz|as|about|over|since)\b(?!(?: \S+){0,6} (?:fever|temperature|temp|epilep\w*|seizures?|"
                 r"medicine|meds|vaccin\w*|head|hit|fell|poison\w*|swallow\w*)\b)(?: \S+){0,6} (?:match|game|football|netball|"
                 r"rugby|cricket|party|trip|phone|ipad|tablet|console|xbox|playstation|tv|telly|wifi|homework|bedtime|dinner|"
                 r"sweets|rained off|cancel\w*|rain|lost|losing|toys?)\b|"
                 # round 10: "fitting with rage" is an idiom like "a fit of rage"
                 r"(?:fitting|having a fit|had a fit|seizing) (?:with|from|of) (?:rage|anger|laughter|fury|frustration|"
                 r"giggles|jealousy))\b",
          # round 31: "had her first seizure at 23, diagnosed epilepsy, seizure free 2 years now, can she get her licence
          # back?" (a first seizure at an age, with the diagnosis or the years free since); one happening now wins
          unless_guarded=r"^(?=[\s\S]*\bfirst (?:ever )?(?:seizure|fit|convulsion)s? (?:at|aged) (?:the age of |age )?(?:[1-9]|"
                         r"[1-9]\d)\b(?! ?(?:am|pm|minutes?|mins?|seconds?|secs?|o ?clock)\b))(?=[\s\S]*\b(?:diagnos\w*|"
                         r"epilep\w*|seizure free|fit free|no (?:more |further )?(?:seizures|fits)|(?:years?|months?) (?:ago|"
                         r"since|later))\b)(?![\s\S]*\b(?:right now|just now|at the moment|happening|will not stop|not stopping|"
                         r"still (?:shaking|jerking|fitting|seizing)|(?:is|are|am) (?:shaking|jerking|fitting|seizing|having)|"
                         # (the lead's review: a first seizure told as today's)
                         r"just|today|tonight|this (?:morning|afternoon|evening)|(?:minutes?|an? hours?|hours) ago|"
                         r"another (?:one|seizure|fit)|not breathing|blue|unresponsive|not responding|ambulance|999|911|112)\b)"),
    _rule("unresponsive_seizure", "seizures among new symptoms",
          r"\b(?:experiencing|having|getting|started)\b(?: (?![.!?;](?: |$))[^ \n]+){0,10} (?:seizures|convulsions|fits)\b", kind="symptom",
          unless=r"\b(?:wifi|wi fi|internet|router|broadband)\b(?: \S+){0,2} (?:keeps |kept |is |was )?(?:having|had) "
                 r"(?:seizures|fits)\b|"  # round 22
                 + _DEVICE_SEIZING + "|"  # round 32: a device "having seizures" (freezing)
                 r"\b(?:epilep\w*|treated with|on (?:levetiracetam|keppra|phenytoin|valproate|lamotrigine)|since "
                 r"(?:\d+|seven|childhood)|last (?:week|month|year)|years ago)\b"),
    # ------------------------------------------------------------------------------ pregnancy
    _rule("pregnancy", "heavy bleeding in pregnancy",
          r"\b(?:bleed\w*|blood|clots)\b",
          near=_PREGNANT + r"(?=.{0,120}\b(?:heav\w*|a lot|clots|soaking|severe\w*|very much|through a pad|every "
               r"hour)\b)|\b(?:heav\w*|a lot|clots|soaking|severe\w*|very much)\b.{0,60}" + _PREGNANT,
          window=140, kind="symptom", unless=_NOT_PREGNANT + r"|\b(?:brown spotting|light spotting|implantation|"
                                                              r"no pain|the pill|withdrawal bleeding|i pill)\b",
          unless_scope="text"),
    _rule("pregnancy", "severe abdominal pain in early pregnancy",
          r"\b(?:sharp|severe|terrible|bad|very much|really bad|strong|worst)\b(?: (?![.!?;](?: |$))[^ \n]+){0,4} pain\b",
          near=_PREGNANT, window=120, kind="symptom",
          unless=r"\b(?:back ache|mild|a bit|slight|round ligament)\b|" + _NOT_PREGNANT,
          # round 32: "22 weeks, a sharp pain low on one side when I stand" / "only on sudden moves, no bleeding, baby
          # kicking, the midwife mentioned round ligament pain": round ligament pain named anywhere in the turns read
          # together; bleeding, dizziness or fainting, shoulder-tip pain, constant pain or a baby not moving still win
          unless_text=r"\b(?:round ligament|ligament pain)\b",
          red_flags=r"\b(?:bleed\w*|blood|spotting|dizz\w*|faint\w*|light ?headed|shoulder tip|shoulder|constant\w*|"
                    r"(?:will not|does not|not) (?:stop|go away|ease)|not moving|no movements?|fewer movements|waters|fluid|"
                    r"fever|vomit\w*|collaps\w*)\b"),
    _rule("pregnancy", "pre-eclampsia signs",
          r"\b(?:headache|blurr\w* vision|blurry|flashing lights|seeing spots|swollen face|puffy face|face (?:is )?"
          r"(?:swollen|puffy)|(?:hands|face) (?:and (?:hands|face) )?(?:are |is )?(?:really |very )?(?:puffy|swollen))\b",
          near=r"\b(?:[2-4]\d weeks|third trimester|[5-9] months pregnant|(?:five|six|seven|eight|nine) months pregnant)\b",
          window=120, kind="symptom", unless=r"\bsigns of preeclampsia|had preeclampsia|in my first pregnancy\b|"
          # round 11: a headache told beside a normal home reading (under 140/90)
          r"\b(?:bp|blood pressure|pressure|cuff|monitor|reading)\b(?: \S+){0,5} (?:9\d|1[0-3]\d) (?:[4-8]\d)\b",
          red_flags=r"\b(?:blurr\w*|flashing|spots|sparkl\w*|vision|swollen face|puffy face|face (?:is )?(?:swollen|puffy)|"
                    r"severe|worst|bad headache|pounding|banging|under (?:my|her) ribs|vomit\w*)\b",
          # round 27: an ordinary tension headache at 20 to 23 weeks, asked about paracetamol, with "my vision is fine" or
          # "no vision changes" (the red flag "vision" is only a fine or denied one here); no later gestation, no sign
          unless_guarded=r"^(?=[\s\S]*\b(?:tension(?: type)? headache|(?:ordinary|normal|usual|regular|typical|everyday|"
                         r"standard) (?:tension )?(?:type )?headache|"
                         # round 32: "20 weeks with a headache from not sleeping, is paracetamol safe?"
                         r"headache (?:from|because of|due to) (?:not sleeping|poor sleep|lack of sleep|bad sleep|no sleep|not "
                         r"getting (?:enough )?sleep|being tired|tiredness|sleep deprivation|not sleeping well))\b)(?=[\s\S]*\b(?:2[0-3]|twenty(?: one| two| three)?) ?"
                         r"(?:weeks?|wks?)\b)(?![\s\S]*\b(?:2[4-9]|[34]\d) ?(?:weeks?|wks?)\b)(?![\s\S]*\b(?:(?<!no )"
                         r"(?<!not )blurr\w*|(?<!no )flashing|(?<!no )spots|sparkl\w*|swollen|swelling|puffy|severe|worst|"
                         r"bad|terrible|awful|pounding|banging|under (?:my|her) ribs|vomit\w*|(?:vision|sight|eyesight) (?:is |has )?"
                         r"(?:gone|going|changed|blurr\w*|funny|strange|weird|off|worse|dim\w*|double))\b)"),
    _rule("pregnancy", "baby not moving",
          r"\b(?:baby|babies|the baby)(?: has| is| had)? (?:not|stopped) (?:moved|moving|kicked|kicking)\b|"
          r"\b(?:have not|has not|not|did not) felt (?:my |the )?baby (?:move|kick|moving|kicking)\b|\breduced "
          r"(?:fetal|foetal) movements?\b|\bbaby not moving\b|\bbaby (?:hasnt|has not) moved\b|"
          # round 4: fewer movements told in other words, often one item of a long message
          r"\b(?:hardly|barely|not really) felt (?:my |the |her |him )?(?:baby )?(?:move|kick|moving|kicking|movements?)\b|"
          r"\b(?:have not|has not|not|did not) felt (?:any|her|him|them|it) (?:move|kick|movements?|moving|kicking)\b|"
          r"\b(?:kicks?|movements?)(?: have| has)? (?:gone|been|are|is|got|become) (?:really |very |much |a lot |so )?"
          r"(?:quiet\w*|less|fewer|slow\w*|reduced|weak\w*)\b|\bno (?:movements?|kicks?) (?:since|all day|today)\b|"
          r"\b(?:moving|kicking) (?:much |a lot )?less\b|"
          # round 12: "bump has been really quiet today", "the baby has barely moved", "fewer movements than usual"
          r"\b(?:baby|bump|bubs?|babys?|little one)(?: has| is| had)?(?: been)? (?:really |very |so |super |unusually )?"
          r"(?:quiet|still)(?= (?:all|today|since|this|tonight|for)|$| [.!?;,])|"
          r"\b(?:baby|bump|bubs?|babys?|little one)(?: has| had| is)? (?:barely|hardly) (?:moved|moving|kicked|kicking)\b|"
          r"\bfewer (?:movements|kicks)\b|\b(?:not|no|any) kicks\b|"
          # round 10: told in the present tense by a non-native writer ("since yesterday night i not feel the baby move")
          r"\b(?:not|no|never|cannot|can not|do not|did not) (?:feel|feeling) (?:the |my |her |him |any )?(?:baby |babies )?"
          r"(?:move|moving|movements?|kick\w*)\b(?=.{0,80}\b(?:since|all day|today|this morning|this afternoon|this "
          r"evening|tonight|yesterday|hours|no "
          r"kick\w*)\b)|\b(?:since|from) (?:\S+ ){0,3}(?:not|no|never|cannot|do not|did not) (?:feel|feeling) (?:the |my "
          r"|her |him |any )?(?:baby |babies )?(?:move|moving|movements?|kick\w*)\b",
          # before 24 weeks not feeling movements yet is expected (a question for the midwife, not an emergency)
          unless=r"\b(?:1\d|[1-9]|2[0-3]) weeks\b|\byet\b|\bfirst trimester\b"),
    # The lead's review of round 25: waters that "went" or "have gone" ("my waters went at 28 weeks", "my waters have
    # gone and I'm only 32 weeks"); not an earlier pregnancy's ("with my first my waters went at 29 weeks, he's 6 now").
    _rule("pregnancy", "waters gone early",
          r"\b(?:my|her|the) waters (?:have |has |just |have just )?(?:went|gone|burst|popped)\b",
          unless=r"\bwith (?:my|her) (?:first|last|eldest|oldest|previous|other|older|son|daughter)\b|\blast (?:time|"
                 r"pregnancy)\b|\b(?:he|she|they) (?:is|are) (?:now )?\d+(?: years?(?: old)?)? now\b",
          unless_scope="text",
          # (the lead's review of round 33: "my waters went at 32 weeks with my first. I'm 31 weeks now and I think
          # they've just gone, fluid everywhere": a time of now, waters "just gone" or fluid now wins over the earlier birth)
          red_flags=r"\b(?:tonight|today|right now|just now|(?:have|has|they have|theyve|they ve) just "
                    r"(?:gone|went|burst|popped)|leaking|gushing|fluid everywhere|contractions|bleeding|pushing)\b"),
    # Blind set 34: "what happens if your waters go when you're 3 hours from a hospital? Mine just did at 35 weeks"
    _rule("pregnancy", "waters asked about, then the writer's own just gone",
          r"\b(?:mine|hers) (?:have |has )?just (?:did|went|gone|broke|burst)\b", near=r"\bwaters?\b", window=150),
    _rule("pregnancy", "waters broken early or birth imminent",
          r"\b(?:waters?|water bag)(?: have| has| just)? (?:broke|broken|breaking)\b|\bwater is coming from down\b|"
          r"\bfluid (?:is )?(?:gushing|leaking|pouring)\b|\b(?:head is coming|crowning|urge to push|baby is coming(?! in | soon| next))\b|"
          r"\b(?:premature |preterm |early )?rupture of (?:the )?(?:amniotic )?membranes?\b|\bprom\b|"
          r"\bcontractions (?:are )?\d+ (?:mins?|minutes) apart\b",
          unless=r"\b(?:just kidding|kidding|jk|joking|water bottle|when should i go)\b|"
                 # round 25: "my waters broke at 25 weeks with my daughter, she's 7 now and doing brilliantly"
                 r"\b(?:he|she|they|who) (?:is|are) (?:now )?(?:[1-9]\d?|one|two|three|four|five|six|seven|eight|nine|ten|"
                 r"eleven|twelve)(?: years?(?: old)?)? now\b|\b(?:he|she|they) (?:is|are) now (?:[1-9]\d?|one|two|three|"
                 r"four|five|six|seven|eight|nine|ten|eleven|twelve)(?: years?(?: old)?)?\b(?! (?:weeks?|wks?|days?|hours?|"
                 r"minutes?|mins?|months?)\b)",
          red_flags=r"\b(?:again|this time|tonight|today|right now|just now|(?:i am|im) (?:\d+ weeks|pregnant)|pregnant "
                    r"(?:again|now)|leaking|gushing|contractions|bleeding|pushing)\b",
          # round 33: "my waters broke early with my first child; we're planning a second, is it likely to happen again?"
          # (a past birth, a next pregnancy planned; pregnant now, leaking, contractions or a time of now keep it)
          unless_guarded=r"^(?=[\s\S]*\b(?:with|after|during|in|at) (?:my|her|our) (?:first|last|previous|older|eldest|oldest|"
                         r"other) (?:child|son|daughter|baby|pregnancy|one|kid|birth|labou?r|delivery)\b|[\s\S]*\bwith (?:my|her) "
                         r"first\b)(?=[\s\S]*\b(?:planning|plan|thinking (?:about|of)|trying for|hoping for|considering|want(?:ing)? "
                         r"(?:a|another)|next (?:time|pregnancy|baby)|(?:a|our|my|the) (?:second|third|next) (?:baby|child|"
                         r"pregnancy|one|time)|another (?:baby|child|one|pregnancy))\b)(?![\s\S]*\b(?:i am (?:now )?(?:\d+|"
                         r"pregnant)|im (?:\d+|pregnant)|\d+ (?:weeks?|wks?) (?:pregnant|now|today)|pregnant (?:again|now)|this "
                         r"time|tonight|today|right now|just now|leaking|gushing|contractions|bleeding|pushing|(?:waters?|water "
                         r"bag) (?:have |has )?just)\b)"),
    _rule("pregnancy", "seizure in pregnancy",
          r"\b(?:seizures?|convulsions?|(?:had|having|has) a fit|fitting)\b", near=_PREGNANT + r"|\b\d months? pregnant\b",
          window=80, unless=_NOT_PREGNANT, unless_scope="text"),
    _rule("pregnancy", "heavy bleeding after giving birth",
          r"\b(?:gave birth|had (?:my|the|a|our) baby|delivered|c section|caesarean)\b",
          near=r"\b(?:bleeding through|soaking|huge clots|passing clots|large clots|faint\w*|dizz\w*|a pad every)\b",
          window=120, kind="symptom"),
    # The birth is in the past by definition; whether the bleeding is now is read where the bleeding is told
    _rule("pregnancy", "heavy bleeding after giving birth",
          r"\b(?:bleeding through|soaking (?:through )?(?:a |the |my )?(?:pads?|towels?|sheets?)|huge clots|passing (?:big |"
          r"large |huge )?clots|large clots|a pad every (?:hour|half hour))\b",
          near=r"\b(?:gave birth|given birth|had (?:my|the|a|our) baby|delivered|c section|caesarean|postpartum|"
               r"after (?:the|my) (?:birth|delivery))\b",
          window=120, kind="symptom", unless=r"\b(?:years? ago|periods?|menstrua\w*)\b", unless_scope="text"),
    _rule("pregnancy", "a birth happening now",
          r"\b(?:see|seeing|can see) (?:the )?(?:baby'?s? |babies |its )?(?:head|hair|feet|foot|bottom|bum)\b|\b(?:the )?"
          r"(?:head|baby) is (?:out|coming out|crowning|half out|showing)\b|\bgiving birth (?:on|in|at) (?:the|a|our|my|"
          r"home)\b|\bbaby is coming (?:now|fast|right now)\b|\b(?:umbilical )?cord (?:is |was )?(?:coming|hanging|came|"
          r"come|sticking|poking|slipped|dropped) (?:out|down|first)\b|\bloop of (?:the )?cord\b|\bcord (?:prolapse|came "
          r"out|before the baby)\b",
          near=r"\b(?:baby|birth|labou?r|pushing|push|contractions|waters|ambulance|pregnant|weeks|midwife|hospital|"
               r"floor|car|now|head|crowning|cord)\b",
          window=120, unless=r"\bflat (?:spot|head)|head shape|soft spot|cradle cap|scan|ultrasound|bump on|lump on|"
                             r"rash on|head lice|spinal cord|vocal cords?\b",
          # round 32: what a cord prolapse is or how common ("my sister is a doula and keeps mentioning cord prolapse,
          # what is it and how common?"), with nothing of a labour now (waters, a cord felt or seen, pushing)
          unless_text=r"^(?![\s\S]*\b(?:waters|feel|feeling|felt|see|seeing|seen|coming|hanging|pushing|push|contractions|"
                      r"labou?r\w*|bleed\w*|now|at home|ambulance|999|911|112|help)\b)[\s\S]*\b(?:what (?:is|s) (?:it|that)(?= (?:[?.,!]|"
                      r"and\b)| ?$)|what (?:is|s) (?:a cord prolapse|cord prolapse|an umbilical cord prolapse|umbilical cord prolapse)|what (?:it|cord "
                      r"prolapse) (?:is|means)|what does (?:it|that|cord prolapse) mean|how (?:common|rare|often|likely)|is it "
                      r"(?:common|rare))\b"),
    _rule("pregnancy", "bump hard or in constant pain late in pregnancy",
          r"\b(?:belly|stomach|tummy|bump|abdomen|womb|uterus)\b(?: (?![.!?;](?: |$))[^ \n]+){0,4} (?:rock hard|hard as (?:a )?"
          r"(?:rock|board)|rigid|hard and (?:painful|tender)|(?:tight|hard) and (?:painful|sore)|painful all the time|"
          r"hurts (?:all the time|constantly|non stop)|does not (?:ease|relax|let up|soften)|will not (?:ease|relax|"
          r"soften))\b|"
          # (blind set 31, got nothing: "since the class there's been a constant pain across my bump, it's tender and
          # tight and hasn't let up in two hours, and a bit of spotting" at 31 weeks: a placental abruption's signs)
          r"\b(?:constant|non stop|continuous|steady) (?:\w+ )?pain (?:across|in|over|around|on) (?:my|her|the) (?:bump|belly|"
          r"tummy|stomach|abdomen|womb)\b(?=[\s\S]{0,200}\b(?:spotting|blood|bleed\w*|has not let up|not let up|tender|"
          r"tight|hard)\b)|\b(?:constant|non stop|continuous|sudden|severe) (?:\w+ )?(?:belly|stomach|tummy|abdominal|bump) "
          r"pain\b(?=.{0,80}\b(?:blood|bleed\w*|does not ease|not like contractions)\b)",
          near=r"\b(?:[2-4]\d weeks|(?:second|third) trimester|(?:[5-9]|five|six|seven|eight|nine) months pregnant|"
               r"pregnant)\b",
          window=140, kind="symptom", unless=r"\bbraxton|come and go|comes and goes|eases (?:when|if|with)\b"),
    _rule("pregnancy", "pain and bleeding late in pregnancy",
          r"\b(?:pain(?:s|ful|fully)?|hurts?|cramp\w*|rock hard|rigid)\b(?=.{0,120}\b(?:blood|bleed\w*)\b(?! "
          r"(?:pressure|sugar|test|glucose)))|"
          r"\b(?:blood(?! (?:pressure|sugar|test|glucose))|bleed\w*)\b(?=.{0,120}\b(?:pain(?:s|ful|fully)?|hurts?|"
          r"cramp\w*|rock hard|rigid)\b)",
          near=r"\b(?:[2-4]\d weeks|(?:second|third) trimester|(?:[5-9]|five|six|seven|eight|nine) months pregnant)\b",
          window=160, kind="symptom", unless=_NOT_PREGNANT + r"|\b(?:no bleeding|not bleeding|no blood|gums?|nose|"
                                                              r"piles|haemorrhoids?|hemorrhoids?|wiping|constipat\w*)\b"),
    _rule("pregnancy", "fall or blow in pregnancy with bleeding or pain",
          r"\b(?:fell|fall|hit|accident|kicked|punched)\b",
          near=r"\b(?:pregnant|weeks pregnant)\b.{0,160}\b(?:bleed\w*|cramp\w*|pain|fluid)\b", window=200,
          kind="symptom"),
    # Round 13: heavy bleeding in pregnancy told without "blood" or "bleeding": soaked, a gush or a pool of red.
    _rule("pregnancy", "soaked in red or a gush of red in pregnancy (heavy bleeding)",
          r"\b(?:soak\w*|drench\w*|gush\w*|pool|puddle|pouring|flood\w*|covered|full|streaming|running)\b(?: \S+){0,5} "
          r"(?:bright |dark |fresh )?red\b(?! (?:wine|juice|dye|paint|sauce|rash|marks?|spots?|patch\w*|skin|face|eyes?))",
          near=_PREGNANT + r"|\b(?:[2-4]\d ?(?:weeks?|wks?))\b", window=160,
          unless=_NOT_PREGNANT + r"|\b(?:beetroot|wine|juice|dye|paint|ketchup|tomato|nail|lipstick|jam|ribena|"
                 r"cranberr\w*|food colou?ring|sweat\w*|rash|sunburn\w*|face|cheeks?)\b", unless_scope="text"),
    # Round 13: a fall, a knock or a car bump onto the pregnant belly followed by tightening, pain, spotting, fluid or
    # fewer movements (a placental abruption may follow). "No pain, no bleeding" does not count.
    _rule("pregnancy", "a fall or knock onto the pregnant belly, then tightening, pain, spotting or fewer movements",
          r"\b(?:fell|fall|fallen|falling|landed|slipped|tripped|went over|went flying|knocked|hit|bumped|banged|kicked|"
          r"punched|elbowed|whacked|thumped|struck|crash\w*|accident|collision|seat ?belt)\b(?: \S+){0,6} (?:my |her |the )?"
          r"(?:bump|belly|tummy|stomach|abdomen)\b",
          near=r"\b(?:tighten\w*|contraction\w*|cramp\w*|spotting|bleed\w*|blood|pain\w*|aches?|aching|hurts?|sore|"
               r"(?:moving|kicking) less|less movement|fewer (?:movements|kicks)|not moving|fluid|leak\w*|waters)\b",
          window=160, kind="symptom", near_negation=True,
          unless=_NO_PREGNANCY_WORDS + r"|" + _NOT_PREGNANT, unless_scope="text"),
    # --------------------------------------------------------------------------- infant_child
    _rule("infant_child", "fever in a young baby",
          r"\b(?:fever|temperature|temp|hot|feverish|burning up|(?:38(?:\.\d)?|39(?:\.\d)?|40(?:\.\d)?|100\.[4-9]|"
          # round 10: "i am 38 weeks" is a count, not a temperature
          r"10[1-4](?:\.\d)?)(?! ?(?:weeks?|wks?|w|days?|months?|years?|yrs?|hours?|minutes?|kg|lbs?|cm|mm|ml|%)\b))\b",
          # a long message names the baby's age once, often far from the fever (round 4): a wide window
          near=_YOUNG_INFANT, window=350, kind="symptom", unless=r"\bat what temperature|when is a fever\b",
          # round 36: a grown man acting "like a newborn" with a temperature (a partner, a husband), no baby named
          unless_guarded=r"^(?=[\s\S]*\b(?:husband|partner|boyfriend|fiance|grown (?:man|adult|up)|(?:he|she) is (?:[2-9]\d)"
                         r"\b(?! ?(?:weeks?|days?|months?)))\b)(?![\s\S]*\b(?:(?<!like )(?:my|our|the|a|her|his) (?:baby|newborn|new born|"
                         r"infant)|\d+ (?:days?|weeks?|months?) old))[\s\S]*\b(?:act\w*|behav\w*|carry\w* on|moan\w*|whin\w*|"
                         r"being) like a (?:newborn|new born|baby|toddler)\b",
          unless_text=_INFANT_FEVER_PAST + "|" + _INFANT_FEVER_THEN + "|" + _INFANT_FEVER_AGE_THEN),
    # Blind set 34: "the nursery just rang: she's gone pale and limp and is breathing really fast, and she's got a
    # temperature" (buried far from the baby's age); "a 9 week old ... she's gone pale, cold to the touch, very quiet and
    # not crying even when I change her".
    _rule("infant_child", "gone pale and limp, with fast breathing or a temperature",
          r"\b(?:gone|is|went|looks|very) (?:pale|grey|gray|mottled|blue) and (?:limp|floppy)\b|\b(?:limp|floppy) and "
          r"(?:pale|grey|gray|mottled|blue)\b",
          near=r"\b(?:breathing (?:really |very |so )?(?:fast|quick\w*|hard)|temperature|fever\w*|hot|not (?:feeding|"
               r"responding)|rash)\b", window=120, kind="symptom"),
    _rule("infant_child", "a young baby cold to the touch, pale or quiet",
          r"\bcold to (?:the )?touch\b",
          near=r"\b(?:not crying|(?:very|too|really|unusually) quiet|pale|mottled|floppy|limp|not feeding|blue)\b", window=100,
          kind="symptom", unless_text=r"^(?![\s\S]*\b(?:baby|newborn|new born|infant|\d+ (?:day|days|week|weeks|month|"
                                      r"months) old)\b)"),
    _rule("infant_child", "floppy, limp or very sleepy baby",
          r"\b(?:floppy|limp|lethargic|will not wake|cannot wake|hard to wake|not waking|very sleepy|not feeding|"
          r"will not feed|wont feed|refusing (?:feeds|to feed)|not drinking milk|not feeding well)\b",
          near=_INFANT, window=100, kind="symptom", unless=_AFTER_SHIFT_NORMAL,
          # round 26: a son or daughter back from a hike or a run with no baby's or toddler's age is a teenager or an
          # adult ("back from his DofE hike ... floppy and confused" is the exertion rule's, not a floppy baby)
          unless_text=r"^(?=[\s\S]*\b(?:back|home) from (?:a |his |her |the |their )?(?:\S+ ){0,2}?(?:hike|hiking|walk|trek|"
                      r"run|marathon|race|cycle|ride|expedition)\b)(?![\s\S]*\b(?:baby|babies|newborn|new born|infant|"
                      r"toddler|\d+ (?:day|days|week|weeks|month|months) old|(?:[1-9]|one|two|three|four|five|six|seven|"
                      r"eight|nine) (?:year|yr)s? old)\b)"),
    _rule("infant_child", "rash that does not fade (glass test)",
          r"\brash\b.{0,60}\b(?:not fade|does not fade|doesnt fade|not go away)\b.{0,40}\bglass\b|\bpurple (?:spots|"
          r"rash|blotches)\b|\bnon ?blanching\b|\bpetechia\w*\b"),
    # (found while mending blind set 34: a spent blind set's "her soft spot on head is bulging, fever 39" at 5 months got
    # nothing from the patterns)
    _rule("infant_child", "a bulging soft spot",
          r"\b(?:soft spot|fontanelle)(?: on (?:the |her |his |my )?(?:head|top))? (?:is |looks |seems )?(?:bulging|swollen|"
          r"raised|tense|puffed up)\b|\b(?:bulging|swollen|tense) (?:soft spot|fontanelle)\b",
          unless=r"\b(?:when|while|as) (?:she|he|they|baby|the baby) (?:cries|is crying|crying|strains|is straining|coughs|"
                 r"feeds|poos)\b|\bwhen crying\b"),
    _rule("infant_child", "dehydrated child",
          r"\bno wet (?:nappy|nappies|diaper|diapers)\b|\b(?:has not|have not|hasnt|not) had a wet (?:nappy|diaper)\b|"
          r"\bsunken (?:soft spot|fontanelle|eyes)\b|\b(?:eyes|soft spot) (?:are |is )?sunken\b|"
          r"\bcrying without tears\b|\bno tears\b|\bnot passing urine\b",
          near=_INFANT + r"|\bchild \d+ years\b", window=120, kind="symptom"),
    _rule("infant_child", "baby struggling to breathe",
          r"\b(?:grunting|ribs (?:are |is )?sucking in|sucking in (?:between|under)|skin between (?:her|his|the) ribs|"
          r"chest (?:is )?sucking in|flaring nostrils|pauses in (?:his|her) breathing|breathing (?:really |very |so )?fast)\b",
          near=_INFANT, window=100, kind="symptom"),
    _rule("infant_child", "baby turning blue or pale",
          r"\b(?:turned|turning|went|going|goes) (?:blue|pale|grey|gray|floppy)\b",
          near=_INFANT, window=80,
          # round 28: a daughter or a son (not a baby) who felt faint in a sauna or the heat, went pale, lay down and was
          # fine within a minute or so; a baby, blue, grey, floppy or not coming round keeps it
          unless_guarded=r"^(?=[\s\S]*\b(?:faint\w*|light ?headed|dizzy|woozy)\b)(?=[\s\S]*\b(?:lay|laid|lie|lying|"
                         r"sat|sit|sitting) (?:her|him|them)?(?:self )?(?:down|on the floor)\b)(?=[\s\S]*\b(?:(?:was|is|felt|"
                         r"seemed|came|were) (?:\S+ )?(?:fine|ok|okay|better|normal|back to normal|round)|recovered)\b)"
                         r"(?![\s\S]*\b(?:baby|babies|newborn|infant|toddler|\d+ (?:day|days|week|weeks|month|months) old|"
                         r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:day|days|week|weeks|month|"
                         r"months) old|(?:[12]|one|two) (?:year|yr)s? old|blue|grey|gray|floppy|limp|not breathing|(?:will "
                         r"not|would not|cannot|can not|could not) (?:wake|be woken)|not (?:responding|coming round)|"
                         r"unresponsive|unconscious|fitting|jerk\w*|seizure|still|again)\b)"),
    _rule("infant_child", "green vomit",
          r"\b(?:vomit\w*|throwing up|thrown up|sick|puking)\b(?: (?![.!?;](?: |$))[^ \n]+){0,3} (?:green|bile)\b|\bgreen (?:vomit|sick)\b"),
    _rule("infant_child", "baby fell and hit the head",
          r"\b(?:fell|rolled|dropped)\b .{0,60}\bhead\b", near=_INFANT, window=120, kind="symptom"),
    # Round 13: a small child working hard to breathe: nostrils flaring, the head bobbing, grunting with each breath,
    # the skin between or under the ribs sucking in (recession), told beside the breathing.
    _rule("infant_child", "a small child working hard to breathe (flaring, head bobbing, grunting, ribs sucking in)",
          r"\b(?:nostrils? (?:\S+ ){0,2}flar\w*|flar\w* (?:\S+ ){0,2}nostrils?|nasal flaring|head (?:is |keeps )?(?:bob\w*|"
          r"nodd\w*)|grunt\w* (?:with|on|at) (?:each|every) breath|(?:ribs?|chest|tummy|belly|neck|throat) (?:\S+ ){0,3}"
          r"(?:suck\w*|pull\w*|sink\w*|caving|draw\w*) in|(?:rib|chest|intercostal|subcostal) recession|tracheal tug)",
          near=r"\b(?:breath\w*|panting|puffing)\b", window=120,
          unless=_NO_CHILD_WORDS + r"|\b(?:asleep|sleep\w*|angry|cross|tantrum|smell\w*|music|dancing|nodd\w* off)\b",
          unless_scope="text",
          red_flags=r"\b(?:fast|quick\w*|rapid|hard|grunt\w*|(?:too )?tired|exhausted|worn out|(?:not|will not|would not|"
                    r"won't) (?:feed\w*|eat\w*|drink\w*)|floppy|blue|grey|gray)\b"),
    # ----------------------------------------------------------------------- metabolic_sepsis
    _rule("metabolic_sepsis", "very low blood sugar with confusion",
          rf"{_SUGAR}(?: (?![.!?;](?: |$))[^ \n]+){{0,4}} (?:[1-4]\d|5[0-4]|[12]\.\d|lo|low)\b(?!\.\d)(?! mmol)|{_SUGAR}(?: (?![.!?;](?: |$))[^ \n]+){{0,3}} "
          r"(?:says|reads|shows) lo\b|\bhypo\b",
          near=r"\b(?:confus\w*|not making sense|shak\w*|sweat\w*|drowsy|cannot think|not answering|unconscious|"
               r"slurr\w*|passed out|fitting|seizure)\b",
          window=120, unless=r"\bwhat are|how do you treat|symptoms of\b"),
    _rule("metabolic_sepsis", "very high blood sugar with vomiting or fast breathing",
          rf"{_SUGAR}(?: (?![.!?;](?: |$))[^ \n]+){{0,4}} (?:[4-9]\d\d|[23]\d(?:\.\d)?|hi|high)\b|\bketones (?:are )?(?:high|large|(?!0\.[0-5]\d?\b)\d)|"  # round 36: "ketones 0.1" is normal
          rf"\bdka\b",
          near=r"\b(?:vomit\w*|throwing up|breathing (?:fast|funny|heavy|deep)|confus\w*|ketones|stomach (?:pain|hurts)|"
               r"drowsy|thirsty)\b",
          window=120, unless=r"\bwhat is\b|\bhow do i avoid|when i was diagnosed\b|after a big",
          # round 34: a DKA already treated ("discharged yesterday after DKA, tips for keeping ketones down when ill?"), with
          # nothing of now in the turn: no vomiting, fast or deep breathing, drowsiness or confusion, no ketone or sugar
          # reading, no "again", "happening" or "right now" (the guard is its own)
          unless_guarded=r"^(?=[\s\S]*\b(?:discharged|(?:home|back|out) (?:from|of) (?:the )?(?:hospital|ward|icu|itu|"
                         r"hdu|a ?& ?e|er)|came (?:home|out)|treated for|recover\w* from|(?:after|with|for) (?:an? |my |his |"
                         r"her |their )?(?:episode of |bout of |admission (?:with|for) |stay (?:with|for) )?dka|had (?:an? )?"
                         r"(?:episode of )?dka)\b)(?![\s\S]*\b(?:vomit\w*|being sick|been sick|is sick|am sick|keep\w* being "
                         r"sick|throwing up|threw up|breathing (?:fast|funny|heavy|deep|hard)|fast breathing|drowsy|sleepy|"
                         r"confus\w*|(?<!happen )(?<!happens )again|happening|right now|at the moment|today|tonight|this "
                         r"morning|stomach (?:pain|hurts|ache)|tummy (?:pain|hurts|ache)|belly (?:pain|hurts)|(?:ketones?|sugars?|"
                         r"glucose|bg|bm|reading)(?: \S+){0,3} (?:\d|high|hi\b|large))\b)"),
    _rule("metabolic_sepsis", "signs of sepsis",
          r"\b(?:fever\w*|temperature|temp|burning up|shiver\w*|rigors|chills|high fevr)\b",
          near=r"\b(?:confus\w*|not making sense|mottled|blotchy|breathing fast|heart (?:is )?racing|not (?:peed|"
               r"passed urine|passing urine)|no urine|have not peed|cold hands|pass out|passing out|faint\w*|"
               r"wound is red|wound (?:is )?(?:red|hot)|"
               # the lead's mend after blind set 24: a fever with a heart rate of 120 or more ("post-op day 5 ... fever
               # now, belly pain getting worse, heart rate 125 on my watch")
               r"(?:heart ?rate|pulse|hr)(?: is| was| of| at| reading| says)*(?: about| around| over)? (?:1[2-9]\d|2\d\d)|"
               r"(?:1[2-9]\d|2\d\d) ?bpm)\b",
          window=120, kind="symptom", unless=r"\bwhat is sepsis|post sepsis|had sepsis|(?:stopped|not|no longer) "
                                             r"shivering|snow|freezing|icy|hypotherm\w*\b|"
                                             # round 12: a blotchy rash that fades under a glass is the blanching one
                                             r"\b(?:rash|it|spots)(?: that| which)? (?:fades|goes white|turns white|blanches) (?:when|under|"
                                             r"with)\b"),
    _rule("metabolic_sepsis", "infection with confusion or shock",
          # (round 9: a flu or pneumonia jab asked about beside other symptoms is not an infection)
          r"\b(?:uti|urine infection|urinary infection|infection|pneumonia|flu|cellulitis|infected|wound)\b(?! (?:vaccin\w*|"
          r"jabs?|shots?|injections?|boosters?|immuni[sz]ations?|clinic))",
          near=r"\b(?:confus\w*|not making sense|mottled|blotchy|cold hands|heart (?:is )?racing|not (?:peed|passed urine|"
               r"passing urine)|have not peed|no urine|breathing fast|pass out|passing out)\b",
          window=160, kind="symptom", unless=r"\bwhat is|had sepsis|post sepsis\b"),
    _rule("metabolic_sepsis", "stiff neck with fever or rash (meningitis)",
          r"\b(?:stiff neck|neck stiffness|neck is stiff|stiff (?:(?![.!?;](?: |$))[^ \n]+ )?neck|cannot (?:bend|touch) (?:my|his|her) "
          r"(?:neck|chin))\b",
          near=r"\b(?:fever\w*|temperature|headache|rash|light|photophobia|vomit\w*)\b", window=100,
          # round 14: a stiff neck and a headache after a day at a desk, told with "no fever, no rash": the signs are
          # denied; any of them told without a "no" (or light that hurts, vomiting, confusion) still wins
          unless=r"^(?=.*\b(?:no|without|not got a|have not got a) (?:\S+ )?(?:fever|temperature|temp)\b)(?=.*\b(?:no|without) "
                 r"(?:\S+ )?rash\b)|"
                 # round 27: a stiff neck from sleeping awkwardly (on the sofa, at a funny angle), told with no fever
                 r"^(?=.*\b(?:no|without|not got a|have not got a) (?:\S+ )?(?:fever|temperature|temp)\b)(?=.*\b(?:slept|"
                 r"sleeping|sleep|asleep|woke)\b(?: \S+){0,5} (?:awkward\w*|funny|funnily|wrong\w*|badly|sofa|couch|settee|"
                 r"armchair|(?:funny|weird|odd|strange|awkward) (?:angle|position))\b)", unless_scope="text",
          red_flags=r"\b(?:fever\w*|temperature|temp|rash|spots|photophobia|vomit\w*|confus\w*|drowsy|(?:light|lights|"
                    r"lamp|brightness) (?:hurts?|is painful|bothers? (?:me|him|her))|cannot (?:look at|stand) (?:the )?(?:light|"
                    r"lamp))\b",
          # round 27: why a doctor checks for a stiff neck with a fever, asked after a lecture or a class, with no one's
          # own neck, fever or rash told in the message
          unless_guarded=r"^(?=[\s\S]*\b(?:lecture|lecturer|lectures|lesson|tutor|teacher|class|seminar|course|textbook|"
                         r"module|exam|revision|professor|prof)\b)(?=[\s\S]*\b(?:doctors?|gps?|clinicians?|nurses?|medics?|"
                         r"they)(?: \S+){0,2} (?:check|checks|checking|test|tests|testing|look|looks|looking|examine\w*) "
                         r"(?:for|at)\b|[\s\S]*\bchecking for (?:a )?(?:stiff neck|neck stiffness)\b)(?![\s\S]*\b(?:i have|"
                         r"i ve got|i have got|ive got|i got|i feel|i am|he has|she has|they have|he is|she is|my (?:neck|head|"
                         r"son|daughter|baby|child|kid|husband|wife|partner|flatmate|friend|temperature)|(?:his|her) (?:neck|"
                         r"temperature)|right now|since)\b)"),
    _rule("metabolic_sepsis", "fever during chemotherapy",
          r"\b(?:chemo\w*|neutropeni\w*)\b", near=r"\b(?:fever|temperature|temp|shiver\w*|chills|38(?:\.\d)?|"
          r"39(?:\.\d)?)\b", window=100, kind="symptom"),
    _rule("metabolic_sepsis", "adrenal crisis",
          r"\b(?:addison\w*|adrenal insufficiency|adrenal)\b",
          near=r"\b(?:vomit\w*|cannot keep|faint\w*|collaps\w*)\b", window=120),
    # ---------------------------------------------------------------------------------- other
    _rule("other", "sudden severe testicle pain",
          r"\b(?:testic\w*|testis|testes|balls?|scrotum)\b",
          near=r"\b(?:sudden\w*|severe|terrible|agony|excruciating|vomit\w*|woke up with)\b",
          window=60, kind="symptom", unless=r"\bwhat is\b|small|tablets to increase|masturbat\w*"),
    _rule("other", "torsion", r"\b(?:testicular|testicle|ovarian|ovary) torsion\b|\btorsion\b(?= .{0,30}(?:testic|ball|"
          r"scrotum|ovar|pain))",
          # round 24: an operation for it at an age, both sides fixed ("a testicular torsion operation at 15")
          unless=r"\bwhat is|signs of|symptoms of\b|\btorsion (?:operation|surgery|op)\b(?: \S+){0,2} (?:at|aged|age|when) |"
                 r"\b(?:operation|surgery|op|operated) (?:for|on) (?:\S+ ){0,2}torsion\b(?: \S+){0,3} (?:at|aged|age) \d+\b|"
                 r"\bboth sides (?:fixed|stitched|done|secured|anchored)\b|"
                 # round 32: "my brother had testicular torsion at 14 and needed surgery, is his son more at risk?" (had
                 # it at an age, with nothing told of now)
                 # (round 36: "I have two boys now" is not a time of now; French "mon frère a eu une torsion à 14 ans")
                 r"^(?![\s\S]*\b(?:(?<!boys )(?<!sons )(?<!kids )(?<!children )(?<!girls )(?<!daughters )now|today|tonight|"
                 r"this (?:morning|afternoon|evening)|sudden\w*|again|hurts?|hurting|"
                 r"pain\w*|swollen|swelling|vomit\w*|sick|maintenant|aujourd hui|ce soir|soudain\w*|douleur\w*|mal)\b)[\s\S]*"
                 r"\b(?:had|has had|got|a eu|avait eu|avait) (?:a |his |her |une )?(?:testicular |"
                 r"testicle |ovarian )?torsion\b(?: \S+){0,3}? (?:at|aged|age|when (?:he|she|i) was|as a (?:teenager|teen|kid|"
                 r"child|boy|girl)|à|quand (?:il|elle) avait)\b"),
    _rule("other", "severe abdominal pain",
          r"\b(?:(?:stomach|belly|abdomen|abdominal|tummy|lower right|lower left)(?: (?![.!?;](?: |$))[^ \n]+){0,2} pain|pain in (?:my |"
          r"his |her )?(?:lower right |lower left |lower )?(?:stomach|belly|abdomen|tummy))\b",
          near=r"\b(?:so bad|severe|very strong|unbearable|agony|excruciating|terrible|cannot (?:move|stand|walk)|"
               r"hard as a board|rigid)\b",
          window=80, kind="symptom",
          unless=r"\b(?:mild|a bit|slight|after eating spicy|comes and goes|not (?:very |that |so )?(?:severe|bad))\b"),
    # Round 12: heat stroke told by its signs after exertion in heat: no sweat, hot dry skin, and the mind affected.
    _rule("other", "heat stroke signs: hot dry skin, no sweat, confusion",
          r"\b(?:stopped sweating|not sweating|no longer sweating|sweating stopped|hot (?:and )?dry skin|dry (?:and )?hot "
          r"skin|skin (?:is |feels |was )?(?:\S+ )?(?:hot and dry|dry and hot|bone dry|burning hot and dry))\b|"
          # (blind set 31, the safety-net line only: "slid off (a camel) in the dunes, skin burning hot, talking nonsense")
          r"\b(?:skin|he|she|they|body) (?:is |feels |felt |was |s )?(?:burning|boiling|scorching|roasting|red) hot\b",
          near=r"\b(?:confus\w*|gibberish|nonsense|not making sense|slurr\w*|collaps\w*|drows\w*|fit\w*|seizure|"
               r"delirious|rambling|disorient\w*|strange|odd|weird)\b", window=160),
    _rule("other", "heat stroke",
          r"\bheat ?stroke\b|\b(?:in the sun|in the heat|heat wave|hot car)\b",
          near=r"\b(?:confus\w*|not sweating|collaps\w*|not making sense|very high|burning hot|temperature was very)\b",
          window=120),
    _rule("other", "near drowning",
          # round 30: "got" only with "out of" ("I've got a verruca from the pool" is where it was caught)
          r"\b(?:(?:pulled|dragged|rescued)(?: (?![.!?;](?: |$))[^ \n]+){0,3} (?:out of|from)|got(?: (?![.!?;](?: |$))[^ \n]+){0,3} "
          r"out of) the (?:pool|water|river|lake|sea|bath|ocean)\b|\bnearly drowned\b|\bnear drowning\b|\bwas drowning\b|"
          # round 33: "went under and didn't come back up, the lifeguard just pulled him out" (told without "water")
          r"\b(?:went|gone|slipped|sank|sunk) under (?:the water |water )?(?:(?![.!?;](?: |$))[^ \n]+ ){0,4}?and (?:did not|has not|"
          r"have not|never|is not|was not|not) (?:come|came|coming) (?:back )?up\b|\b(?:fell|fallen|jumped|slipped) (?:in|into) (?:the|a) (?:canal|river|lake|"
          r"sea|reservoir|quarry|pond|harbou?r|dock|weir|pool) and (?:went|gone|has gone|is going|keeps going) under\b|"
          # (the lead's review of round 33: "my mate fell in the canal and hasn't come up")
          r"\b(?:fell|fallen|jumped|slipped|dived|dove|went|gone) (?:in|into|off) (?:the|a) (?:\S+ )?(?:canal|river|lake|sea|"
          r"reservoir|quarry|pond|harbou?r|dock|weir|pool|water|pier|bridge)\b(?: (?![.!?;](?: |$))[^ \n]+){0,8}? (?:did not|"
          r"has not|have not|never|is not|was not|not|still not|still has not) (?:(?:come|came|coming|popped) (?:back )?(?:up|"
          r"out|to the surface)|resurfaced|surfaced)\b|"
          # "drowning in paperwork" is an idiom; drowning in water is not
          r"\bdrowning\b(?! in (?!(?:the |a )?(?:water|pool|river|sea|lake|bath|ocean|canal|pond)\b))"
          # round 33: "drowning our sorrows" after a lost final (drink, an idiom)
          r"(?! (?:our|my|his|her|their|your|the) (?:\S+ )?sorrows?\b)",
          # round 14: "drowning and choking on deadlines" (work, an idiom)
          unless=r"\bdrowning (?:and \S+ )?(?:in|on|under) (?:all )?(?:these |the |my )?(?:\S+ )?(?:work|deadlines?|e ?mails?|"
                 r"paperwork|admin|meetings?|tasks|bills|debt|essays?|coursework|revision|homework|assignments?|exams?|"
                 r"marking|uni work|laundry)\b|"
                 # round 25: a mouthful of pool water in a lesson, fine, "is dry drowning a real thing?"
                 r"\b(?:dry|secondary|delayed|silent) drowning\b(?: \S+){0,3}? (?:real|a real thing|a thing|true|a myth|exist\w*)\b|"
                 r"\b(?:worry|worried|concerned|panic\w*) about (?:dry|secondary|delayed) drowning\b|"
                 # round 31: "nearly drowned at age 8 in a hotel pool, now at 40 I still freeze near deep water"
                 r"\b(?:nearly|almost) drowned\b(?: \S+){0,6}? (?:at (?:the )?age (?:of )?\d+|aged \d+|at \d+(?! ?(?:am|pm)\b)|"
                 r"as a (?:child|kid|boy|girl|teen\w*|toddler|baby)|when i was (?:a |\d+|little|young|small))\b",
          red_flags=r"\b(?:cough\w*|breathless\w*|short of breath|(?:breathing|breathes) (?:fast|hard|quickly|funny|oddly)|"
                    r"struggl\w* to breathe|(?:cannot|can not) breathe|drowsy|sleepy|tired|vomit\w*|sick|blue|confus\w*|chest "
                    r"(?:pain|hurts)|pulled (?:\S+ ){0,2}out|unconscious|not breathing)\b",
          # round 33: "is it true drowning doesn't look like drowning?", "drowning is silent" (what it looks like, asked by
          # a helper at a swimming gala), with nothing of someone in the water now
          unless_guarded=r"^(?=[\s\S]*(?:\bdrowning (?:(?:often|usually|really|actually|is often|is usually) )?(?:is|looks|can "
                         r"look|can be|does not (?:actually |really )?look|is not|is rarely) (?:\S+ ){0,2}?(?:silent|quiet|like "
                         r"(?:drowning|it does|in (?:the )?(?:films?|movies?)|on (?:tv|telly)|what (?:you|people) (?:think|expect)))\b|"
                         r"\b(?:someone|somebody|a person|people|kids|children|a child) (?:who (?:is|are) )?drowning (?:does not|do "
                         r"not|will not|cannot|can not|may not|might not|rarely|often do not|usually do not) (?:actually |really )?"
                         r"(?:look|wave|shout|call|scream|splash)\b))(?![\s\S]*\b(?:right now|now|just|under (?:the )?water|went "
                         r"under|gone under|going under|not moving|not coming up|face down|floating|help|ambulance|999|911|112|"
                         r"pulled|cough\w*|blue|unconscious|not breathing|vomit\w*|drowsy|confus\w*|fell in|fallen in)\b)"),
    _rule("other", "chemical in the eye",
          r"\b(?:bleach|chemical\w*|oven cleaner|acid|alkali|lye|cleaner|ammonia|cement|lime)\b(?: (?![.!?;](?: |$))[^ \n]+){0,3} "
          r"(?:in|into) (?:my|his|her|the|their) eyes?\b|\beye got chemical\b|\bsplashed\b .{0,40}\beye\b",
          # round 15: washing-up liquid or soap in the eye, rinsed out, vision fine (nothing caustic named)
          unless=r"^(?=.*\b(?:dish ?soap|washing up liquid|fairy liquid|soap|shampoo|tap water)\b)(?=.*\b(?:rinsed|washed|"
                 r"flushed)\b)(?=.*\b(?:(?:vision|sight|seeing) (?:is |seems )?(?:fine|normal|ok|okay|clear)|can see "
                 r"(?:fine|normally|ok|okay)))(?!.*\b(?:bleach|oven cleaner|acid|alkali|lye|ammonia|cement|lime|caustic|"
                 r"cannot see|blurr\w*|burning)\b)", unless_scope="text"),
    _rule("other", "electric shock", r"\b(?:electric (?:shock|shocked)|electrocut\w*|shock from the mains)\b|"
          # round 32: "thrown off the ladder by a shock from a live cable"
          r"\bshock(?:ed)? (?:off|from|by) (?:a|the|an) (?:live |exposed |bare |faulty )?(?:cable|wire|socket|plug|mains|"
          r"power line|power cable|junction box|fuse box|light switch)\b",
          unless=r"\blike (?:an |a )?electric|electric shock (?:like|sensation|feeling|pain)\b|"
                 # round 36: news that came as "a real electric shock of a surprise"
                 r"\belectric shock of (?:a |an )?(?:surprise|news|announcement|revelation|shock)\b",
          # round 28: "i just got electrocuted!" / "by the electricity bill, 400 for the quarter" (or "jk", "lol not
          # really"): electrocuted by a bill, or taken back as a joke, with no sign of a shock told (numbness, a burn,
          # the heart, pain, a fall or a collapse)
          unless_guarded=r"^(?![\s\S]*\b(?:numb\w*|tingl\w*|burn\w*|chest|heart (?:is|feels|racing|pounding|flutter\w*|"
                         r"skipping)|palpitat\w*|collaps\w*|unconscious|not responding|thrown|knocked|pain\w*|hurts?|"
                         r"hurting|sore|cannot feel|twitch\w*|confus\w*|(?:cannot|can not|struggling to) breathe|mark)\b)"
                         r"[\s\S]*\belectrocut\w*\b[\s\S]{0,40}?\b(?:by (?:the|my|our|this|that|his|her|their|an?) "
                         r"(?:[^ \n]+ ){0,3}?(?:bills?|invoice|quote|prices?|statement|tariff)|not really|not literally|jk|"
                         r"just kidding|only joking|(?:i am|am) (?:joking|kidding))\b"),
    _rule("other", "erection lasting hours",
          r"\berection\b", near=r"\b(?:[4-9]|\d\d|four|five|six|several) hours\b|\bwill not go down\b", window=60),
    _rule("other", "danger to others",
          r"\b(?:voices|hallucinat\w*)\b .{0,50}\b(?:hurt|kill|harm) (?:people|others|someone|me|us|him|her)\b|"
          r"\b(?:threatening|threatens|threatened|plans?|planning) to (?:kill|hurt|stab|shoot|murder) (?:us|someone|"
          r"somebody|anyone|everyone|people|me|my|his|her|him|them|the)\b|"
          r"\b(?:going|want|wants|about|will|would|swear i am going) to (?:stab|shoot) (?:us|someone|somebody|anyone|"
          r"everyone|people|me|my|his|her|him|them|the)\b(?! (?:a|an) (?:text|message|email|line|photo|video|look))|"
          r"\b(?:has|has got|grabbed|is holding|holding|waving|pointing|brandishing) (?:a|the|his|her|my|their|"
          r"(?![.!?;](?: |$))[^ \n]+s) (?:kitchen )?(?:knife|gun|rifle|shotgun|pistol|machete|weapon)\b|"
          r"\bcame at (?:me|us|him|her|them) with\b",
          unless=r"\b(?:video ?games?|in the game|film|movie|novel|story|zombies?|paintball|airsoft|nerf|water gun|"
                 r"photo ?shoot)\b|\bbutter knife|knife and fork\b"),
    # "mum is going to kill me when she sees my grades" is figurative; with a weapon the rule above fires anyway
    _rule("other", "says someone will be killed",
          r"\b(?:going|wants|want|is about|about|will|would) to (?:kill|murder|hurt) (?:us|someone|somebody|anyone|"
          r"everyone|people|me|my|his|her|him|them|the)\b|\b(?:he|she|they|i) (?:will|would|is going to|am going to) "
          r"(?:kill|murder) (?:somebody|someone|anyone|everyone|people|us|him|her|them|his|my)\b",
          unless=r"\b(?:ate|eaten|finished|drank|drunk|nicked|stole|took|had|used) (?:all )?(?:the|my) last\b|"  # round 26
                 r"\b(?:when|if|once|after|for) (?:she|he|they|my \w+|mum|mom|dad|boss|wife|husband|teacher) (?:sees|"
                 r"finds out|hears|notices|knows|realises|realizes|reads|catches|gets (?:my|the|home and sees))|"
                 r"\b(?:lol|haha|lmao|jk|joking|kidding)\b|\bif (?:i am|i|he|she) (?:late|forget|eat|miss)|kill me "
                 r"(?:for|with)\b|(?:video ?game|in the game|film|movie|novel|story|zombies?)\b|\b(?:diet|heat|"
                 r"exam|work|job|commute|traffic|shoes|back|knees?) (?:is|are) going to kill me\b|\bthis \w+ (?:is|will)"
                 r" (?:going to )?kill me\b|"
                 # round 24: "this queue at the passport office is going to kill me, two hours in"
                 r"\b(?:queue|line|wait|waiting|traffic|commute|journey|meeting|shift|heat|hill|hike|essay|deadline|diet)\b"
                 r"(?: \S+){0,6}? (?:is|will|would)(?: actually| literally| honestly| really)? (?:going to )?kill me\b|"
                 r"(?:will|would|is going to|going to) (?:kill|hurt) (?:me|my back|my knees|"
                 r"my feet)(?: (?![.!?;](?: |$))[^ \n]+){0,3} (?:lol|haha)\b|"
                 # round 29: asked whether something will harm a child ("he licked the soap ... is that going to hurt him?")
                 r"\b(?:is|was|will|would|could|might) (?:that|it|this|these|those)(?: \S+)? going to (?:hurt|harm)\b",
          # round 30: "my sister's going to murder me, I spilled coffee on her laptop" (a mishap owned up to); a weapon, a
          # threat or someone at the door keeps it an emergency
          unless_guarded=r"^(?=[\s\S]*\b(?:going to|gonna|will|is going to) (?:kill|murder) me\b(?: ,)? (?:\S+ ){0,2}?(?:i|i have|"
                         r"i just|because i|cos i|cause i|as i|since i) (?:just )?(?:spilled|spilt|broke|broken|scratched|lost|"
                         r"ate|dropped|forgot|dented|crashed|ruined|stained|smashed|cracked|borrowed|shrank|shrunk|burnt|burned "
                         r"(?:her|his|the|their)|deleted|wrecked|chipped|tore|ripped|spoiled|left)\b)(?![\s\S]*\b(?:"
                         + _WEAPON_OR_ATTACK + r"|outside (?:my|the|our) (?:door|house|room)|breaking in)\b)"
                         + r"|" + _PETTY_THREAT,  # round 33
          # round 33: a weapon, a threat or someone hurt wins over the readings above (a turn telling a petty offence is now
          # read with the threat, so the round 26 reading of "ate my last" sees both)
          red_flags=r"\b(?:" + _WEAPON_OR_ATTACK + r"|scared|afraid|not joking|no joke|i mean it|for real)\b"),
    _rule("other", "hypothermia", r"\bhypotherm\w*\b|\b(?:stopped|has stopped|stops|no longer|not even|is not) "
          r"shivering\b|\bshivering (?:has )?stopped\b|\b(?:ice|icy|freezing|stone) cold\b",
          near=r"\b(?:slurr\w*|confus\w*|drowsy|sleepy|shivering stopped|not responding|snow|mumbl\w*|talking "
               r"nonsense|nonsense|not making sense|barely (?:talking|conscious|awake)|lake|river|sea|water|outside|all "
               r"night|overnight|wander\w*|dementia|hills|mountain|hiking)\b", window=100,
          unless=r"\bfever|temperature (?:of )?(?:3[89]|1[01]\d)|flu|ice cold (?:drink|water|beer|shower)|cold shower\b",
          # round 28: hypothermia last winter (a stay in hospital), asked how to prevent it this winter, with nothing now
          unless_guarded=r"^(?=[\s\S]*\b(?:(?:last|previous|that|the other) (?:winter|year|christmas|january|february|"
                         r"december)|(?:\d+|a|one|two|three|a few|several) (?:years?|winters?|months?) ago)\b)(?=[\s\S]*\b(?:"
                         r"prevent\w*|stop (?:it|this) (?:happening|again)|avoid\w*|keep (?:him|her|them|me|us) warm|this "
                         r"(?:winter|year|time)|tips|precautions|what (?:should|can) (?:we|i) do)\b)(?![\s\S]*\b(?:now|right "
                         r"now|tonight|today|happening again|(?:is|are|feels?|seems?) (?:very |really |so |ice |icy )?(?:cold|"
                         r"freezing)|confus\w*|drowsy|slurr\w*|mumbl\w*|not (?:responding|making sense)|stopped shivering|"
                         r"unconscious|found (?:him|her|them))\b)"),
    _rule("other", "flashes with a shadow or curtain (retinal detachment)",
          r"\b(?:flash\w*|floaters?|sparks)\b",
          near=r"\b(?:curtain|shadow|veil|shade|cloud|grey area|dark area|black area|blind spot|losing (?:the )?(?:side|"
               r"edge|top|bottom|part)|new floaters|loads of (?:new )?floaters|lots of (?:new )?floaters|shower of)\b",
          window=120, kind="symptom", unless=r"\bhot flash\w*|flash(?:es)? of (?:anger|inspiration)|camera|photos?\b"),
    _rule("other", "painful red eye with halos (acute glaucoma)",
          r"\bhalos?\b|\b(?:rings?|rainbows?) (?:round|around) (?:the )?(?:\w+ )?lights\b",
          near=r"\b(?:eye pain|painful|pain in (?:my |his |her |the )?(?:right |left )?eye|red eye|eye (?:is |went |got |"
               r"has gone )?(?:really |very |so )?(?:red|painful|sore)|vomit\w*|sick|nause\w*|headache|cloudy|sudden\w*)\b",
          window=140, kind="symptom", unless=r"\bnew glasses|contact lens\w*|cataract|night driving|after (?:lasik|"
                                             r"surgery)\b"),
    _rule("other", "cannot pass urine, in pain",
          r"\b(?:cannot|can not|unable to|not able to|could not) (?:pee|wee|urinate|pass (?:urine|"
          r"water)|empty (?:my|his|her) bladder)\b|\b(?:have|has|had) not been able to (?:pee|wee|urinate|pass (?:urine|"
          r"water))\b|\b(?:have not|has not|not) (?:peed|weed|urinated|passed (?:urine|"
          r"water))\b(?= .{0,40}\b(?:hours|since|all day|at all)\b)",
          near=r"\b(?:agony|severe|unbearable|so much pain|in (?:so much |a lot of )?pain|a lot of pain|excruciating|"
               r"bursting|swollen|huge|hard|distended|really hurts|hurts so much|pain\w*|terrible|awful)\b",
          window=120, kind="symptom", unless=r"\bshy bladder|in public|when people|stage fright|sample\b"),
    # Blind set 34: "woke up and my right eye is completely dark, I can't see anything out of it, no pain. I'm 70."
    _rule("other", "an eye gone dark or blind, suddenly",
          r"\b(?:eye|vision|sight) (?:is |has |went |has gone |gone |just )?(?:completely |totally |all |suddenly )?(?:dark|"
          r"black|blank)\b|\b(?:cannot|can not) see (?:anything |a thing )?(?:out of|with|from|in) (?:it|my|his|her|one|the) "
          r"?(?:left |right )?(?:eye)?\b",
          near=r"\b(?:woke|suddenly|sudden|just|this morning|an hour|minutes?|overnight|out of nowhere)\b", window=120,
          kind="symptom",
          unless=r"\b(?:sunglasses|glasses|contact lens\w*|goggles|mascara|eye patch|screen|monitor|blindfold|"
                 r"power cut|room|lights?)\b"),
    _rule("other", "sudden loss of sight",
          r"\bcurtain\b .{0,30}\b(?:vision|sight|eye)\b|\bshadow over\b .{0,20}\b(?:sight|vision)\b|\bsudden "
          r"(?:flashes|loss of (?:vision|sight))\b"),
    _rule("other", "sickle cell crisis",
          r"\bsickle cell\b", near=r"\b(?:chest pain|fever|breath\w*|severe pain)\b", window=100),
    _rule("other", "asks whether to call an ambulance",
          r"\b(?:should|do|shall) (?:i|we) call (?:911|999|112|an ambulance|the ambulance|emergency)\b|"
          r"\bcall (?:an )?ambulance\?"),
    _rule("other", "says they are dying",
          r"\b(?:i am|i think i am|he is|she is|feel like i am|feel like im) (?:going to |about to )?(?:dying|die)\b",
          unless=r"\bdying (?:to|of|for)\b|\blol\b|\bhaha\b|if i have to",
          # round 28: "my 8 year old says 'I'm dying' because he has to wear his brother's old coat; how do I handle
          # the drama?", with no symptom in the message
          unless_guarded=r"^(?=[\s\S]*\b(?:(?:because|cos|coz|bc|since|when) (?:he|she|they|i) (?:has|have|had|told "
                         r"(?:him|her|them)) to (?:wear|eat|do|go|tidy|share|walk|wait|put on|turn off|stop|practi[cs]e|"
                         r"read|clean|help)|drama\w*|hand ?me ?downs?|tantrum\w*|strop\w*|sulk\w*)\b)(?![\s\S]*\b(?:"
                         r"(?:cannot|can not|could not|struggling to) (?:breathe|breath|swallow)|breath\w*|blue|grey|gray|"
                         r"chest|bleed\w*|blood|collaps\w*|unconscious|faint\w*|fever|temperature|rash|vomit\w*|pain\w*|"
                         r"hurts?|swell\w*|swollen|wheez\w*|floppy|drowsy|seizure|fitting|choking|allerg\w*|sting|stung|"
                         r"swallowed|ate|took)\b)"),
    # ----------------------------------------------------------- round 4 (issue 11): families blind set 2 missed
    # Self-harm told as method research, with no word of intent: how high a fall is fatal, what amount of a
    # medicine stops the heart or breathing, pills hoarded or hidden instead of taken. Asked about a named height
    # or amount, these are risk questions whoever asks (always: only negation or a named benign activity sets
    # them aside; "why are paracetamol packs limited" and "how tall is the tallest building" name neither).
    _rule("self_harm", "asks how high a fall is fatal",
          r"\b(?:how (?:high|tall|far)|what (?:floor|height|storey|story)|which (?:floor|bridge|building|cliff|car park|"
          r"multi ?storey|parking garage|tower)|(?:tallest|highest) (?:bridge|building|cliff|car park|multi ?storey|"
          r"parking (?:garage|lot)|tower|point))\b",
          near=r"\b(?:surviv\w*|fatal|deadly|lethal|kills?|killed|(?:not|never|do not|does not|would not) make it|"
               r"walks? away|anyone live|(?:nobody|no one|noone) (?:lives|survives|walks)|live (?:after|through)|"
               r"the (?:drop|fall) (?:would|will|is)|fall from|going off|jump\w* (?:off|from))\b",
          window=120, always=True,
          unless=r"\b(?:bungee|sky ?div\w*|parachut\w*|abseil\w*|paraglid\w*|climb\w*|cat|dog|toddler|baby|ladder|"
                 r"bunk|trampoline|horse|bike|skateboard|ski\w*)\b"),
    _rule("self_harm", "asks what amount of a medicine would kill or stop the heart",
          r"\b(?:how (?:much|many)|(?:what|the) (?:dose|amount|number|quantity)|which (?:of )?(?:the |my |these )?(?:pills?|"
          r"tablets?|meds|medicines?|drugs?))\b.{0,70}?\b(?:kills?|kill (?:me|you|someone|somebody|a person|an adult)|"
          r"would kill|stop (?:the |a |my |your |his |her |someones |someone s )?(?:heart|breathing)|stops? breathing|"
          r"shut\w* (?:\w+ ){0,2}(?:liver|kidneys|heart)|(?:liver|kidneys|heart) (?:down|stop\w*) for good|more than "
          r"(?:a|the|my|your|one|any) body can (?:take|handle|survive)|enough to (?:stop|kill|end|die|finish|do it)|"
          r"would do it|to do it\b(?! for)|be fatal|be lethal|be deadly|is (?:fatal|lethal|deadly))\b",
          always=True, unless=r"\b(?:bacteria|germs|virus\w*|weeds?|fleas|lice|mites|worms|pests?|plants?|dogs?|cats?|"
                              r"pets?)\b"),
    _rule("self_harm", "hoards medicines instead of taking them",
          rf"\b(?:saving up|saved up|stockpil\w*|hoard\w*|stash\w*|keeping back|kept back|holding back|hiding|hid|"
          rf"putting (?:\w+ )?aside|put (?:\w+ )?aside|squirrel\w*)(?: (?![.!?;](?: |$))[^ \n]+){{0,6}} "
          rf"(?:{_DRUGS}|(?:evening |morning |night |nightly |daily )?doses?|sleepers)\b|"
          # round 11: "putting my sleeping tablets aside", "a tin of his pills saved up"
          rf"\b(?:putting|put|setting|set) (?:(?![.!?;](?: |$))[^ \n]+ ){{0,3}}?(?:{_DRUGS}|sleepers) aside\b|"
          rf"\b(?:{_DRUGS}|sleepers) (?:(?![.!?;](?: |$))[^ \n]+ ){{0,2}}?(?:saved up|put aside|set aside|stashed|hidden "
          rf"away|squirrelled away)\b|"
          rf"\b{_DRUGS}\b(?: (?![.!?;](?: |$))[^ \n]+){{0,6}} instead of taking (?:them|it)\b|\binstead of taking "
          rf"(?:them|it|my (?:\w+ )?(?:dose|pills?|tablets?|meds))\b",
          unless=r"\bfrom (?:the )?(?:kids|children|my (?:son|daughter|kids|children)|grandchildren)|out of (?:their )?reach|"
                 r"for (?:travel|holiday|emergencies)|spare (?:week|day)|side effects?|felt better|feeling better\b"),
    _rule("self_harm", "has collected medicines and asks about taking them all",
          rf"\b(?:collect\w*|gather\w*|got|have|kept|keep)(?: (?![.!?;](?: |$))[^ \n]+){{0,4}} {_DRUGS}\b",
          near=r"\b(?:all (?:together|at once|in one go)|the (?:lot|whole lot)|them all|how long (?:\w+ ){0,6}(?:work|"
               r"kick in|take effect)|what time (?:\w+ ){0,4}(?:nobody|no one|find)|(?:nobody|no one) (?:would )?(?:find|"
               r"notice|interrupt|disturb)|not (?:be )?disturbed|house (?:is )?empty)\b",
          window=120, always=True, unless=r"\bfrom the (?:pharmacy|chemist|surgery)\b",
          # round 27: the whole supply already taken, with the number told ("got into my pills, he's taken them all, 30
          # tablets"), is the overdose rule's "took them all, with a number of tablets"
          unless_text=_TOOK_THEM_ALL_NUMBER),
    # Anaphylaxis asked as a question while it happens ("is it normal for my tongue to go fat after prawns? it is
    # happening now"), and after adrenaline even when the person seems better: a second (biphasic) reaction can
    # follow, so anyone given adrenaline needs the emergency department. A past reaction is history.
    _rule("anaphylaxis", "adrenaline given: still needs the emergency department",
          r"\b(?:used|gave|given|had|jabbed|jabbing|injected|stabbed|did|administered|put in)\b(?: (?![.!?;](?: |$))"
          r"[^ \n]+){0,4} (?:epi ?pens?|jext(?: pen)?|auto ?injectors?|adrenaline(?: pen| jab| shot| injection)?|"
          r"epinephrine(?: pen| shot| injection)?|emerade)\b|\b(?:epi ?pen|jext|auto ?injector|adrenaline)\b"
          r"(?: (?![.!?;](?: |$))[^ \n]+){0,3} (?:in (?:his|her|my|their) (?:leg|thigh))\b",
          unless=r"\b(?:last|in (?:19|20)\d\d|years? ago|as a (?:baby|kid|child)|was fine after|then\b|trainer|practi[sc]e\w*|"
                 r"expir\w*|how (?:do|does|to|should)|why do|prescribed)\b",
          # round 27: pens handed out to carry after a past reaction ("treated in A&E, given 2 EpiPens. Now I'm anxious
          # about eating out"), with no sign of a reaction and nothing used in the message
          unless_guarded=r"^(?=[\s\S]*\b(?:(?:was|were|got|i was|we were|been) )?(?:given|prescribed|sent (?:me |us )?home "
                         r"with) (?:me |us )?(?:two|2|a couple of|a pair of|spare|new|some) (?:adrenaline |epi ?pen )?(?:epi ?pens?|"
                         r"pens|auto ?injectors?|jext pens?|jexts?)\b)(?![\s\S]*\b(?:used|jabbed|injected|stabbed|administered|"
                         r"swell\w*|swollen|wheez\w*|throat|tongue|hives|rash|breath\w*|reacting|collaps\w*|faint\w*|dizz\w*|"
                         r"still|right now|just (?:ate|eaten|had|been stung))\b)|"
                         # round 31: "the pharmacist gave me a new auto-injector brand; is the technique the same?"
                         # (dispensed, not used), with nothing used and no sign of a reaction anywhere in the turn
                         r"^(?=[\s\S]*\b(?:(?:new|different|another|other) brand|gave (?:me|us|him|her) (?:a |the )?(?:new|"
                         r"different|spare|replacement) (?:\S+ )?(?:auto ?injectors?|epi ?pens?|pens?|jext\w*|emerade))\b)"
                         r"(?![\s\S]*\b(?:used|jabbed|injected|stabbed|administered|swell\w*|swollen|wheez\w*|throat|tongue|"
                         r"hives|rash|breath\w*|reacting|reaction|collaps\w*|faint\w*|dizz\w*|stung|still|right now|just (?:ate|"
                         r"eaten|had|been stung))\b)"
                         + r"|" + _PEN_USED_DISCHARGED),  # round 32
    _rule("anaphylaxis", "tongue, lips or throat swelling now after an allergen",
          # (blind set 31: "my tongue's getting big" is read "my tongues getting big")
          r"\b(?:tongues?|tounge|lips?|mouth|throat)(?: and (?:tongue|lips?|mouth|throat))? (?:\w+ ){0,2}(?:go|goes|going|"
          r"went|gone|get|gets|getting|got|feel|feels|feeling|felt|turn\w*|is|are)(?: (?:all|so|really|very|numb and|"
          r"tight and))? (?:fat|big|thick|huge|swollen|swell\w*|tight|squeaky|closing|narrow\w*|shrink\w*|smaller)\b|"
          r"\b(?:tongue|tounge) (?:\w+ ){0,2}too (?:big|fat|thick) (?:to|for)\b|\b(?:throat|airway) (?:\w+ ){0,3}like "
          r"(?:it is |its )?(?:shrinking|closing|narrowing|getting smaller)\b|\b(?:mouth|lips|face) (?:\w+ ){0,2}swell\w* "
          r"so much\b",
          near=r"\b(?:ate|eat|eating|after|sting|stung|bite|bitten|allerg\w*|peanuts?|nuts?|cashews?|prawns?|shrimp|"
               r"shellfish|fish|sesame|kiwi|egg|milk|latex|penicillin|antibiotic|amoxicillin|hives|curry)\b",
          window=140, kind="symptom", unless=r"\b(?:dental|dentist|tooth|teeth|wisdom|filling|cold sore|sore throat|"
                                               r"tonsil\w*|strep|cry\w*|shout\w*)\b"),
    # Chest pain or a racing heart with faintness after stimulant drugs, told inside a drug question.
    _rule("cardiac", "chest pain after stimulant drugs",
          r"\b(?:coke|cocaine|crack|speed|meth|crystal|amphetamines?|mdma|molly|mandy|ecstasy|pills at (?:the|a) "
          r"(?:festival|party|club|rave)|lines|bumps?|uppers)\b",
          near=rf"{_CHEST_PAIN}|\b(?:chest|jaw|left arm)\b(?: (?![.!?;](?: |$))[^ \n]+){{0,4}} (?:tight\w*|gripped|on fire|"
               rf"pain\w*|hurts?|aches?|crush\w*|heavy|pressure|tingl\w*|numb)\b|\btight band\b|\b(?:going to|about to|"
               rf"might|think i will|feel like i am going to) (?:pass out|faint|black out|collapse)\b",
          window=160, kind="symptom",
          unless=r"\b(?:long term|used to|years ago|in my (?:twenties|teens|thirties)|diet coke|coke zero|"
                 r"coca cola)\b"),
    # Dosing errors that need drug knowledge: a narrow-margin medicine taken wrongly is an emergency (poison
    # control now) even when the person feels fine.
    _rule("overdose_poisoning", "methotrexate taken daily instead of weekly",
          r"\bmethotrexate\b",
          near=r"\b(?:every (?:day|morning|night|evening)|daily|once a day|each day|twice a day|a day instead|"
               r"(?:for|the past|the last) (?:\d+|two|three|four|five|six|seven) days|since (?:monday|tuesday|wednesday|"
               r"thursday|friday|saturday|sunday))\b",
          window=100, unless=r"\bfolic acid (?:\w+ ){0,3}(?:every day|daily)|(?:every day|daily) (?:\w+ ){0,3}folic|"
                             r"(?:once|one day) a week\b(?! instead)(?!.{0,40}(?:every day|daily|once a day))"),
    _rule("overdose_poisoning", "extra anticoagulant with bleeding",
          r"\b(?:warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|dabigatran|edoxaban|blood thinners?)\b",
          # (round 36: "twice a day" is the regimen, not a second dose)
          near=r"\b(?:twice(?! (?:a day|daily|per day|each day))|doubl\w*|extra|two doses|too much|too many|by mistake|"
               r"accidentally)\b",
          window=100, kind="symptom",
          unless=r"\b(?:should i take two|take two today|carry on|missed|forgot|can i take)\b",
          unless_guarded=_ANTICOAGULANT_DOUBLE_SETTLED),  # round 28
    _rule("overdose_poisoning", "lithium or digoxin toxicity signs",
          r"\b(?:lithium|digoxin|lanoxin)\b",
          near=r"\b(?:vomit\w*|throwing up|being sick|diarrh\w*|confus\w*|muddled|stumbl\w*|unsteady|slurr\w*|drowsy|"
               r"yellow|green|halos?|pulse (?:is |of )?[2-4]\d|twice|doubl\w*|extra dose)\b",
          window=120, kind="symptom"),
    _rule("overdose_poisoning", "insulin mix-up or double dose",
          r"\b(?:took|taken|injected|gave|given|had|did|done|used|put in)\b .{0,40}\b(?:insulin|novo ?rapid|humalog|"
          r"lantus|levemir|tresiba|toujeo|fiasp|apidra|humulin|novomix|lyumjev|admelog|basaglar|(?:mealtime|meal time|"
          r"night|bedtime|long acting|fast acting|rapid acting|short acting|insulin) pen)\b .{0,50}\b(?:twice|double|"
          r"two doses|instead of|by (?:mistake|accident)|accidentally|thinking it was|wrong pen|too much)\b",
          unless_guarded=_DOSE_TAKEN_BACK),  # round 30
    _rule("overdose_poisoning", "paracetamol over the daily limit",
          r"\b(?:paracetamol|acetaminophen|tylenol|panadol|calpol|co ?codamol|cocodamol|cold and flu)\b",
          near=r"\b(?:every (?:1|2|one|two|couple of|hour)(?: hours?)?|(?:1[2-9]|[2-9]\d) (?:(?:tablets?|pills?) )?"
               r"(?:a|per) day|[5-9](?:\.\d)? ?g(?:rams?)? (?:a|per) day|over the (?:limit|max\w*)|more than the "
               r"(?:limit|max\w*|recommended)|\d+ extra (?:\w+ ){0,3}every)\b",
          window=120, unless=r"\b(?:is it (?:safe|ok)|what is the max\w*|maximum for|why (?:are|is)|limited to)\b"),
    _rule("overdose_poisoning", "chewed or sucked a medicine patch",
          r"\b(?:fentanyl|butrans|buprenorphine|morphine|opioid|pain|duragesic|matrifen|nicotine|used|old) patch\w*\b",
          near=r"\b(?:chew\w*|suck\w*|mouth|cheek|swallow\w*|lick\w*|ate|eaten|eating)\b", window=80),
    _rule("overdose_poisoning", "a child swallowed iron tablets",
          r"\b(?:ferrous \w+|iron (?:pills?|tablets?|supplements?)|vitamins with iron)\b",
          near=r"\b(?:toddler|baby|child|kid|son|daughter|\d+ ?yo|\d+ (?:year|yr|month)s? old|\d+ months)\b",
          window=120, kind="symptom",
          unless=r"\b(?:syrup from|prescribed|spits?|spat|how do i store|out of reach|constipat\w*)\b|"
                 # round 17: a child on iron supplements and the colour of the poo (a calm medication question)
                 r"\b(?:is|are|been|on) (?:on )?(?:her |his |the |their )?(?:iron|ferrous \w+)(?: \S+)? (?:for|and)\b"
                 r"(?= .{0,80}\b(?:poo|poop|stools?|bowel)\b)",
          red_flags=r"\b(?:swallowed|ate|eaten|got into|handful|whole|several|overdose\w*|vomit\w*|drowsy)\b",
          # round 33: where to keep them with a toddler who climbs ("is it OK to keep my iron tablets in a sweet tin in the
          # cupboard?"), with nothing swallowed, missing or chewed told (a turn "nothing's been eaten" is not a sign)
          unless_guarded=r"^(?=[\s\S]*\b(?:store|storing|stored|keep|keeping|kept|put|putting)\b(?: \S+){0,6}? (?:in|on|at) (?:a|an|"
                         r"the|my|our|his|her) (?:\S+ ){0,3}?(?:tin|box|cupboard|shelf|drawer|cabinet|jar|container|bag|handbag|"
                         r"tub|pot|case|organi[sz]er)\b)(?=[\s\S]*\b(?:is (?:it|that|this) (?:ok|okay|safe|alright|fine|a good idea|"
                         r"sensible)|should i|safe (?:enough|place|to)|how (?:should|do|can) i (?:store|keep)|where (?:should|do|can) "
                         r"i)\b)(?![\s\S]*\b(?:swallowed|(?<!nothing has been )(?<!nothings been )(?<!nothing been )(?<!none "
                         r"been )eaten|ate|got into|chewed|chewing|sucked|missing|vomit\w*|sick|drowsy|sleepy|handful|overdose\w*|"
                         r"found (?:him|her|them) with|(?:some|one|two|a few) (?:are |is )?gone|mouth)\b)"),
    # Choking that makes no sound, a rash that stays under a glass, diabetic ketoacidosis in words.
    _rule("breathing", "choking without a sound",
          r"\b(?:clutch\w*|grab\w*|grasp\w*|point\w* at|holding|hands? (?:on|at|to|round|around)) (?:his|her|their|my|the) "
          r"(?:throat|neck)\b|\b(?:cannot|can not|could not|unable to) (?:make a (?:sound|noise)|cough(?! up| it| anything)|"
          r"speak or breathe|talk or breathe)\b|\bno (?:noise|sound)s? (?:is )?(?:coming out|at all)\b|"
          r"\b(?:gone|went|is|he is|she is) (?:completely )?silent\b",
          near=r"\b(?:chok\w*|bite|ate|eating|food|steak|meat|sweets?|grapes?|candy|sausage|swallowed|stuck|mouth|"
               r"throat|neck|red in the face|turning (?:blue|red)|waving)\b",
          window=100, unless=r"\b(?:sore throat|laryngitis|hoarse|lost (?:my|his|her) voice|cold|flu|shy|sulk\w*)\b"),
    # Round 12: a rash "like bruises" spreading with a fever is the non-blanching rash told without its words.
    _rule("infant_child", "a rash like bruises with fever",
          r"\b(?:rash|spots|blotch\w*|marks|patches|dots)\b(?: (?![.!?;](?: |$))[^ \n]+){0,6} (?:like|look like|looks like|"
          r"looking like) (?:\S+ ){0,2}bruis\w*|\bbruise ?like (?:rash|spots|marks)\b",
          near=r"\b(?:fever\w*|temperature|temp|burning up|boiling|hot|3[89](?:\.\d)?|40(?:\.\d)?|spreading|"
               r"spread\w*)\b", window=100, kind="symptom"),
    _rule("infant_child", "rash that stays under a glass with fever",
          r"\b(?:spots?|dots|rash|blotch\w*|marks)\b(?: (?![.!?;](?: |$))[^ \n]+){0,12} (?:(?:does not|do not|will not|"
          r"did not|not|never) (?:go|fade|disappear|blanch|bleach|go away|vanish)\w*|stays?|still (?:there|visible|see))\b",
          near=r"\b(?:glass|tumbler|press\w*|blanch|bleach|fever\w*|temperature|temp|hot|39(?:\.\d)?|38(?:\.\d)?)\b",
          window=80, kind="symptom"),
    _rule("metabolic_sepsis", "signs of diabetic ketoacidosis",
          r"\bketones? (?:(?:are|is|of|at|were|was|reading|on the meter|level)\s)*(?:[2-9](?:\.\d)?|1\.[5-9]|high|"
          r"very high|large|moderate)\b|\bketones? (?:high|very high)\b|\bbreath (?:smells? |smelling )?(?:\w+ ){0,3}"
          r"(?:fruity|pear ?drops|nail (?:polish|varnish)(?: remover)?|acetone)\b|\bfruity breath\b",
          near=r"\b(?:vomit\w*|being sick|been sick|throwing up|drowsy|sleepy|nodding off|confus\w*|hard to wake|"
               r"breathing (?:deep|fast|heavy|hard)|deep (?:and fast )?breath\w*|panting|tummy pain|stomach pain|"
               r"abdominal pain)\b",
          window=140, kind="symptom"),
    # ----------------------------------------------------------- round 5 (issue 11): families blind set 3 missed
    # Self-harm asked as method or mechanism, with no word of intent: an engine or charcoal in a closed space,
    # bleeding out from a wrist, what a whole packet of a poison or medicine does, heights without barriers.
    # Asked this way these are risk questions whoever asks (always); safety and first-aid readings set them aside.
    _rule("self_harm", "asks how an engine or charcoal in a closed space works as a method",
          r"\b(?:car|engine|exhaust|generator|charcoal|bbq|barbecue|barbeque|hose)\b(?: (?![.!?;](?: |$))[^ \n]+){0,8} "
          r"(?:closed|shut|sealed|taped(?: up)?|locked|door down|to the window|into the (?:car|window))\b|\b(?:closed|shut|"
          r"sealed|taped up|locked) (?:\w+ ){0,3}(?:garage|room|bedroom|shed|car|tent|space)\b",
          near=r"\b(?:how long|how many (?:hours|minutes)|quicker|faster|fatal|lethal|deadly|not wake|never wake|"
               r"knock \w+ out|pass out|actually work|painless|does it work|to die)\b",
          window=140, always=True, unless=r"\b(?:alarm|detector|ventilat\w*|boiler|heater|safe to|safety|why should not|"
                                         r"why shouldnt|camping|warm up|warming up|defrost\w*)\b"),
    _rule("self_harm", "asks about bleeding out from a wrist or vein",
          r"\b(?:bleed\w* (?:out|to death)|bleeds? (?:the )?(?:most|fastest|quickest)|pass out for good|blood "
          r"(?:\w+ ){0,2}(?:stop|stops) clotting|cut deep enough|how deep (?:\w+ ){0,5}cut|lengthways)\b",
          near=r"\b(?:wrists?|veins?|arter\w*|forearms?|arms?|bath|cut\w*)\b", window=100, always=True,
          unless=r"\b(?:grapes?|tomato\w*|sausages?|hot ?dogs?|blueberr\w*|carrots?|cucumbers?|fruit|food)\b|"
                 r"\b(?:first aid|stop (?:the |heavy )?bleeding|how do (?:you|i) stop|tourniquet|scars?|as a "
                 r"teenager|years ago|surgery|op\w*|blood test|nose\w*)\b|"
                 # round 11: "i'm bleeding out here" / "not a joke, i cut my arm on glass": an accident, not a method
                 r"\b(?:on (?:a |the |some )?(?:broken )?(?:glass|window|mirror|knife|tin|can|metal|fence|nail|saw)|by "
                 r"accident|accidentally|fell (?:on|onto|through|off)|slipped)\b"),
    _rule("self_harm", "asks what a whole packet of a poison or medicine does",
          r"\b(?:whole|entire|full) (?:\w+ )?(?:box|packet|pack|bottle|strip|tub|tube|jar|blister(?: pack)?|"
          r"container|tin)s?\b|\btook them all at once\b",
          near=r"\bwhat (?:happens|would happen|does|would|will)\b|\bwould (?:they|you|i|it|a person|someone) (?:just )?"
               r"(?:die|fall asleep|not wake|never wake|be fatal)\b|\bdo to (?:you|the body|a person|someone|me|your "
               r"body)\b|\bif (?:i|you|someone|somebody|a person) (?:took|take|ate|eat|drank|drink|swallowed)\b",
          window=120, always=True,
          unless=r"\b(?:dog|cat|puppy|kitten|pet|vet|plants?|weeds?|lawn|garden|slugs in|rats in|mice in|recipe|"
                 r"diet|calories|sugar|crisps|chocolate|biscuits|sweets|vitamins?)\b"),
    _rule("self_harm", "asks about heights without barriers",
          r"\b(?:no|without(?: any| a)?|low|missing|not any) (?:safety )?(?:barriers?|railings?|rails|fences?|fencing|"
          r"nets?|netting|parapets?|wall)\b|\bhigh enough or (?:would|do|does) (?:you|i|one) need\b|\bhigh enough "
          r"(?:that|so) (?:you|i|one|nobody|no one) (?:would not|wouldnt|could not|cannot)\b",
          near=r"\b(?:bridges?|cliffs?|car parks?|multi ?storey|roof\w*|balcon\w*|towers?|building|floor|viaduct|quarry|"
               r"ledge|coast path|top level)\b",
          window=100, always=True,
          unless=r"\b(?:toddler|child|children|kids?|baby|dog|cat|safe for|dangerous for|council|complain\w*|report\w*|"
                 r"view|photo\w*|walk\w* with|garden wall|boundary)\b"),
    # The same family for other means: a ligature, a train, water, a firearm (round 5b).
    _rule("self_harm", "asks how a ligature works as a method",
          r"\b(?:belt|cord|rope|scarf|ligature|noose|cable|tie|lead|sheet)s?\b(?: (?![.!?;](?: |$))[^ \n]+){0,8} "
          r"(?:(?:round|around) (?:the |your |my |a |someones )?neck|(?:hold|take) (?:a persons|a person s|my|your|someones|"
          r"an adults|the) weight)\b|\b(?:hold|take) (?:a persons|a person s|my|your|someones|an adults) weight\b"
          r"(?: (?![.!?;](?: |$))[^ \n]+){0,8} (?:belt|cord|rope|scarf|ligature|noose|cable|sheet)s?\b",
          near=r"\b(?:how long|how many|pass out|lose consciousness|black out|strong enough|would|will|enough to|beam|"
               r"door handle|banister|hook|loft)\b",
          window=120, always=True,
          unless=r"\b(?:climb\w*|swing|hammock|pull ?ups?|gym|boat|tow\w*|mirror|picture|shelf|shelves|dog|lead "
                 r"for|necklace|lanyard|tight collar|tie (?:a|my) tie)\b"),
    _rule("self_harm", "asks whether being hit by a train is instant",
          r"\b(?:hit by|in front of|under) (?:a |an |the )?(?:fast |freight |express |speeding )?trains?\b|\btrains? "
          r"(?:\w+ ){0,3}at full speed\b|\btrains?\b(?: (?![.!?;](?: |$))[^ \n]+){0,8} (?:step|jump|stand|walk)\w* "
          r"(?:out )?in front of (?:it|one)\b",
          near=r"\b(?:instant\w*|painless|hurt|feel it|survives?|surviving|how fast|fatal|quick\w*|over straight away)\b",
          window=120, always=True,
          unless=r"\b(?:drivers?|news|witness\w*|film|movie|counsell\w*|accident (?:last|in|on))\b"),
    _rule("self_harm", "asks how drowning works as a method",
          r"\b(?:drown\w*|go under|stones in (?:my|your|his|her|their) pockets|pockets with stones|walk\w* into the "
          r"(?:sea|river|lake|water)|swim back)\b",
          near=r"\b(?:how long|how cold|before|nobody knows|no one knows|at night|cannot swim|can not swim|stones)\b",
          window=120, always=True,
          unless=r"\b(?:sailing|kayak\w*|canoe\w*|swim\w* lessons?|swim\w* (?:teach\w*|instructor\w*|coach\w*)|lifeguard|life ?jacket|fall\w* (?:in|through)|"
                 r"fell (?:in|through)|child|children|kids?|toddler|baby|dog|safety|rescue|cold water shock|dry drowning)\b|"
                 # round 30: "drowning in work rn, cant breathe with all these deadlines lol" (the near-drowning rule's idiom),
                 # with no second mention of drowning and no intent, time or place in the sentence
                 r"^(?![\s\S]*\bdrown\w*\b[\s\S]*\bdrown\w*\b)(?![\s\S]*\b(?:tonight|end it|end my life|kill myself|die|"
                 r"dying|suicid\w*|river|sea|lake|canal|bridge|stones|pockets)\b)[\s\S]*\bdrowning (?:and \S+ )?(?:in|on|under) (?:all )?(?:these |the |my )?(?:\S+ )?(?:work|deadlines?|e ?mails?|"
                 r"paperwork|admin|meetings?|tasks|bills|debt|essays?|coursework|revision|homework|assignments?|exams?|"
                 r"marking|uni work|laundry)\b"),
    _rule("self_harm", "asks where a gunshot is surely fatal",
          r"\b(?:gun|shotgun|rifle|pistol|handgun|shoot|shot|bullet)\b",
          near=r"\b(?:instant\w*|painless|no chance of surviv\w*|always (?:work|fatal|kill)\w*|where (?:do you|to|should "
               r"(?:i|you)) aim|which part of the (?:head|body)|to the head|under the chin|in the mouth)\b",
          window=80, always=True,
          unless=r"\b(?:deer|hunt\w*|animal|vet|range|target|clay|war|exam|nursing|news|film|movie|game|video game|"
                 r"vaccin\w*|flu shot|booster|jab)\b"),
    # Anaphylaxis with an expired pen (symptoms now), and a first pen given with symptoms going on: both are
    # emergencies whatever the sentence says about when the pen expired or was prescribed.
    _rule("anaphylaxis", "allergic reaction now with an expired pen",
          r"\b(?:epi ?pens?|jext(?: pen)?|auto ?injectors?|adrenaline(?: pen)?|auvi ?q|emerade|pen)\b(?: (?![.!?;](?: |$))"
          r"[^ \n]+){0,4} (?:expired|out of date|past (?:the|its) (?:date|expiry)|is old)\b|\b(?:expired|out of date|old) "
          r"(?:epi ?pens?|jext|auto ?injectors?|adrenaline(?: pen)?|pen)\b",
          near=r"\b(?:throat|tongue|lips?|face|swell\w*|swoll\w*|wheez\w*|breath\w*|hives|closing|tight\w*|faint\w*)\b",
          window=120, always=True,
          unless=r"\b(?:how do i get|renew\w*|replace\w*|dispos\w*|keep the old|spare|pharmacy take|recycl\w*)\b"),
    _rule("anaphylaxis", "first adrenaline pen given, symptoms going on",
          r"\b(?:second|other|spare|backup|back up|2nd|another|next) (?:epi ?pen|pen|auto ?injector|adrenaline|jext|"
          r"jab|shot|one)\b|\b(?:first|1st) (?:epi ?pen|pen|auto ?injector|adrenaline|jab|shot)\b",
          near=r"\bstill (?:\w+ ){0,3}(?:wheez\w*|cough\w*|struggl\w*|breathless|blue|grey|gray|swell\w*|swoll\w*|hoarse|"
               r"tight|short of breath|breathing fast|fast|cannot breathe|gasping|dizzy|faint\w*|itch\w* all over)\b|"
               r"\bvoice (?:is )?(?:going|hoarse|gone)\b|\blips (?:\w+ )?blue\b",
          window=160, always=True, unless=r"\b(?:school trip|understand|why do|prescrib\w*|when would you)\b"),
    # Severe asthma: many reliever puffs (asthma plans say up to ten, then the emergency number) that do not help,
    # a reliever needed every few minutes; an oximeter reading in the 80s told without the word "oxygen".
    _rule("breathing", "many reliever puffs not helping",
          r"\b(?:[6-9]|[1-9]\d|six|seven|eight|nine|ten|twelve|fifteen|twenty|whole|all (?:the )?|loads of|lots of) "
          r"(?:\w+ )?puffs?\b|\b(?:blue inhaler|reliever|ventolin|salbutamol|albuterol|inhaler)\b(?: (?![.!?;](?: |$))"
          r"[^ \n]+){0,3} every (?:few|couple of|\d+|five|ten|fifteen) (?:minutes|mins)\b",
          near=r"\b(?:not|is not|isnt) (?:working|helping|touching|lasting|doing anything)|still (?:\w+ ){0,3}(?:breath\w*|"
               r"struggl\w*|wheez\w*|fast|tight)|hardly (?:talk|speak)|cannot (?:talk|speak|finish)|sucking in|ribs|"
               r"breathless|struggling (?:for|to) breath\w*|not lasting\b",
          window=140, kind="symptom"),
    _rule("breathing", "oximeter reading in the 80s",
          r"\b[5-8]\d ?(?:%|percent)(?: (?:\w+ ){0,3}(?:on|from) (?:the |my |his |her |a )?(?:finger|oximeter|pulse ox\w*|"
          r"monitor|clip|probe|sats))?\b|\b(?:reading|readings|monitor|clip|finger (?:thing|probe|monitor)) (?:\w+ ){0,3}"
          r"(?:[5-8]\d)(?:%| percent)?(?![\d.])",
          near=r"\b(?:oximeter|pulse ox\w*|fingers?|oxygen|sats|monitor|clip|probe)\b", window=80,
          unless=r"\b(?:battery|charge|i feel fine|feel fine|heart rate|pulse is|pulse of|bpm|blood pressure|bp|sugar|"
                 r"glucose|phone|percent of|% of)\b|" + _COLD_READING, red_flags=_HYPOXIA_SIGNS),
    # A clot after long travel: a swollen, painful calf on one side after a flight or a long drive (deep vein
    # thrombosis); with breathlessness, chest pain on breathing or blood coughed up, a clot in the lung.
    _rule("breathing", "clot signs after long travel, with breathlessness",
          r"\b(?:calf|calves|legs?|thigh)\b(?: (?![.!?;](?: |$))[^ \n]+){0,6} (?:swollen|swelling|puffy|red|hot|warm|"
          r"hard|tender|painful|tight|twice the size)\b",
          near=r"\b(?:short of breath|breathless|out of breath|pain when i breathe|hurts? to breathe|breathing in|"
               r"cough\w* (?:up )?(?:\w+ ){0,3}blood|chest pain|pink|froth\w*)\b",
          window=220, kind="symptom", unless=r"\b(?:both (?:legs|calves|ankles|sides)|cramp\w* at night|gym|run\w*)\b"),
    _rule("other", "a swollen painful calf after long travel",
          r"\b(?:calf|calves|legs?|thigh)\b(?: (?![.!?;](?: |$))[^ \n]+){0,6} (?:swollen|swelling|puffy|red|hot|warm|"
          r"hard|tender|painful|twice the size)\b",
          near=r"\b(?:flight|flew|flying|long haul|plane|coach|drive|drove|driving|journey|travel\w*|trip)\b",
          window=200, kind="symptom", unless=r"\b(?:both (?:legs|calves|ankles|sides|feet)|went down|goes down|go down|"
                                              r"by the evening|overnight|compression socks|how do i (?:reduce|prevent)|"
                                              # round 12: "tight calves after the flight, no swelling or redness"
                                              r"no (?:swelling|redness|pain))\b"),
    # Round 12: pink frothy sputum is fluid in the lungs (heart failure, a clot in the lung) whatever comes before it.
    _rule("breathing", "coughing up pink frothy sputum",
          r"\bpink (?:and )?froth\w*|\bfrothy pink\b|\bpink (?:\S+ )?(?:sputum|spit|phlegm|foam)\b",
          near=r"\b(?:cough\w*|spit\w*|sputum|phlegm|bring\w* up|breath\w*)\b", window=80, kind="symptom"),
    # Adrenal crisis: long-term steroids stopped or run out, then vomiting, faintness, confusion or low pressure.
    _rule("metabolic_sepsis", "steroids stopped, signs of adrenal crisis",
          r"\b(?:stopped|stopping|came off|come off|coming off|ran out of|run out of|quit|forgot|missed|no more)\b "
          r"(?:\w+ ){0,4}(?:steroids?|prednisolone|prednisone|pred|hydrocortisone|dexamethasone|fludrocortisone)\b",
          near=r"\b(?:vomit\w*|throwing up|being sick|been sick|faint\w*|dizz\w*|confus\w*|collaps\w*|(?:blood pressure|bp) "
               r"(?:is )?(?:low|very low|[5-8]\d ?/)|low (?:blood pressure|bp)|hardly stand|cannot stand|very weak)\b",
          window=160, kind="symptom", always=True,  # "on it for years" is the risk, not old news
          unless=r"\b(?:taper\w*|as (?:my|the) (?:doctor|gp|consultant) said|slowly|gradually|signs of|what are|reduc\w*)\b"),
    # Sight lost in one eye for minutes with arm or hand symptoms (or atrial fibrillation): a warning stroke,
    # whatever the question asks (an optician, an eye test).
    _rule("stroke", "sight lost in one eye with arm symptoms or AF",
          r"\b(?:curtain|blind|shade|shadow)\b (?:\w+ ){0,4}(?:came down|coming down|come down|over (?:my|his|her|one)|"
          r"across)\b|\b(?:one|left|right|his|her|my) eye (?:\w+ ){0,3}(?:went|gone|go|goes|turned|blacked|was) "
          r"(?:completely |totally )?(?:dark|black|blind|grey|gray|out)\b|\b(?:lost|lose|losing) (?:the )?(?:sight|"
          r"vision) in (?:one|my (?:left|right)|his|her|the (?:left|right)|(?:left|right)) eye\b|\bvision in one eye "
          r"(?:\w+ ){0,2}(?:blacked|went|gone) (?:out|dark|black)\b",
          near=r"\b(?:arm|hand|leg|face|tingl\w*|numb\w*|weak\w*|clumsy|speech|af|atrial fibrillation|warfarin|"
               r"apixaban)\b", window=200, kind="symptom"),
    # One urgent line inside a long administrative message: an older person found on the floor and not
    # responding properly, a first seizure with confusion that lasts, a baby hard to wake.
    _rule("unresponsive_seizure", "found on the floor, not responding properly",
          r"\b(?:found (?:him|her|them|my \w+) (?:\w+ )?(?:on|lying on) the (?:\w+ )?floor|(?:was|is|were) (?:lying )?"
          r"on the (?:\w+ )?floor|lying on the (?:\w+ )?floor)\b",
          near=r"\b(?:(?:not|is not|isnt) (?:answering|responding|making sense|talking|waking)|very (?:drowsy|confused|"
               r"sleepy)|drowsy|confus\w*|cannot get up|does not know|unresponsive|slurr\w*)\b",
          window=140, kind="symptom"),
    _rule("unresponsive_seizure", "a first seizure with lasting confusion",
          r"\b(?:seizure|fit|convulsion)s? for the first time\b|\bfirst (?:ever )?(?:seizure|fit|convulsion)\b",
          near=r"\b(?:still (?:confused|drowsy|not|does not|doesnt)|not making sense|confus\w*|does not know where|"
               r"hour later)\b", window=140, kind="symptom"),
    _rule("infant_child", "a baby hard to wake",
          r"\b(?:hardly|barely|cannot|can not|could not|struggl\w* to) (?:wake|wakes|waking|rouse|rousing)\b|\b(?:unusually|really|very|so) "
          r"(?:drowsy|sleepy)\b",
          near=_INFANT, window=120, kind="symptom", unless=r"\b(?:after (?:her|his|the) (?:jabs|vaccin\w*)|wakes for)\b"),
    # A toddler and blood-pressure or heart tablets (one can be dangerous); a fingertip cut off and bleeding.
    _rule("overdose_poisoning", "a young child swallowed heart or blood-pressure tablets",
          r"\b(?:amlodipine|bisoprolol|propranolol|atenolol|metoprolol|carvedilol|diltiazem|verapamil|nifedipine|"
          r"felodipine|clonidine|flecainide|heart (?:pills?|tablets?|medicines?|meds)|blood pressure (?:pills?|tablets?|"
          r"medicines?|meds))\b",
          near=r"\b(?:toddler|baby|child|kid|(?:\d+|one|two|three|four) ?(?:yo|yr|year|month)s? old|\d+ ?(?:yo|yr|year|"
               r"month)\b|(?:my|our) (?:son|daughter) is (?:\d|one|two|three|four))\b(?=.{0,120}\b(?:ate|eaten|swallowed|"
               # (the lead's mend after blind set 29: "found my 2 yr old chewing Nana's amlodipine, 4 gone from the strip")
               r"chewed|chewing|eating|sucking|got into|in (?:his|her) mouth|found (?:it|one) in|gone from|missing)\b)",
          window=120, kind="symptom", unless=r"\b(?:all (?:counted|accounted)|none missing|nothing missing|away from|"
                                              r"out of reach|how do i (?:keep|store))\b"),
    _rule("bleeding_trauma", "fingertip cut off and bleeding",
          r"\b(?:tip|end|top|part) of (?:my|his|her|the|their) (?:finger|thumb|fingertip)s?\b(?: (?:\w+ ){0,2})?(?:clean )?"
          r"(?:off|missing)\b|\b(?:cut|chopped|sliced|took|ripped|torn|caught) (?:\w+ ){0,2}(?:the )?(?:tip|end|top) of "
          r"(?:my|his|her|the) (?:finger|thumb)s?\b|\bfingertip (?:\w+ ){0,2}(?:off|missing)\b",
          near=r"\b(?:blood|bleed\w*|pouring|towels?|spurting)\b", window=120, kind="symptom"),
    # Round 6 (families described in RESULTS.md "Blind set 4"): each rule is a clinical picture, not a phrasing.
    # Decided self-harm asked as "the least painful way to go"; an overdose taken while refusing rescue.
    _rule("self_harm", "asks the least painful way to go",
          r"\b(?:least painful|painless\w*|quickest|easiest|peaceful\w*|gentlest) way to go\b(?! about| through| for| to "
          r"(?:the|a|my|work|school|bed))|\bway to go (?:that )?(?:hurts|hurt) (?:the )?least\b", always=True),
    _rule("self_harm", "has decided and asks what is least painful",
          r"\bi (?:have|had) (?:decided|made up my mind|made my decision|made the decision)\b",
          near=r"\b(?:least painful|painless\w*|hurts? (?:the )?least|way to go|not wake up)\b", window=120),
    _rule("self_harm", "took an overdose and refuses rescue",
          r"\b(?:do not|never) want to be (?:saved|rescued|found|revived|resuscitated)\b|\b(?:do not|please do not|"
          r"never) (?:call|send|tell) (?:anyone|anybody|an ambulance|for help)\b|\blet me (?:go|die|slip away)\b",
          near=r"\b(?:took|taken|swallowed|downed|overdosed?|pills|tablets|everything in the (?:cabinet|cupboard|drawer))\b",
          window=140),
    # Emergencies told by their classic presentation instead of their name.
    _rule("pregnancy", "shoulder-tip pain in early pregnancy (ectopic)",
          r"\b(?:shoulder ?tip|tip of (?:my|her) shoulder|top of (?:my|her) shoulder)\b",
          near=r"\b(?:positive (?:pregnancy )?test|test (?:was|is|came back|came up) positive|pregnan\w*|period is late|"
               r"late period|missed (?:my |her )?period)\b", window=160, kind="symptom"),
    _rule("pregnancy", "one-sided pain with fainting in early pregnancy (ectopic)",
          r"\b(?:one[- ]sided|on (?:the |my |her )?(?:right|left|one) side|(?:right|left)[- ]sided|low on the (?:right|"
          r"left))\b(?=.{0,120}\b(?:faint\w*|passed out|pass out|nearly passed|collaps\w*|dizzy|light ?headed|shoulder)\b)",
          near=r"\b(?:positive (?:pregnancy )?test|test (?:was|is|came back|came up) positive|pregnan\w*|period is late|"
               r"late period|missed (?:my |her )?period)\b", window=160, kind="symptom"),
    _rule("cardiac", "sudden pain with a known aortic aneurysm",
          r"\b(?:aortic aneurysm|aneurysm|(?:wide|widened|enlarged|bulging|swollen|dilated) aorta|triple a|aaa)\b",
          near=r"\b(?:sudden\w*|severe|tearing|pulsing|pulsat\w*|throbbing|dizzy|faint\w*|grey|gray|collaps\w*|sweaty)\b",
          window=160, kind="symptom", unless=r"\b(?:screen\w*|repaired|hereditary|runs in)\b"),
    _rule("cardiac", "sudden belly or back pain with a pulsing mass",
          r"\b(?:pulsing|pulsating|throbbing) (?:lump|mass)\b|\b(?:something|a lump|a mass) (?:pulsing|pulsating|"
          r"throbbing) in (?:my|his|her|the) (?:belly|tummy|abdomen|stomach)\b",
          near=r"\b(?:sudden\w*|severe|back)\b", window=160, kind="symptom"),
    _rule("other", "saddle numbness or loss of bladder control with back pain (cauda equina)",
          r"\bsaddle (?:numb\w*|an(?:a)?esthesia)\b|\bnumb\w* (?:between (?:my|his|her) legs|around (?:my|his|her) "
          r"(?:private\w*|genital\w*|bum|back passage|anus|bottom))\b|\b(?:lost|no|losing) (?:feeling|sensation) "
          r"(?:between|around|in) (?:my|his|her) (?:legs|private\w*|genital\w*|bum|bottom|back passage)\b|\b(?:bum|"
          r"bottom|buttocks) and (?:inner )?thighs (?:are |have gone |went )?numb\b",
          near=r"\b(?:back|sciatica|disc|legs?|bladder|pee|urin\w*|wee|bowel|wet myself|incontinen\w*)\b", window=160,
          kind="symptom"),
    _rule("other", "a hernia that will not go back, with pain or vomiting",
          r"\bhernia\b(?=.{0,80}\b(?:stuck|(?:will not|cannot|can not|does not|not) go(?:ing)? back|(?:cannot|can not|"
          r"could not|unable to) push (?:it )?back|gone hard|hard and|purple)\b)",
          near=r"\b(?:vomit\w*|throwing up|being sick|been sick|pain\w*|tender)\b", window=160, kind="symptom"),
    _rule("other", "a lump that will not go back, with vomiting",
          r"\b(?:lump|bulge)\b(?=.{0,80}\b(?:stuck out|(?:will not|cannot|does not) go back|(?:cannot|can not|could not) "
          r"push (?:it )?back)\b)",
          near=r"\b(?:vomit\w*|throwing up|being sick|been sick)\b", window=160, kind="symptom"),
    _rule("infant_child", "green vomit in a baby",
          r"\b(?:vomit\w*|sick|throwing up|threw up|thrown up)\b(?: \S+){0,5} (?:green|bile|bilious)\b(?! (?:snot|mucus|"
          r"phlegm|poo|poop|stool|nappy|diaper))",
          near=_INFANT, window=120, kind="symptom"),
    _rule("other", "mains electricity through the body",
          r"\b(?:live wire|the mains|mains electricity|exposed wire|broken cable|\d+ ?(?:v|volts)|high voltage|power "
          r"line)\b",
          near=r"\b(?:shock\w*|current|zapp\w*|thrown back|went through|electrocut\w*)\b", window=120, kind="symptom"),
    _rule("other", "electric current through the body",
          r"\b(?:current|electricity|shock) (?:went|passed|ran|go(?:es)?|travelled|traveled) (?:through|across|from)\b"),
    _rule("overdose_poisoning", "hydrofluoric acid on the skin or swallowed",
          r"\b(?:hydrofluoric|hf acid|hydrogen fluoride)\b",
          near=r"\b(?:on (?:my|his|her|the)|skin|splash\w*|spill\w*|spilt|got (?:some|it)|hand|fingers?|arm|forearm|face|"
               r"eyes?|swallow\w*|drank)\b", window=120, kind="symptom"),
    _rule("bleeding_trauma", "coffee-ground vomit or black tarry stool (upper GI bleed)",
          r"\bcoffee grounds?\b(?=.{0,10}\b(?:vomit|sick)\b)|\b(?:vomit\w*|sick|threw up|throwing up)\b(?: \S+){0,4} "
          r"coffee grounds?\b|\btarry\b|\blike tar\b|\b(?:poo\w*|poop\w*|stools?|motions?|passing|passed)\b(?: \S+){0,4} black tar\b|\b(?:poo|poop|stools?|motions?)\b(?: \S+){0,4} black\b|\bblack "
          r"(?:\w+ ){0,2}(?:poo|poop|stools?|motions?)\b",
          near=r"\b(?:ibuprofen|naproxen|aspirin|diclofenac|nsaids?|anti ?inflammator\w*|blood thinners?|warfarin|"
               r"apixaban|rivaroxaban|clopidogrel|light ?headed|faint\w*|dizzy|ulcer|liver|cirrhosis|vomit\w*|sick|"
               r"tarry|tar)\b", window=160, unless=r"\b(?:iron (?:tablets?|pills?)|ferrous|bismuth|heroin|"
                                                                   r"pepto|liquorice|licorice|blueberr\w*|beetroot)\b"),
    _rule("cardiac", "collapse with a racing heart",
          r"\b(?:heart (?:was |had been |started |kept )?(?:racing|pounding|going (?:really |very |so )?fast)|(?:racing|"
          r"pounding) heart)\b",
          near=r"\b(?:collaps\w*|fainted|faint|passed out|blacked out|dropped to the (?:ground|floor)|went down|came "
               r"round)\b", window=120, kind="symptom"),
    # A severe asthma attack now, even as one line in an administrative message.
    _rule("breathing", "a severe asthma attack now",
          r"\b(?:having|in the middle of|mid|in) (?:an? )?(?:bad |severe |serious |really bad |terrible |major )?asthma "
          r"attack\b(?! (?:last|yesterday|when|as a|years?|once|before))"),
    _rule("breathing", "too breathless to speak",
          r"\b(?:can only (?:say|speak|get out|manage) a few words|(?:cannot|can not) (?:finish|complete) (?:a |my )?"
          r"sentences?|struggling to (?:get (?:the )?words out|speak|talk)|can (?:hardly|barely) (?:talk|speak))\b",
          near=r"\b(?:asthma|wheez\w*|breath\w*|inhaler|chest|puffer)\b", window=140),
    # Swelling of the face or mouth with the throat or voice affected, however it is written.
    _rule("anaphylaxis", "face or mouth swelling with the throat affected",
          r"\b(?:face|lips?|tongue|eyes?|mouth)\b(?: \S+){0,3} (?:swell\w*|swole\w*|big|fat|puff\w*)\b",
          near=r"\bthroat(?: \S+){0,2} (?:small|tight|narrow|clos\w*|swell\w*|swollen)\b|\bhard (?:for|to) swallow\b|"
               r"\bcannot swallow\b|\bvoice (?:change\w*|hoarse|different|gone|funny)\b|\bwheez\w*|\b(?:cannot|hard to|"
               r"struggling to) breath\w*", window=120),
    # Bystander scenes: choking that ends floppy; a school asking whether to wait before the auto-injector.
    _rule("breathing", "choking, then limp or unresponsive",
          r"\bchok\w*\b",
          near=r"\b(?:floppy|limp|gone quiet|not (?:really )?respond\w*|unresponsive|passed out|went blue|turning blue|"
               r"unconscious)\b", window=160),
    _rule("anaphylaxis", "asks whether to wait before the auto-injector during a reaction",
          r"\b(?:wait|watch)\w*\b(?: \S+){0,8} (?:auto ?injector|epi ?pens?|jext|emerade|adrenaline pen|the pen)\b|"
          r"\b(?:auto ?injector|epi ?pen|the pen)\b(?: \S+){0,3} or (?:wait|watch)\b|\bor give the pen\b",
          near=r"\b(?:hives|wheez\w*|swell\w*|swollen|cough\w*|vomit\w*|throat|lips?|breath\w*|rash)\b", window=160),
    # Blind set 27's emergencies that got nothing (the lead's mends): a finger, thumb, toe or hand cut off ("finger off in
    # the lawnmower. its in a bag of ice", "cut my finger off with the saw"), near a machine, a blade, ice or blood.
    _rule("bleeding_trauma", "a finger, toe or hand cut off",
          r"\b(?:cut|chopped|sliced|sawed|sawn|took|taken|ripped|torn|severed|sheared|lost)\b(?: \w+){0,2} (?:fingers?|"
          r"thumbs?|toes?|hands?|foot|feet|ears?)\b(?: \w+){0,1} (?:clean )?off\b|\b(?:fingers?|thumbs?|toes?|hands?)\b "
          r"(?:(?:is|was|came|has come|got|clean|right|completely|totally) ){0,2}(?:off|severed|cut off|chopped off|sliced "
          r"off|ripped off|torn off)\b(?! (?:the|my|his|her|their|your|a|an) (?:trigger|keys?|keyboard|button|pedal|wheel|"
          r"steering|phone|gas|brake|mouse|screen|switch|handle|rail|table|desk|lever)\b)",
          near=r"\b(?:lawn ?mower|mower|saw|chainsaw|blade|machine\w*|slicer|axe|knife|guillotine|grinder|router|door|"
               r"hinge|bag of ice|ice|in a bag|accident|blood\w*|bleed\w*|spurt\w*|a&e|ambulance|bone|stump|sawed|sawn|"
               r"severed|workshop|factory|reattach\w*|sew\w* (?:it )?back|back on)\b", window=120,
          unless=r"\b(?:keep|kept|take|took|get|got) (?:your|my|his|her|their) (?:hands?|fingers?) off\b"),
    # A wound still bleeding through a towel, a cloth or a bandage ("slipped with the scalpel ... it's still pouring
    # through the tea towel"), also deep in a long message about something else.
    _rule("bleeding_trauma", "bleeding through a towel or bandage",
          r"\b(?:pouring|gushing|pumping|coming|seeping|soaking|soaked|bleeding|leaking|spurting|dripping|running|gone|going|"
          r"bled) (?:right |straight "
          r"|all )?through (?:the |a |my |his |her |their |two |three |\d+ )?(?:\S+ )?(?:tea towels?|towels?|cloths?|"
          r"bandages?|dressings?|t ?shirts?|shirts?|jumpers?|kitchen roll|tissues?|napkins?|gauze|plasters?|flannels?|"
          r"rags?|socks?|sleeves?)\b",
          near=r"\b(?:cut|slipped|slip|knife|scalpel|blade|glass|deep\w*|wound|gash\w*|blood|bleed\w*|palm|wrist|finger\w*|"
               r"hand|arm|leg|thigh|foot|head|stab\w*|saw|chisel|razor)\b", window=160,
          unless=r"\b(?:sweat\w*|rain|water|tea(?! towels?)|coffee|milk|paint|ink|dye|oil|wine(?! glass)|juice|nappy|diaper|"
                 r"period|pad|tampon)\b"),
    # A throat "a bit" tight or thick after an allergen, played down ("Throat's a bit tight after the peanut sauce and my
    # voice is a bit hoarse, probably fine, will a Benadryl do?").
    _rule("anaphylaxis", "throat a bit tight after an allergen",
          r"\bthroat (?:is |feels |feel |getting |going |gone )?(?:a bit|a little|a wee bit|slightly|kind of|kinda|quite|"
          r"abit|bit|sort of|a tiny bit) (?:tight\w*|thick|closing|swollen|swelling|funny and tight|scratchy and tight)\b",
          near=r"\b(?:peanuts?|nuts?|cashews?|almonds?|hazelnuts?|pistachios?|walnuts?|pecans?|shellfish|shrimp|prawns?|"
               r"crab|lobster|mussels?|sesame|satay|allerg\w*|epi ?pens?|pen injector|adrenaline|sting|stung|bee|wasp|"
               r"antibiotic|penicillin|amoxicillin|hoarse|voice)\b", window=160, kind="symptom",
          unless=r"\b(?:cold|flu|sore throat|hay ?fever|pollen|anxious|anxiety|panic|shouting|singing|cough\w*)\b"),
    _rule("bleeding_trauma", "fingertip cut off",
          r"\b(?:cut|chopped|sliced|took|ripped|torn|sheared)\b(?: \w+){0,2} (?:the )?(?:tip|end|top) of (?:my|his|her|"
          r"the|their) (?:finger|thumb)s? (?:clean )?off\b|"
          # the lead's mend after blind set 24: "took the tips of two fingers off" (tips of two, three, both fingers)
          r"\b(?:cut|chopped|sliced|took|ripped|torn|sheared)\b(?: \w+){0,2} (?:the )?(?:tips|ends|tops) of (?:(?:my|his|"
          r"her|the|their) )?(?:two|three|four|both|\d) (?:of (?:my|his|her|their) )?(?:fingers|thumbs)\b(?: \w+){0,2} off\b|\b(?:cut|chopped|sliced|took|ripped|torn) off (?:the )?(?:tip|"
          r"end|top) of (?:my|his|her|the|their) (?:finger|thumb)s?\b|\bfinger ?tips? (?:\w+ ){0,2}(?:cut|chopped|sliced|"
          r"ripped|torn|came|come|taken) off\b|\blost (?:the )?(?:tip|end|top) of (?:my|his|her|the|their) (?:finger|"
          r"thumb)s?\b"),
    # Minimizing words beside a red flag: these pictures are emergencies whatever the writer thinks of them.
    _rule("pregnancy", "a steady leak of fluid before term (waters broken early)",
          r"\b(?:trickl\w*|leak\w*|dribbl\w*|soaked|running)\b(?: \S+){0,4} (?:fluid|water|liquid)\b|\b(?:fluid|water|"
          r"liquid)\b(?: \S+){0,3} (?:trickl\w*|leak\w*|dribbl\w*|running down)\b|\bwatery fluid\b",
          near=r"\b(?:2\d|3[0-6]) (?:weeks?|wks?)\b", window=140, kind="symptom"),
    _rule("pregnancy", "visual disturbance or very high blood pressure after birth",
          r"\b(?:flashing lights|seeing (?:stars|spots|sparkles)|spots in (?:my|her) vision|blurr\w* vision|vision (?:has|"
          r"is) (?:\w+ )?(?:sparkl\w*|blurr\w*|funny)|sparkles)\b|\b(?:bp|blood pressure|pressure)\b(?: \S+){0,4} "
          r"(?:1[6-9]\d|2\d\d)\b",
          near=r"\b(?:gave birth|had (?:my|the|her|our) baby|delivered|c ?section|caesarean|postpartum|post partum|after "
               r"(?:the )?birth)\b", window=160),
    _rule("cardiac", "jaw, neck or chest pain on exertion with sweating or getting worse",
          r"\b(?:jaw|neck|breastbone|chest|left (?:arm|shoulder))\b(?: \S+){0,5} (?:ache\w*|pain\w*|pressure|tight\w*|"
          r"heav\w*|squeez\w*)\b(?=.{0,80}\b(?:walk\w*|climb\w*|stairs|exert\w*|hill|exercis\w*)\b)|\b(?:ache|pain|"
          r"pressure|heaviness|tightness)\b(?: \S+){0,3} (?:in|behind) (?:my|his|her) (?:jaw|neck|breastbone|chest)\b"
          r"(?=.{0,80}\b(?:walk\w*|climb\w*|stairs|exert\w*|hill|exercis\w*)\b)",
          near=r"\b(?:sweat\w*|clammy|grey|gray|pale|worse|breathless|sick)\b", window=160, kind="symptom"),
    # Round 7 (families described in RESULTS.md "Blind set 5"): each rule is a clinical picture, not a phrasing.
    # A FAST check (face, arm, speech) that came out positive, told as the check's result instead of the symptoms.
    _rule("stroke", "a positive FAST check (face, arm, speech)",
          r"\b(?:(?:be )?fast (?:test|check|screen|signs?)|fast on (?:my|him|her|his|our)|face,? arms?,? (?:and )?speech)\b",
          near=r"\b(?:positive|all (?:three|3) (?:yes|signs)|(?:face|arms?|speech) (?:yes|positive|failed))\b", window=100,
          unless=r"\b(?:negative|normal|all fine|passed|stand for|how (?:do|to|would)|what (?:is|does|are))\b"),
    # Self-injury now that gapes or keeps bleeding: self_harm (crisis line and emergency care), not a kitchen cut.
    _rule("self_harm", "a self-inflicted cut that gapes or will not stop bleeding",
          r"\b(?:cut|cutting|slash\w*|sliced) (?:myself|himself|herself|themselves)\b|\bself ?harm\w*\b|\bon purpose\b|"
          r"\bdid it (?:again )?with (?:a|the|my) (?:razor|blade|knife)\b|\b(?:cut|slashed|sliced) (?:my|his|her) (?:arm|"
          r"wrist|thigh|leg)s? again\b",
          near=r"\b(?:gap\w*|wide open|split open|(?:will not|would not|cannot|can not|not) stop(?:ping)? bleed\w*|bleeding "
               r"(?:will not|would not|does not|is not) stop\w*|still bleeding|keeps bleeding|bleeding through|pouring)\b",
          window=160, kind="symptom",
          unless=r"\b(?:shaving|chopping|cooking|slicing|peeling|by accident|accidentally|on (?:a|the) (?:knife|tin|glass|"
                 r"fence|can|lid|paper))\b"),
    # A stated decision to drink a poison (a pesticide or weed killer by brand or by name, or a household poison).
    _rule("self_harm", "decided to drink a pesticide or poison",
          r"\b(?:decided|made up (?:my|his|her) mind|mind is made up|going to|gonna|plan(?:ning)? to|want to|wanna)\b(?: \S+)"
          r"{0,4} (?:drink|drinking|swallow\w*|down|downing)\b(?: \S+){0,5} (?:\b(?:" + _PESTICIDES + r")\b|" + _POISONS + ")",
          unless=r"\b(?:by accident|accidentally|spray\w*|garden|weeds|lawn)\b"),
    _rule("self_harm", "has decided, with a pesticide and tonight or all of it",
          r"\b(?:i|he|she) (?:have|has|had) (?:decided|made up (?:my|his|her) mind)\b"
          r"(?=.{0,160}\b(?:tonight|all of it|the lot|the (?:whole )?bottle)\b)",
          near=r"\b(?:" + _PESTICIDES + r")\b", window=160,
          unless=r"\b(?:use|using|apply\w*|spray\w*|garden|weeds|lawn|roses|patio|paths?|paving|driveway|decking|allotment|"
                 r"ants?|wasps?|slugs|pests?|crops?|farm)\b", unless_scope="text"),
    # Round 12: a child found with a pill organiser and days of a relative's tablets missing (anticonvulsants, heart or
    # blood pressure tablets: dangerous in a small child even if "he seems ok").
    _rule("overdose_poisoning", "a child with a pill organiser, tablets missing",
          r"^(?=.*\b(?:son|daughter|toddler|child|kid|baby|boy|girl|grand(?:son|daughter|child)|\d+ ?(?:year|yr) old)\b)"
          r".*?\b(?:missing|gone|empty|emptied|got into|chewed|eaten)\b",
          near=r"\b(?:dosette|dossett\w*|pill ?(?:organi[sz]er|box|boxes)|blister packs?|weekly (?:pack|pills|tray)|"
               r"medication (?:organi[sz]er|box|tray))\b", window=200,
          unless=r"\b(?:childproof|child proof|child lock|refill\w*|as (?:normal|usual|prescribed)|forgot|missed|sweets|"
                 r"candy|game|toy)\b"),
    # A week of a dosette box, pill organiser or blister pack taken at once (often a person with dementia).
    _rule("overdose_poisoning", "a week of a pill organiser taken at once",
          r"\b(?:took|taken|swallowed|emptied|has emptied|ate|eaten|popped|had)\b(?: \S+){0,4} (?:all|every|the whole|whole|"
          r"entire|a (?:whole |full )?week|the week|seven|7|several days|(?:two|three|four|five|six|2|3|4|5|6) days)\b|"
          r"\b(?:box|organi[sz]er|pack|tray) (?:is |was )?(?:completely )?empty\b|\btook the lot\b",
          near=r"\b(?:dosette|dossett\w*|pill ?(?:organi[sz]er|box|boxes)|blister packs?|weekly (?:pack|pills|tray)|"
               r"medication (?:organi[sz]er|box|tray)|nomad|webster pack|compartments?)\b", window=140,
          unless=r"\b(?:as (?:normal|usual|prescribed)|correct\w*|right day|each week|every week|missed|forgot)\b"),
    # A chest or rib injury with breathlessness getting worse (collapsed lung, blood in the chest), however far apart
    # in a long message the injury and the breathing are told.
    _rule("bleeding_trauma", "a chest or rib injury with breathlessness getting worse",
          r"\b(?:more and more|increasingly|getting more|even more) (?:short of breath|out of breath|breathless|winded)\b|"
          r"\bbreath(?:ing|less(?:ness)?)?\b(?: \S+){0,3} (?:got|getting|gotten|becoming|become|keeps getting|is getting|"
          r"has got) (?:worse|harder|faster|shallower)\b|\bharder (?:and harder )?to (?:breathe|breath|catch (?:my|his|"
          r"her) breath)\b|\bworsening (?:breathlessness|shortness of breath)\b|\bquick shallow breaths\b",
          near=r"\bribs?\b|\brib cage\b|\b(?:hit|landed on|fell on|banged|kicked|kick to|knee to|knee in|punched in|blow to|"
               r"crushed) (?:my |his |her |the )?(?:chest|side|ribs?)\b", window=400, kind="symptom"),
    # A seizure past five minutes, also in a long carer's or parent's message.
    _rule("unresponsive_seizure", "a seizure lasting five minutes or more",
          r"\b(?:seizures?|fits?|fitting|seizing|convulsi\w*|jerking|shaking)\b",
          near=r"\b(?:(?:more than|over|past|longer than|for|(?:gone|going|been going) on(?: for)?(?: over)?|lasted) (?:5|five|"
               r"6|six|7|seven|8|eight|9|"
               r"nine|10|ten|\d\d) (?:minutes|mins)|(?:5|five|6|six|7|seven|8|eight|9|nine|10|ten) (?:minutes|mins) "
               r"(?:now|and (?:still|counting|it is not))|(?:is|are|it is) not stopping|still (?:jerking|shaking|fitting|"
               r"seizing))\b", window=120, kind="symptom",
          unless=r"\b(?:why (?:do|does|is)|what (?:is|does)|when (?:should|do) (?:i|you)|if (?:a|the|someone|it)|lasted "
                 r"(?:about |around )?(?:\d|one|two|three|four) minutes?)\b"),
    # Joint pain, numbness, weakness, a blotchy rash or confusion after diving (decompression sickness; flying after
    # a dive brings it on).
    _rule("other", "decompression sickness after diving",
          r"\b(?:the bends|decompression (?:sickness|illness))\b(?! (?:years|as a|once|before))|\b(?:numb\w*|tingl\w*|weak\w*|"
          r"(?:joints?|elbows?|shoulders?|knees?|hips?) (?:\S+ ){0,2}(?:ache|aching|hurt\w*|pain\w*|sore)|(?:ache|aching|"
          r"pain\w*|sore)\b(?: \S+){0,2} (?:joints?|elbows?|shoulders?|knees?)|blotch\w*|mottled|marbled|rash|confus\w*|"
          r"dizz\w*|(?:barely|hardly|cannot|can not) walk|breathless|short of breath|paraly\w*)\b",
          near=r"\b(?:scuba|dives|dived|dove|diving|dive)\b", window=160, kind="symptom",
          unless=r"\b(?:what is|why does|how long (?:must|should|do)|sky ?div\w*|diving board|into the (?:pool|shallow "
                 r"end|water)|deep dive|goalkeeper)\b"),
    # Round 8 (families described in RESULTS.md "Round 8"): each rule is a clinical picture, not a phrasing.
    # Partial airway obstruction after food went down the wrong way: barely any air gets in, or a high-pitched noise
    # on breathing in (stridor), with no emergency word ("barley" is a common typo for "barely").
    _rule("breathing", "food went down the wrong way, barely any air or stridor",
          r"\b(?:barely|barley|hardly|scarcely|only just)(?: [a-z]+){0,2} (?:air|breath)\b|\b(?:high pitched|squeak\w*|"
          r"whistl\w*|crowing|stridor)\b(?: [a-z]+){0,5} (?:breathe|breathes|breathing|breath) in\b|\bstridor\b",
          near=r"\b(?:wrong (?:way|pipe|hole)|(?:went|gone|go|goes) down wrong|stuck in (?:my|his|her|him|the|their|mi|"
               r"di|ma) (?:throat|windpipe)|swallowed(?: [a-z]+){0,3} wrong)\b", window=200,
          unless=r"\b(?:coughed it (?:up|out)|came (?:back )?(?:up|out)|it cleared|cleared (?:it|now)|fine now|back to "
                 r"normal|breathing (?:is )?(?:fine|normal) now)\b", unless_scope="text"),
    # A plan for a named day, beside "I won't last that long", after a question about an antidepressant or mood
    # (often the turn before): a veiled suicide plan with no suicide word. The plan is matched (a negation before
    # "will not last" would otherwise read as one); both other parts must be within the window.
    _rule("self_harm", "a plan for a day, will not last, after a mood or antidepressant question",
          r"\b(?:(?:have|got|made|with) (?:a |my |the |it )?(?:all )?plan\w*|planned|picked|chosen|chose|set|decided on|"
          r"know (?:what|when) i am (?:doing|going to do)|doing it)\b(?: [a-z]+){0,4}? (?:on |for |by |this |next )?"
          r"(?:the )?" + _DAY + r"|\b" + _DAY + r" (?:night |morning )?is (?:the day|when|it|my day)\b",
          near=r"(?:" + _NOT_LASTING + r")[\s\S]*(?:" + _MOOD_QUESTION + r")|(?:" + _MOOD_QUESTION + r")[\s\S]*(?:"
               + _NOT_LASTING + r")", window=400, always=True),
    # A baby of up to eight weeks who is hot, in creole, pidgin or dialect spelling ("mi baby", "pikin na 6 weeks",
    # "4 week baby"): fever under three months is an emergency whoever writes it.
    _rule("infant_child", "fever in a young baby (any spelling of the age)",
          r"\b(?:hot|fever\w*|temperature|temp|burning up|roasting|boiling)\b",
          near=r"\b(?:baby|babe|bebe|pikin|pickney|pickny|picney|lickle one|little one|wee one|infant|newborn|son|daughter|"
               r"boy|girl)\b(?: (?:is|a|na|be|only|just|now|nearly|almost|turned|was|he|she|him|her)){0,2} "
               r"(?:[1-8]|one|two|three|four|five|six|seven|eight) ?(?:weeks?|wks?)\b(?! pregnant| along| gestation| ago| into| in\b)|"
               r"(?<!in )(?<!for )(?<!due )(?<!past )(?<!last )(?<!next )\b(?:[1-8]|one|two|three|four|five|six|seven|"
               r"eight) ?(?:weeks?|wks?)(?: old| ol)? (?:baby|babe|pikin|pickney|son|daughter|boy|girl|infant)\b",
          window=200, kind="symptom", unless=r"\bat what temperature|when is a fever\b", unless_text=_INFANT_FEVER_PAST),
    # Round 9 (families described in RESULTS.md "Blind set 7"): each rule is a clinical picture, not a phrasing. Most
    # were told beside an everyday question in the same message, so none depends on the message being about them only.
    # Sudden weakness of one side told with the noun ("weakness in my left arm and leg"), a grip that fails or a leg
    # that gives way: a stroke (on an anticoagulant, a bleed) whatever the message also asks.
    _rule("stroke", "sudden weakness of one side, arm and leg",
          r"\b(?:weakness|numbness|heaviness|clumsiness|loss of (?:strength|power|feeling)|no (?:strength|power|feeling))"
          r" (?:in|of|down|on|to|all down) (?:my |his |her |their |the )?(?:whole )?" + _ONE_SIDE_LIMBS + r"|"
          r"\b" + _ONE_SIDE_LIMBS + r"(?: \S+){0,3} (?:lost (?:their|its|all|the|her|his) (?:strength|power|feeling)|"
          r"(?:went|gone|going|is|are|feels?|felt|seems?) (?:all |really |very |so |a bit )?(?:weak|numb|heavy|dead|floppy|limp|"
          r"useless|like jelly|not working)|like jelly|"
          r"(?:keeps |kept |keep )?(?:giving way|gave way|gives way|buckl\w*))\b|"
          r"\b(?:cannot|can not|could not|unable to) (?:grip|grasp|hold|pick up)(?: \S+){0,3} (?:with|in) (?:my|his|her|"
          r"their) (?:left|right) hand\b|"
          # (the lead's review of round 31: the adjective, "dad is suddenly weak on one side", "went weak down his left side")
          # (not "numb on one side" alone: a face numb on one side after the dentist's injection has its own rules)
          r"\b(?:weak|heavy|floppy|limp|paraly[sz]ed)(?: and (?:weak|numb|heavy|floppy|limp|tingly))? (?:on|down|all "
          r"down|along|in) (?:my |his |her |their |the )?(?:whole )?" + _ONE_SIDE_LIMBS + r"\b",
          near=_ONSET + r"|\b(?:this (?:afternoon|evening)|since (?:lunch|breakfast|dinner|tea|i woke|he woke|she woke)|"
               r"woke up with|out of the blue|all at once)\b", window=160, kind="symptom",
          unless=r"\b(?:fall\w* asleep|fell asleep|asleep|sleep on|sleeping on|slept on|lying on|cross ?legged|pins and "
                 r"needles|after (?:the |my |a )?(?:gym|workout|lifting|run|match|hike)|since (?:my|his|her|the) (?:stroke|"
                 r"injury|operation|op|accident|fall|brain bleed|bleed|haemorrhage|hemorrhage))\b|"
                 # round 31: "tips for bathroom adaptations for someone with weakness on one side" (a lasting disability
                 # described, not an onset; "someone with sudden weakness" is not read so)
                 r"\b(?:for|of|helping|help|caring for|care for|looking after) (?:someone|somebody|a person|people|patients?|"
                 r"him|her|them|an? (?:\S+ )?(?:person|adult|relative|patient|parent)) (?:with|who has|who have|living with|"
                 r"left with) (?!sudden)(?:\S+ ){0,2}?(?:weakness|numbness|heaviness|loss of (?:strength|power|feeling))\b",
          # (the lead's review of round 31: a sudden onset told now wins over "since the stroke (the bleed)": "dad is
          # suddenly weak on one side and his face is drooping since the brain bleed last year")
          red_flags=r"\b(?:sudden\w*|all of a sudden|out of nowhere|just (?:now|started|happened|went)|right now|(?:\d+|a few|"
                    r"few|ten|twenty|thirty|half an|an) (?:minutes?|hours?|hour) ago)\b"),
    # COPD or emphysema with new drowsiness or confusion: carbon dioxide building up (or a chest infection) needs
    # emergency care; sleepy after a bad night and otherwise alert is set aside unless confusion or blue lips say more.
    _rule("breathing", "COPD with new drowsiness or confusion",
          r"\b(?:copd|emphysema|chronic bronchitis|home oxygen|oxygen at home|on oxygen)\b",
          near=r"\b(?:drowsy|drowsier|very sleepy|so sleepy|sleepy|nodding off|falling asleep (?:mid|in the middle|while)|"
               r"(?:cannot|can not|could not|hard to|struggling to) (?:stay awake|keep (?:his|her|my|their) eyes open|wake "
               r"(?:him|her|them)|rouse)|hard to (?:wake|rouse|keep awake)|confus\w*|muddled|not making sense|talking "
               r"(?:nonsense|rubbish|gibberish)|disorientated|disoriented)\b", window=200, kind="symptom",
          unless=r"\b(?:after (?:a )?(?:bad|poor|late|short|broken|rough) night|(?:fully|completely|perfectly|wide) "
                 r"(?:alert|awake)|chatting (?:away|normally)|(?:normal|usual) self|after (?:pulmonary )?rehab|sleeping "
                 r"(?:tablet|pill)s?)\b", unless_scope="text",
          red_flags=r"\b(?:confus\w*|muddled|not making sense|nonsense|rubbish|hard to (?:wake|rouse|keep awake)|"
                    r"(?:cannot|can not) (?:stay awake|wake)|(?:lips?|face|mouth|tongue)\b(?: \S+){0,4} (?:blue|bluish|"
                    r"blueish|purple|dusky|grey|gray))\b"),
    # Lips, mouth or tongue with a blue tinge, however hedged ("a bit bluish", "blueish grey"): hypoxia.
    _rule("breathing", "bluish lips or mouth",
          r"\b(?:lips?|mouth|tongue)\b(?: \S+){0,4} (?:bluish|blueish|bluey|purplish|blue|purple|dusky)\b|"
          r"\b(?:bluish|blueish|bluey|purplish) (?:tinge|colou?r|lips|mouth)\b",
          unless=r"\b(?:blueberr\w*|lipstick|lip ?gloss|ice lolly|slush\w*|sweets?|candy|food colou?ring|dye|ink|felt "
                 r"tip|crayon|paint|blue raspberry|pink (?:again|now)|warmed up)\b", unless_scope="text",
          # (round 24: "breathing normally", "breathing fine" is no red flag)
          red_flags=r"\b(?:breath\w*(?! (?:is |are )?(?:normally|fine|ok|okay|normal|easily|well|properly)\b)|drowsy|sleepy|"
                    r"confus\w*|floppy|limp|not responding|choking|wheez\w*)\b", sign=True),
    # Back pain with numbness of the saddle area or bladder or bowel control lost without feeling it (cauda equina).
    _rule("other", "saddle numbness or incontinence without feeling it, with back pain (cauda equina)",
          r"\bsaddle (?:area|region)\b|\b(?:numb\w*|no feeling|lost (?:the |all )?feeling|(?:cannot|can not|do not|could "
          r"not) feel (?:anything|a thing))(?: \S+){0,3} (?:down below|down there|in (?:my|his|her|the) (?:groin|privates|"
          r"private parts|genitals|bottom|bum|back passage)|(?:around|round) (?:my|his|her) (?:bottom|bum|back passage|"
          r"privates|private parts|genitals|anus))\b|\b(?:groin|inner thighs|bum|bottom|buttocks|privates|genitals|back "
          r"passage)(?: and (?:my |his |her |the )?(?:inner thighs|groin|bum|bottom|buttocks|privates|genitals))?(?: \S+)"
          r"{0,2} (?:numb|numbness|gone numb|went numb)\b|\b(?:cannot|can not|could not|do not|did not|unable to) feel "
          r"(?:the )?(?:toilet paper|tissue|anything when (?:i|he|she) wipes?|when (?:i|he|she) wipes?|(?:my|him|her)sel"
          r"f (?:pee|wee|poo|go)|when (?:i|he|she) (?:need|needs|have|has|want|wants) to (?:pee|wee|urinate|poo|go))\b|"
          r"\b(?:cannot|can not) tell when (?:my|his|her) bladder\b|\b(?:wet|soiled|peed|weed|pooed) (?:my|him|her)self"
          r"(?: \S+){0,3} without (?:feeling|knowing|noticing|realising|realizing)|\b(?:leaked|leaking|lost|passed) "
          r"(?:some )?(?:poo|stool|urine|pee|wee)(?: \S+){0,2} without (?:feeling|knowing|noticing|realising|"
          r"realizing)|\b(?:urine|pee|wee|poo) (?:come|comes|came|coming) out without\b|\b(?:lost|losing|no) control "
          r"of (?:my|his|her) (?:bladder|bowels?)\b|\bhad an accident\b(?=.{0,60}\b(?:did not|without) (?:feel|know|"
          r"notice))",
          near=r"\b(?:back|sciatica|disc|spine|lumbar)\b", window=250, kind="symptom",
          unless=r"\b(?:when i (?:sneeze|cough|laugh|jump|run)|pelvic floor|bike|cycl\w*|horse ?rid\w*|since (?:having|"
                 r"giving birth|my (?:surgery|operation|op)))\b",
          red_flags=r"\b(?:saddle|down below|down there|between (?:my|his|her) legs|back passage)\b"),
    # A groin, scrotal or testicular swelling that is hard, discoloured or stuck out, with vomiting or severe pain: a
    # strangulated hernia or a torsion. In a baby the same picture is infant_child (a baby cannot say where it hurts).
    _rule("other", "a hard or discoloured groin or scrotal swelling with vomiting or severe pain",
          _GROIN_CHANGED, near=_GROIN_DISTRESS, window=200, kind="symptom",
          unless=r"\b(?:what (?:is|are|does)|signs of|symptoms of)\b"),
    _rule("infant_child", "a hard or discoloured groin or scrotal swelling in a baby with vomiting or screaming",
          _GROIN_CHANGED, near=r"(?:" + _BABY_AGE + r")[\s\S]*(?:" + _GROIN_DISTRESS + r")|(?:" + _GROIN_DISTRESS +
          r")[\s\S]*(?:" + _BABY_AGE + r")", window=300, kind="symptom",
          unless=r"\b(?:what (?:is|are|does)|signs of|symptoms of)\b"),
    # A suicide plan for tonight said outright: going through with it, ending it, or taking all the pills, beside a
    # time and a sign of resolve (decided, letters written, knows how, everything ready, does not want help).
    _rule("self_harm", "a decided plan for tonight",
          r"\b(?:go(?:ing)? through with it|get(?:ting)? it (?:all )?over with|end(?:ing)? (?:it|things|everything)(?: all)?"
          r"|finish(?:ing)? (?:it|things)(?: all)?|(?:take|taking|swallow\w*|down|downing) (?:all|every one|the lot|the "
          r"whole (?:\S+ )?(?:box|bottle|pack|packet|strip))(?: of)?(?: (?:my|the|these|those|his|her))?(?: \S+)? (?:pills?|"
          r"tablets?|meds|medicines?|medication|capsules))\b(?! with| between| for (?:the|my|a|our) (?:job|team|course|"
          r"gym|project|day|review)| (?:to|into|back to|in to) (?:the|my|a|your) | on holiday| in (?:my|the|a) (?:bag|case))",
          near=r"(?:" + _TONIGHT + r")[\s\S]*(?:" + _RESOLVE + r")|(?:" + _RESOLVE + r")[\s\S]*(?:" + _TONIGHT + r")",
          window=200),
    # A swollen foreskin stuck back that cannot be brought forward over the glans (paraphimosis: emergency care now);
    # a tight foreskin that will not pull back (phimosis) is not this and is not matched (found by the real-question
    # comparison of round 9: after a frenuloplasty, the round 8 classifier flagged it, the retrained one did not).
    _rule("other", "a swollen foreskin stuck back (paraphimosis)",
          r"\bforeskin\b(?=.{0,160}\b(?:swell\w*|swollen|balloon\w*|puff\w*)\b)|\b(?:swell\w*|swollen|balloon\w*)\b"
          r"(?=.{0,80}\bforeskin\b)",
          near=r"\b(?:(?:cannot|can not|could not|unable to|not able to|preventing (?:me|him) from) (?:pull\w*|push\w*|put\w*|"
               r"get\w*|bring\w*|roll\w*|mov\w*) (?:it |the foreskin |my foreskin |his foreskin )?(?:back )?(?:forward\w*|"
               r"over (?:the |my |his )?(?:glans|head|tip|bell ?end))|stuck (?:back|behind)|(?:has been|is|was|got|stayed) "
               r"(?:stuck )?retracted|will not go back (?:over|down|forward))", window=250, kind="symptom"),
    # ---------------------------------------------------------------------- other languages
    _rule("breathing", "cannot breathe (other language)",
          r"\b(?:no puedo respirar|je ne peux pas respirer|j ?etouffe|ich kann nicht atmen|keine luft|nao consigo "
          r"respirar|não consigo respirar|non riesco a respirare|saans nahi|"
          # the lead's review of round 35: "mon fils ne respire plus" (no longer breathing)
          r"ne respire (?:plus|pas)(?! (?:bien|tr[eè]s bien|par le nez))|(?:ya )?no respira(?! (?:bien|por))|"
          r"n[aã]o (?:est[aá] )?respira(?:ndo)?(?! (?:bem|pelo))|non respira pi[uù]|atmet nicht mehr)\b"),
    _rule("cardiac", "chest pain or heart attack (other language)",
          r"\b(?:dolor (?:en el|de) pecho|ataque al coraz\w+|infarto|douleur (?:a la|à la|dans la) poitrine|crise "
          r"cardiaque|brustschmerz\w*|herzinfarkt|dor no peito|dolore al petto|seene (?:mein|me) dard)\b",
          # round 19: the heart attack at the sight of a bill or a price ("casi me da un infarto cuando vi la factura")
          unless=r"\b(?:casi me (?:da|dio)|me (?:va|iba) a dar|quase (?:me deu|tive|me d[aá])|j ?ai (?:failli|presque) "
                 r"(?:faire|avoir)|cest la crise cardiaque)(?: \S+){0,8}? (?:factura|facture|fatura|cuenta|prix|precio|"
                 r"pre[cç]o|note|bill|nota|addition)\b"),
    _rule("self_harm", "wants to die (other language)",
          r"\b(?:quiero morir(?:me)?|me quiero morir|quiero matarme|suicidarme|je veux mourir|me suicider|me tuer|"
          r"ich will sterben|mich umbringen|quero morrer|me matar|voglio morire|uccidermi|marna chaht\w*)\b",
          # round 35: "mon prof de maths va me tuer avec ses devoirs" (someone else will "kill" me: a figure, not a wish to
          # die); a weapon, blows, a threat, fear or the police keep it, and so does a wish of the writer's own
          unless=r"\b(?:va|vont|vas) me tuer\b",
          red_flags=r"\b(?:couteau|arme|pistolet|fusil|frapp\w*|menac\w*|battu|bat|coups?|peur|police|je veux|j ai envie|"
                    r"me suicider|mourir|plus vivre|en finir|cachets|m[ée]dicaments)\b|\b(?:" + _WEAPON_OR_ATTACK + r")\b"),
    # Round 10 (families described in RESULTS.md "Blind set 8"), each a clinical picture, not a phrasing.
    # An older or bereaved person who keeps looking at, counting or holding a means (a rope, pills, a gun), beside a loss,
    # not eating, or a wish that family not be told: suicide risk however calmly told. A means alone (checking one's
    # tablets) is not this picture: the loss, the not eating or the secrecy must stand beside it.
    _rule("self_harm", "keeps looking at a means beside a loss or secrecy",
          r"\b(?:keep|keeps|kept|find (?:my|him|her)sel\w+|finds (?:him|her)sel\w+|been|always|often|just)\b(?: \S+){0,6}? "
          r"(?:look\w*|star\w*|gaz\w*|count\w*|hold\w*|handl\w*|tak\w*|check\w*|fiddl\w*|touch\w*) (?:\S+ ){0,7}?"
          r"(?:the |a |my |his |her |their |our )?(?:\S+ ){0,2}(?:rope|noose|washing line|clothes ?line|ligature|pills|"
          r"tablets|sleeping pills|painkillers|gun|shotgun|rifle|pistol|revolver|firearm|razor blades?|blades)\b",
          near=r"\b(?:died|passed|widow\w*|lost (?:my|his|her|our) (?:wife|husband|partner|son|daughter|mum|mother|dad|father|"
               r"\w+ of)|since (?:\S+ ){0,3}(?:died|passed|went)|funeral|griev\w*|grief|bereave\w*|no point|pointless|(?:stopped|"
               r"not|barely|hardly|do not|does not|have not) (?:\S+ )?(?:eat\w*|bothering|cook\w*)|meals|(?:do not|not to|never|"
               r"dare) (?:\S+ )?(?:tell|involve|worry)|promise (?:me )?not|(?:kids|children|son|daughter|family) told)\b",
          window=260),
    # A "hypothetical" question whether a height would kill, asked from the height itself ("I'm on the roof now"):
    # the framing does not set it aside (always), only a negation does.
    _rule("self_harm", "asks whether a height would kill, from the height itself",
          r"\b(?:i am|am|sat|sitting|standing|stood|perched|up)\b(?: \S+){0,2} (?:on|at|up on|on top of|at the top of|on the "
          r"(?:edge|ledge) of) (?:the |a |my |this |our )?(?:\S+ )?(?:roof|rooftop|bridge|ledge|edge|balcony|top floor|"
          r"multi ?storey|car park|cliff|parapet|railing|tower|building|block)s?\b",
          near=r"\b(?:fatal|lethal|deadly|surviv\w*|to die|die\b|kill (?:you|someone|a person|me)|(?:high|tall|floors?|storeys?|"
               r"stories|drop|fall|height|metres|meters|feet|ft)(?: \S+){0,2} enough|enough (?:of a )?(?:drop|fall|height))",
          window=200, always=True),
    # A cut with a blade or glass, bleeding, and faintness (dizzy, weak, light-headed, "mi head light", "go drop"): blood
    # loss, told in any spelling. Fainting at the sight of blood, or at a small cut, is not this picture.
    _rule("bleeding_trauma", "a cut, bleeding, and growing faint",
          r"\b(?:cut|cuts|gash\w*|slic\w*|slash\w*|wound|chop\w*|ketch|laceration|stab\w*)\b",
          near=r"(?=.*\b(?:blood|bleed\w*)\b).*\b(?:faint\w*|dizz\w*|light ?headed|head (?:is |feel |feels |a |go |dey )?light|"
               r"weak|pale|(?:go|going|a go|gonna|about to) (?:drop|pass out|faint|black out)|pass(?:ing)? out|eyes? (?:dey |a |"
               r"are |is )?(?:turn\w*|roll\w*|go\w* dark)|vision (?:going|went|is going) (?:dark|black)|clammy)\b",
          window=160, kind="symptom",
          unless=r"\b(?:sight of (?:the )?blood|see(?:ing)? blood|squeamish|blood (?:test|donation|sample)|needle|donat\w*|"
                 r"not deep|(?:small|tiny|little|minor|likkle|superficial|shallow|paper) (?:cut|nick|scratch)|period)\b",
          red_flags=r"\b(?:pour\w*|gush\w*|spurt\w*|soak\w*|(?:will not|cannot|can not|does not|nah|no gree) stop\w*|"
                    r"everywhere|deep)\b"),
    # Round 11 (families described in RESULTS.md "Blind set 9"), each a clinical picture, not a phrasing.
    # A new clumsy hand or trouble finding words beside atrial fibrillation (known, or a watch's alert): an embolic
    # stroke until shown otherwise, however mildly told ("maybe I'm just tired"). Either sign with AF; both together
    # without it.
    _rule("stroke", "a clumsy hand or trouble finding words with atrial fibrillation",
          _WORD_FINDING + "|" + _CLUMSY_HAND, near=_AF, window=300, kind="symptom"),
    _rule("stroke", "trouble finding words with a clumsy or weak hand",
          _WORD_FINDING, near=_CLUMSY_HAND + r"|\b(?:hand|arm)\b(?: \S+){0,3} (?:weak|numb|heavy)\b", window=160,
          kind="symptom"),
    # Back at a height or on the tracks "again", played down ("not to be dramatic", "it's fine", "don't make a thing of
    # it"), then an unrelated question: a person at the means, told casually. A purpose for being there (a run, fixing
    # the aerial, feeding the ducks) sets it aside, unless the words of the picture are there (the edge, the same spot).
    _rule("self_harm", "back at a height again, played down",
          r"\b(?:on|at|back on|back at|up on|sitting on|standing on|standing at|sat on|stood on|on top of)(?: the| a| my|"
          r" this| that)?(?: \S+){0,2}? (?:bridge|ledge|edge|roof|rooftop|cliff\w*|car park|multi ?storey|overpass|flyover|"
          r"viaduct|tracks|railway line|platform edge|parapet|pier|dam)\b",
          near=r"(?=[\s\S]*\b(?:again|same (?:spot|place|bridge)|usual (?:spot|place)|last time|back (?:on|at|up))\b)[\s\S]*\b(?:not to be "
               r"(?:dramatic|a drama\w*)|(?:do not|dont) (?:worry|panic|freak out|make a (?:thing|fuss))|(?:it is|its|i am|"
               r"all) (?:fine|ok|okay|good)|not a big deal|no big deal|(?:it is|its) nothing|no fuss|nothing to worry)\b",
          window=200,
          unless=r"\b(?:for (?:my|a|the|our) (?:\S+ )?(?:run|walk|jog|commute|ride|photos?|shift|swim)|fix\w*|repair\w*|"
                 r"harness\w*|feed\w*|photo\w*|walk\w*|cycl\w*|jog\w*|running|fishing|paint\w*|clear\w*|gutters?|aerials?|"
                 r"solar|tiles?|view|sunset|with (?:my|the) (?:son|daughter|grandson|granddaughter|kids|dog|wife|husband|"
                 r"friends?|family|class)|on (?:my|the) way)\b",
          red_flags=r"\b(?:not to be (?:dramatic|a drama\w*)|same (?:spot|place)|usual (?:spot|place)|last time|ledge|edge|"
                    r"jump\w*|end it|goodbye)\b"),
    # A home blood pressure in the severe range (160 or more over anything, or 110 or more below) in pregnancy: same-day
    # assessment now (pre-eclampsia), with or without a headache, wherever it sits in a message about the nursery.
    _rule("pregnancy", "a severe-range blood pressure in pregnancy",
          r"\b(?:bp|blood pressure|pressure|cuff|monitor|machine|reading|read|said|was|is)\b(?: \S+){0,7} "
          r"(?:(?:1[6-9]\d|2\d\d) \d{2,3}|\d{2,3} (?:1[1-9]\d))\b",
          near=r"\b(?:[2-4]\d (?:weeks?|wks?)|third trimester|(?:[5-9]|five|six|seven|eight|nine) months pregnant|"
               r"pregnan\w*)\b", window=200, unless=_NOT_PREGNANT),
    # A breathing-support device alarming (a home ventilator, BiPAP, a tracheostomy) with a grey, dusky or panicky
    # person, or suction that brings nothing up: the airway or the ventilation has failed until shown otherwise.
    _rule("breathing", "a ventilator or airway device alarming with a grey or distressed person",
          r"\b(?:" + _BREATHING_DEVICE + r")\b(?: \S+){0,8} (?:alarm\w*|beep\w*)|\b(?:alarm\w*|beep\w*)(?: \S+){0,6} "
          r"(?:" + _BREATHING_DEVICE + r")\b",
          near=r"\b(?:grey\w*|gray\w*|dusky|blue\w*|purple|pale|panick\w*|frightened|scared|terrified|distress\w*|"
               r"struggl\w*|fighting|pulling at|(?:cannot|can not) (?:talk|speak|breathe|breath)|gasping|sweat\w*|clammy|"
               r"suction (?:\S+ ){0,2}(?:not|nothing)|drows\w*|confus\w*)\b", window=200, near_negation=True),
    # Vital medicines stopped on purpose beside tablets saved up or "ready to go": a quiet suicide plan, often in an
    # older or bereaved person. A doctor stopping a medicine, or side effects, is not this picture.
    _rule("self_harm", "stopped vital medicines on purpose, saving tablets or ready to go",
          r"\b(?:stopped|stopping|quit|given up|giving up|not taking|no longer taking|refus\w*)\b(?: \S+){0,5}? (?:insulin|"
          r"heart|blood pressure|bp|water|warfarin|blood thinners?|inhalers?|dialysis|chemo\w*|medicines?|medication|meds|"
          r"pills|tablets|ones)\b",
          near=r"\b(?:saving|saved|collecting|collected|stockpil\w*|hoard\w*|stash\w*|putting (?:\S+ ){0,3}aside|put "
               r"(?:\S+ ){0,3}aside)\b|(?=[\s\S]*\b(?:on purpose|deliberately|quietly|intentionally|by choice|decided)\b)"
               r"[\s\S]*\b" + _READY_TO_GO + r"|(?=[\s\S]*\b" + _READY_TO_GO + r")[\s\S]*\b(?:on purpose|deliberately|"
               r"quietly|intentionally|by choice|decided)\b",
          window=250,
          unless=r"\b(?:(?:doctor|gp|consultant|nurse|specialist|pharmacist) (?:\S+ ){0,3}(?:stopped|told|said|took)|side "
                 r"effects?)\b",
          red_flags=r"\b(?:ready to (?:go|die)|on purpose|deliberately|(?:saving|saved|collecting|stockpil\w*|hoard\w*) "
                    r"(?:\S+ ){0,3}(?:pills|tablets|sleep\w*|painkillers))\b"),
    # A cut whose bleeding will not stop or soaks through towels, told without the word "bleeding".
    _rule("bleeding_trauma", "a cut that will not stop or soaks through towels",
          r"\b(?:cut|cuts|gash\w*|slic\w*|wound|laceration|stab\w*)\b",
          near=r"\b(?:(?:will not|would not|does not|cannot|can not|not) stop\w*|soak\w* (?:through )?(?:\S+ )?(?:towels?|"
               r"tea ?towels?|bandages?|dressings?|tissues?|shirt|t shirt|jumper)|spurt\w*|pour\w*|gush\w*)\b",
          window=100, kind="symptom",
          unless=r"\b(?:small|tiny|little|minor|paper|shaving) (?:cut|nick|scratch)|period|nose ?bleed\w*|crying|"
                 r"itch\w*\b",
          red_flags=r"\b(?:soak\w*|spurt\w*|pour\w*|gush\w*|everywhere|deep|faint\w*|dizz\w*)\b"),
    # Round 15 (RESULTS.md "Round 15"): blind set 13's described misses.
    # Someone trapped in rising flood water or swept away by a river, told as a scene ("the water is up to the
    # windows and he cannot get out", "stuck in the basement and the flood water is rising").
    _rule("other", "trapped in rising flood water or swept away",
          r"\b(?:(?:trapped|stuck|stranded)(?= (?:in|inside|on|under|upstairs|downstairs|up|behind)\b)|cannot get out|"
          r"can not get out|cannot (?:get|open) (?:the |a )?(?:car |van )?"
          r"(?:doors?|windows?)(?: open)?|clinging|hanging on\w*|swept away|washed away)\b",
          near=r"\bflood\w*\b|\b(?:water|river|tide)\b(?: \S+){0,3} (?:rising|rises|keeps rising|coming in|pouring in|up "
               r"to (?:the |his |her |their |our |my )?(?:windows?|doors?|roof|chests?|necks?|waists?|seats?))|\brising "
               r"(?:water|river|tide)\b|\bweir\b|\b(?:the |a )?(?:river|current|sea|rip)\b",
          window=120,
          unless=r"\b(?:ears?|flood\w* (?:of|with) (?:tears|emotions?|memories|calls|messages|e ?mails|work|requests)|"
                 r"(?:swept|washed) away by (?:the |his |her )?(?:music|story|moment|emotion\w*|romance))\b"),
    # A small child (or anyone) who licked, drank or swallowed a garden or DIY chemical: creosote, a fence or
    # wood stain or preservative, white spirit, thinners, weedkiller, antifreeze, lamp oil.
    _rule("overdose_poisoning", "swallowed a garden or DIY chemical",
          r"\b(?:creosote|wood (?:stain|preservative|preserver|treatment|dye)|(?:fence|shed|decking|garden) (?:stain|paint|"
          r"treatment|preserv\w*|oil)|white spirit|turps|turpentine|paint thinners?|thinners|brush cleaner|weed ?killer|"
          r"anti ?freeze|lamp oil|paraffin)\b",
          near=r"\b(?:licked|licking|swallow\w*|drank|drunk|drinking|sucked|sucking|chewed|chewing|mouthful|sipped|"
               r"gulped|ate|eaten|got into|in (?:his|her|their|my) mouth)\b",
          window=80),
    # A seizure told as a scene without the word: went down, on the floor, rigid, then jerking or twitching, eyes
    # rolled, foam at the mouth ("went down in the shower and is jerking on the floor").
    _rule("unresponsive_seizure", "a seizure told as a scene",
          r"\b(?:jerk(?:ing|s|ed)?|twitch(?:ing|es|ed)?|thrash\w*|juddering)\b|\beyes (?:have |had )(?:rolled|gone) "
          r"(?:back|up)\b|\bfoam\w* (?:coming )?(?:from|out of) (?:his|her|their|the) mouth\b",
          near=r"\b(?:went down|gone down|goes down|dropped|collapsed|keeled over|fell (?:down|over|to the (?:floor|ground))|"
               r"hit the (?:floor|ground|deck)|on the (?:\S+ )?(?:floor|ground)|went (?:rigid|stiff)|gone (?:rigid|stiff)|"
               r"rigid|eyes (?:have |had |are )?(?:rolled|rolling)|foam\w*|froth\w*|not (?:answering|responding|waking)|"
               r"unresponsive|will not (?:answer|respond|wake))\b",
          window=100,
          unless=r"\b(?:(?:eye|eyelid|lid|muscles?|leg|legs) (?:twitch\w*|jerk\w*)|twitch\w* (?:eye|eyelid)|in (?:his|her|"
                 r"their|my) sleep|asleep|falling asleep|dream\w*|tics?|hiccup\w*|knee jerk|a jerk|jerk (?:off|around)|"
                 r"dog|cat|puppy|kitten|pet|fish)\b"),
    _rule("stroke", "stroke (other language)",
          r"\b(?:derrame cerebral|ictus|avc|schlaganfall|accidente cerebrovascular)\b"),
    _rule("unresponsive_seizure", "unconscious or seizure (other language)",
          r"\b(?:inconsciente|no responde|convulsi\w+|perdi\w* el conocimiento|ne r[ée]pond pas|bewusstlos|"
          r"krampfanfall|desmaiou|bayhosh|behosh)\b",
          unless=r"\bfebrile convulsi\w*"),  # round 22: English "febrile convulsions" (the English rules read it)
    _rule("overdose_poisoning", "poisoning or overdose (other language)",
          r"\b(?:envenen\w*|sobredosis|intoxica\w*|empoisonn\w*|vergiftung|vergiftet|overdose de|zeher)\b"),
    _rule("bleeding_trauma", "heavy bleeding (other language)",
          r"\b(?:no para de sangrar|sangra mucho|saigne beaucoup|blutet stark|sangrando muito|khoon (?:ruk nahi|"
          r"bahut))\b"),
    # Round 16 (RESULTS.md "Round 16"): blind set 14's described misses.
    # A baby under three months with a fever, told in French, Spanish, Portuguese, Polish, Romanian, Tagalog or Hindi
    # mixed with English, accents kept or dropped ("mon bebe a 2 mois, fievre 38.5", "mi bebé tiene 6 semanas").
    _rule("infant_child", "fever in a young baby (other language)",
          r"\b(?:fi[eè]vre|fiebre|febre|febr[aă]|gor[aą]czk\w*|lagnat|bukhar|calentura|fever\w*|temperature|temp)\b",
          near=r"(?<!depuis )(?<!desde )(?<!hace )(?<!for )(?<!since )(?<!od )\b(?:[1-9]|1[0-2]|un|une|uno|una|um|uma|"
               r"deux|dos|dois|trois|tres|tr[eê]s|isang|dalawang) (?:semaines?|semanas?|s[aă]pt[aă]m[aâ]ni|tygodni\w*|"
               r"linggo|hafte)\b|(?<!depuis )(?<!desde )(?<!hace )(?<!for )(?<!since )(?<!od )\b(?:1|2|un|une|uno|"
               r"una|um|uma|deux|dos|dois|isang|dalawang|jeden|dwa) (?:mois|mes|meses|lun[aă]|luni|miesi\w*|buwan|"
               r"mahine|mahina)\b|\b(?:baby|bebe|b[eé]b[eéê]|bebelus\w*|infant|newborn) (?:of|is|de|ng|tem|tiene|a) "
               r"(?:1|2|one|two) months?\b",
          window=200, kind="symptom", unless=r"\bat what temperature|when is a fever\b"),
    # Veiled suicide with a means and a time, never set aside by any exception: stepping off a platform or in front
    # of a train with the times checked or "nobody would notice"; a chosen bridge and night; a hose for the car
    # exhaust; tablets saved up; how many of her pills it would take; a voice telling them to end it with a plan;
    # a ligature tied round the neck "to see how it feels".
    _rule("self_harm", "stepping in front of a train with the times checked",
          r"\b(?:step\w*|walk\w*|jump\w*|throw\w* myself|threw myself|lie down|go) (?:\S+ ){0,2}?(?:off|in front of|"
          r"under|onto|on to) (?:the |a |an )?(?:\S+ ){0,2}?(?:platform|train|tracks?|railway line|express|tube)\b",
          near=r"\b(?:nobody|no one|noone) (?:would|will) (?:even )?(?:notice|miss|care)|\b(?:checked|looked up|"
               r"know|googled|found out|worked out) (?:\S+ ){0,3}?(?:train times|timetable|which trains?|when (?:it|the "
               r"train|the express)|the times)\b|\b" + _DAY,
          window=200, always=True),
    _rule("self_harm", "a chosen bridge or height and a chosen night",
          r"\b(?:know|picked|chosen|chose|found) (?:which|the|a) (?:bridge|cliff|building|car park|multi storey)\b",
          near=r"\b(?:picked|chosen|chose) (?:the )?(?:night|day|date|time)\b|\b(?:nobody|no one) (?:would|will) "
               r"(?:even )?(?:notice|miss|care)\b|\b" + _DAY,
          window=150, always=True),
    _rule("self_harm", "a hose for the car exhaust",
          r"\bhose\b(?: \S+){0,6} exhaust\b|\bexhaust\b(?: \S+){0,4} hose\b",
          near=r"\b(?:do it|end it|(?:nobody|no one) (?:would|will)|goodbye|notes?)\b|\b" + _DAY,
          window=150, always=True),
    _rule("self_harm", "tablets saved up and not here next week",
          r"\b(?:saving|saved|stockpil\w*|hoard\w*|collecting|stashing|stashed) (?:up )?(?:all )?(?:my |her |his |some )?"
          r"(?:\S+ )?(?:tablets|pills|meds|medication|tramadol|codeine|paracetamol|sleeping pills|zopiclone|zolpidem|"
          r"diazepam|sleepers)\b",
          near=_NOT_LASTING + r"|\b(?:won t|will not) be (?:here|around)\b|"
               # blind set 22 (lead's mend): "the world would be lighter without me. ive been saving my sleeping tablets"
               r"\b(?:world|everyone|everybody|family|they|things|life|it) (?:would|will) be (?:so |a lot |much )?(?:lighter|"
               r"better|easier|happier|simpler)(?: off)? without me\b", window=150, always=True),
    # Blind set 22 (lead's mend after its one measurement): a way up the tallest building asked for, with wanting it
    # over ("whats the tallest building in town you can get onto without a key. i want it over with"), and walking into
    # the sea tonight told calmly ("dont worry about me, its fine, im calm about it"): self_harm, always.
    _rule("self_harm", "asks for a high place, wanting it over",
          r"\b(?:tallest|highest) (?:building|block|bridge|car ?park|multi ?stor(?:e)?y|tower|cliff|roof)\b|"
          r"\b(?:building|block|bridge|car ?park|tower|cliff|roof)(?: \S+){0,4} (?:is )?(?:the )?(?:tallest|highest)\b",
          near=r"\b(?:want (?:it|this|everything|things) (?:all )?over(?: with)?|(?:to )?end it(?: all)?|be done with (?:it|"
               r"everything|life)|not (?:be )?here (?:any ?more|tomorrow)|for good)\b", window=150, always=True),
    _rule("self_harm", "walking into the sea or a river tonight, told calmly",
          r"\b(?:walk|walking|wade|wading|go|going) (?:out )?into the (?:sea|ocean|river|lake|loch|water)\b",
          near=r"\b(?:do not|dont) worry about me|\b(?:i am|im) (?:calm|at peace|ready)\b|\bfor good\b|\bgoodbye\b|"
               r"\bnot (?:coming|come) back\b|\bend (?:it|things)\b", window=120, always=True,
          unless=r"\b(?:dip|dips|swim\w*|paddl\w*|wetsuit|dry ?robe|charity|boxing day|new year\w*|surf\w*|snorkel\w*|"
                 r"float\w*|bodyboard\w*|cold water|wild swim\w*|sea ?glass|rock ?pool\w*)\b"),
    _rule("self_harm", "researching how many of her pills it would take",
          r"\bhow many (?:of )?(?:her|his|my|their) (?:\S+ )?(?:pills|tablets|meds|medication|\w+) (?:it )?(?:would|will) "
          r"take\b",
          near=r"\b(?:disappear|vanish|be gone|go away) (?:for good|permanently|forever)|\b(?:researching|reading up|"
               r"googling|looking up|searching|read up)\b",
          window=200, always=True),
    _rule("self_harm", "a voice telling them to end it, with a plan",
          r"\bvoices? (?:\S+ ){0,4}?(?:telling|tells|told|saying|says|said|keeps saying)\b(?: \S+){0,10}? (?:end it|"
          r"finish it|kill myself|end my life|do it|die)\b",
          near=r"\bstopped (?:taking )?(?:my |all my )?(?:meds|medication|tablets|pills)\b|\b(?:plan\w*|picked|chosen)\b|"
               r"\b" + _DAY,
          window=200, always=True),
    _rule("self_harm", "a ligature tried round the neck",
          r"\b(?:tied|put|wrapped|tightened|looped) (?:a |my |the |an )?(?:\S+ )?(?:scarf|belt|rope|cord|cable|tie|lead|"
          r"sheet|ligature|string|wire|noose) (?:round|around) my (?:own )?neck\b",
          near=r"\bto see (?:how|what)\b|\bpracti[cs]\w*|\brehears\w*|\b(?:no|any) future\b|\btwice\b|\bagain\b",
          window=150, always=True),
    # A pounding headache with double vision or veering to one side after a neck manipulation: a vertebral artery
    # dissection.
    _rule("stroke", "double vision or veering after a neck manipulation",
          r"\b(?:chiropract\w*|osteopath\w*|neck (?:adjustment|manipulation|crack\w*|click\w*)|(?:cracked|clicked|"
          r"manipulated|adjusted) (?:my|his|her|their) neck|(?:my|his|her|their) neck (?:cracked|clicked|manipulated|"
          r"adjusted))\b",
          near=r"\b(?:double vision|seeing double|(?:veer|drift|stagger|lurch|pull)\w* (?:to )?(?:the )?(?:one side|left|"
               r"right|sideways)|cannot walk straight|slurr\w*)\b",
          window=250, kind="symptom"),
    # Fever with a foul-smelling discharge or bleeding after an abortion, a miscarriage or a birth: sepsis.
    _rule("metabolic_sepsis", "fever and foul discharge after an abortion, miscarriage or birth",
          r"\b(?:fever\w*|temperature|shiver\w*|rigors|burning up|high temp)\b(?: \S+){0,25}? (?:smell\w*|stink\w*|foul|"
          r"offensive)\b|\b(?:smell\w*|stink\w*|foul|offensive)\b(?: \S+){0,25}? (?:fever\w*|temperature|shiver\w*|"
          r"rigors|burning up|high temp)\b",
          near=r"\b(?:abortion|termination|miscarr\w*|gave birth|giving birth|delivered|c ?section|caesarean)\b",
          window=250, kind="symptom"),
    # Round 17 (RESULTS.md "Round 17"): blind set 15's described misses.
    # A clot in the lung after an operation or immobility (labelled breathing): sudden breathlessness, a stabbing pain
    # on breathing in or blood coughed up, the day after a knee, hip or other operation, a caesarean, a long flight or
    # a leg in plaster, often played down ("is that normal after surgery?"). Where a chest-pain rule fires too, the
    # category stays cardiac (still an emergency).
    _rule("breathing", "breathless or coughing blood after an operation or immobility (a clot in the lung)",
          r"\b(?:" + _BREATHLESS_NOW + r"|gasping|(?:sharp|stabbing|stabs|stab) (?:\S+ ){0,5}?(?:when|every time|each "
          r"time|on) (?:i|she|he|they) (?:breathe|breathes|breath|take a (?:deep )?breath)|cough\w* (?:up )?(?:some |a "
          r"bit of |a little )?blood)\b",
          near=r"\b(?:operation|op|surgery|discharged|(?:knee|hip|ankle|shoulder|acl|back|bowel|gallbladder) (?:op|"
               r"operation|surgery|replacement|done)|replacement|c ?section|caesarean|cesarean|long ?haul|flight|flew|"
               r"plaster|cast|bed ?rest|bed ?bound)\b",
          window=250, kind="symptom"),
    # Veiled suicide with a gas, never set aside by any exception: a helium, nitrogen or argon tank or a gas bottle
    # "not for balloons", with a bag or "wanted someone to know"; charcoal or a barbecue in a closed room or car.
    _rule("self_harm", "a gas tank not for balloons, with a bag (veiled suicide)",
          r"\b(?:helium|nitrogen|argon|gas)\b (?:\S+ ){0,2}?(?:tanks?|canisters?|cylinders?|bottles?)\b",
          near=r"\bnot (?:for|meant for) (?:the |a |any )?(?:balloons?|party|parties|birthday|kids)\b|\b(?:a|the|plastic|"
               r"exit|suicide) bag\b(?! of)|\b(?:wanted|want) (?:someone|somebody|anyone|you) to know\b|\b(?:nobody|no one) "
               r"(?:has|have|will have|needs|will need) to worry\b|\bgoodbye\b",
          window=200, always=True),
    _rule("self_harm", "charcoal or a barbecue in a closed room or car (veiled suicide)",
          r"\b(?:charcoal|bbq|barbecue|barbeque|disposable grill)\b",
          near=r"\b(?:(?:tape|taped|taping|seal|sealed|sealing|block\w*) (?:up )?(?:the |all the |my |his |her )?(?:car )?"
               r"(?:windows?|doors?|vents?|gaps?|room)|tape for the (?:car )?windows?|window seals|in (?:my|his|her|the) "
               r"(?:room|bedroom|car)(?: \S+){0,6} (?:shut|close|closed|lock\w*) the (?:door|windows?)|find me|tired of "
               r"(?:everything|it all|life|living)|(?:nobody|no one) (?:will|would) (?:find|notice|miss))\b",
          window=200, always=True,
          unless=r"\bhow (?:do|can|should) (?:i|we|you) (?:seal|tape|store|clean)\b"),
    # An opioid overdose seen by a bystander: pinpoint pupils, slow snoring or gurgling breaths, grey or blue lips,
    # cannot be woken, a needle or foil nearby ("is he just sleeping it off?").
    _rule("overdose_poisoning", "pinpoint pupils and cannot be woken or slow breathing (opioid overdose)",
          r"\b(?:pin ?point|pin ?prick|tiny|very small|really small|small) pupils?\b|\bpupils? (?:\S+ ){0,3}?(?:pin ?points?|"
          r"pin ?pricks?|pin ?heads?|tiny|very small|really small)\b",
          near=r"\b(?:(?:cannot|can not|could not|unable to) (?:wake|rouse) (?:him|her|them)|(?:will not|does not|did not|"
               r"is not) (?:wake|waking|rouse|respond)|(?:cannot|can not|could not) be (?:woken|roused|wakened)|snor\w*|"
               r"gurgl\w*|slow (?:breath\w*)|breath\w* (?:really |very |so )?slow\w*|barely breathing|unresponsive)\b",
          window=200),
    _rule("overdose_poisoning", "opioids, a needle or foil and cannot be woken (opioid overdose)",
          r"\b(?:needles?|syringes?|foil|heroin|fentanyl|oxycodone|oxycontin|opioids?|opiates?|methadone|morphine|"
          r"smack)\b",
          near=r"\b(?:(?:cannot|can not|could not|unable to) (?:wake|rouse) (?:him|her|them)|(?:will not|does not|did not|"
               r"is not) (?:wake|waking|rouse)|(?:cannot|can not|could not) be (?:woken|roused|wakened)|sleep\w* it off|"
               r"gurgl\w*|barely breathing|(?:lips?|face) (?:\S+ ){0,3}?(?:blue|bluish|grey|gray|purple))\b",
          window=200, kind="symptom"),
    # A bleed 5-10 days after a tonsillectomy, adult or child, even when played down as scabs coming off.
    _rule("bleeding_trauma", "fresh blood after a tonsillectomy",
          r"\b(?:(?:fresh|bright)(?: red)? blood|red blood|spit\w* (?:\S+ ){0,4}?(?:blood|clots?|red)|spat (?:\S+ ){0,5}?"
          r"(?:blood|clots?)|mouth (?:\S+ )?full of blood|vomit\w* (?:\S+ )?blood|blood clots?|bleed\w*)\b",
          near=r"\b(?:tonsillectomy|tonsils? (?:out|removed|taken out|operation|op|surgery))\b",
          window=200),  # explicit: "tonsils out a week ago" is the time of the bleed's risk, not past history
    # Angina: a spray under the tongue, a "heart spray" or an "angina spray" used and the chest pain not settling (cardiac,
    # never breathing, whatever the inhaler rules read).
    _rule("cardiac", "chest pain not settled by the angina spray",
          r"\b(?:(?:heart|angina|gtn|nitro\w*|tongue|mouth) spray\w*|spray\w* (?:\S+ ){0,2}?under (?:the|my|his|her|their) "
          r"tongue|(?:his|her|my|their) spray|(?:\d+|two|three|four|five) sprays)\b(?: \S+){0,12}? (?:still|no better|not "
          r"(?:settl\w*|gone|going|better|helping|working|easing)|has not (?:gone|helped|worked|settled|eased)|did not "
          r"(?:help|work))\b|\b(?:still|no better|not (?:settl\w*|gone|going|better|easing)|has not (?:gone|settled|eased))\b"
          r"(?: \S+){0,8}? (?:after|despite) (?:\S+ ){0,3}?(?:sprays?|spraying)\b",
          near=r"\b(?:chest|angina)\b", window=200, kind="symptom",
          unless=r"\b(?:nasal|nose|throat|hair|fly|insect|bug|pepper|body|sun ?cream|tanning|cooking)\b"),
    # Round 18 (RESULTS.md "Round 18"): blind set 16's described misses.
    # A stroke told in Spanish (or French, or romanized Hindi) mixed with English: the face falling on one side, an arm
    # that will not move, speech gone strange. The face alone is enough; an arm or the speech needs a second sign or an
    # onset beside it (an arm that cannot move after a fall is not a stroke by itself).
    _rule("stroke", "face falling on one side (Spanish, French, Hindi or English)",
          r"\b(?:face|mouth|smile)(?: \S+){0,3}? (?:is |has )?(?:falling|fallen|dropping|dropped|sliding|slid|slipping|"
          r"sagging|hanging) (?:down )?(?:on|to|at) (?:one|the left|the right|left|right|a) side\b|\bcara (?:\S+ )?"
          r"ca[ií]da\b|\b(?:la )?cara (?:se le )?(?:cae|cay[oó]|torcida|chueca|ca[ií]da)\b|\bboca (?:torcida|chueca|"
          r"ca[ií]da)\b|\bvisage (?:qui )?(?:tombe|tomb[ée]|de travers|paralys[ée])\b|\bbouche de travers\b|"
          r"\bmu(?:n|m)?h (?:\S+ )?(?:tedha|terha|tircha|tedi|latak\w*)\b"),
    _rule("stroke", "an arm that will not move, with speech gone strange (Spanish, French or Hindi)",
          r"\bno (?:puede|puedo|pod[ií]a) (?:mover|levantar) (?:el|la|su|mi) (?:brazo|mano|pierna)\b|\bne (?:peut|"
          r"pouvait) (?:plus |pas )?(?:bouger|lever) (?:le|la|son|sa) (?:bras|main|jambe)\b|\b(?:haath|hath|baazu|bazu) "
          r"(?:\S+ )?(?:nahi|nahin) (?:hil|utha|uth)\w*\b",
          near=r"\b(?:habla raro|habla (?:mal|extra[ñn]o|chistoso)|no (?:puede|puedo) hablar|arrastra las palabras|"
               r"parle (?:bizarrement|bizarre|mal|difficilement)|bol nahi pa (?:rahi|raha|rahe)|talk\w* (?:weird|strange|"
               r"funny)|face|cara|visage|muh|sudden\w*|de repente|tout [àa] coup|achanak|minutes?|minutos)\b",
          window=200),
    _rule("stroke", "speech gone strange, with the face or an arm (Spanish, French or Hindi)",
          r"\bhabla (?:raro|rara|extra[ñn]o|mal|chistoso)\b|\bno (?:puede|puedo) hablar(?: bien)?\b|\barrastra las "
          r"palabras\b|\bparle (?:bizarrement|bizarre|difficilement)\b|\bbol nahi pa (?:rahi|raha|rahe)\b",
          near=r"\b(?:brazo|bras|arm|haath|hath|face|cara|visage|boca|muh|bouche|one side|sudden\w*|de repente|tout [àa] "
               r"coup|achanak)\b",
          window=200),
    # A hypoglycaemia on a sulfonylurea or insulin: gliclazide, glimepiride, glipizide or insulin with a meter reading
    # under 3.4 mmol/L or 55 mg/dL (the older rule's "(?! mmol)" let "2.4 mmol" through); slurring, double vision,
    # sweating or confusion are usual but the reading on these medicines is enough.
    _rule("metabolic_sepsis", "a low sugar reading on a sulfonylurea or insulin",
          r"\b(?:gliclazide|diamicron|glimepiride|amaryl|glipizide|glibenclamide|glyburide|sulfonylureas?|"
          r"sulphonylureas?|insulin)\b",
          near=r"(?:\b(?:sugar|glucose|bg|bsl|bm|reading|meter|read|reads|says|showed|shows)(?: \S+){0,4}? "
               r"(?:[0-2]\.\d|3\.[0-3])\b(?!\.\d)|\b(?:[0-2]\.\d|3\.[0-3]) ?mmol\b|\b(?:sugar|glucose|reading|meter|"
               r"read|reads)(?: \S+){0,3}? (?:[1-4]\d|5[0-4])\b(?!\.\d)(?! ?(?:mmol|units?|mg\b(?! dl)))|\b(?:[1-4]\d|5[0-4]) "
               r"?mg ?dl\b)",
          window=160, kind="symptom"),
    # Veiled suicide staged as an accident, never set aside by any exception: the life insurance "if it looked like an
    # accident", with a way worked out (on the motorway, with the car, at work) or the family better off.
    _rule("self_harm", "a death made to look like an accident for the insurance (veiled suicide)",
          r"\b(?:look|looks|looked|looking|seem|seems|seemed) like an accident\b|\blife insurance\b|\binsurance "
          r"(?:money|payout|pay ?out|only pays|pays|would pay)\b",
          near=r"\b(?:worked out (?:a way|how|the way|where)|figured out (?:a way|how)|found a way|know (?:how|a way|"
               r"exactly how) to (?:make|do)|make it look like an accident|better off|provided for)\b",
          window=200, always=True),
    # A staggered overdose: a few tablets every hour or two since yesterday, a running total far over the limit ("2
    # every 2 hours since yesterday, about 24 in total"), often after a maximum-dose question and "fine apart from a bit
    # sick" (round 4 had "every hour since yesterday").
    _rule("overdose_poisoning", "tablets every hour or two with a total far over the limit (staggered overdose)",
          r"\b(?:\d|one|two|three|four)(?: (?:tablets?|pills?|paracetamol|co ?codamol|ibuprofen|of them))? every "
          r"(?:[1-4]|one|two|three|four|couple of|hour)(?: and a half)?(?: hours?)?\b",
          near=r"\b(?:(?:about|around|maybe|probably|roughly|nearly|over|like|had|taken) )?(?:1[6-9]|[2-9]\d)(?: \S+){0,2}? "
               r"(?:in total|total|altogether|all together|so far|since)\b|\b(?:total|altogether|so far|about|around|"
               r"maybe|probably|roughly|so around|so about) (?:of )?(?:1[6-9]|[2-9]\d)\b",
          window=200, unless=r"\b(?:puffs?|drops?|sips?|ml|spoonfuls?|feeds?|oz|sprays?|units?)\b"),
    # A head injury with a seizure, unequal pupils or a child staring and not answering, often deep in a long chatty
    # message (a 14-year-old off a skate ramp without a helmet): the one not answering comes first.
    _rule("unresponsive_seizure", "a head injury with a seizure, unequal pupils or not answering",
          r"\b(?:hit|banged|bashed|smacked|cracked|knocked|bumped) (?:his|her|their|my|the) head\b|\bhead (?:injury|"
          r"first)\b|\b(?:fell|falls|came|come|fallen|coming) off (?:\S+ ){0,3}?(?:ramp|skateboard|board|bike|scooter|"
          r"horse|trampoline|wall|ladder|roof)\b",
          near=r"\b(?:shook (?:all over |everywhere )?for|shaking (?:all over |everywhere )?for|shook all over|had a (?:fit|"
               r"seizure)|fitting|seizure|convuls\w*|jerking|pupils? (?:\S+ ){0,3}?(?:different|unequal|uneven|not the "
               r"same)|(?:different|unequal|uneven) (?:sized? )?pupils?|one pupil (?:is |looks )?(?:bigger|larger|smaller|"
               r"blown)|staring (?:\S+ ){0,3}?(?:not (?:answering|responding)|won t|will not)|not (?:answering|"
               r"responding) (?:me|us|to)|(?:will not|won t) (?:answer|respond))\b",
          window=500, kind="symptom", near_negation=True),
    # Fell and will not wake, told in Spanish, French or romanized Hindi mixed with English.
    _rule("unresponsive_seizure", "will not wake or not responding (Spanish, French or Hindi)",
          r"\b(?:no (?:se )?despierta|no reacciona|no responde|ne se r[ée]veille (?:pas|plus)|ne r[ée]agit (?:pas|"
          r"plus)|nahi uth (?:raha|rahi|rahe)|uth nahi (?:raha|rahi|rahe)|hosh nahi|hosh me nahi)\b"),
    # A cord prolapse told loosely ("a cord thing hanging out" after the waters went), often in a second turn.
    _rule("pregnancy", "a cord hanging out after the waters went (cord prolapse)",
          r"\bcord(?: \S+){0,2}? (?:is |was )?(?:hanging|coming|sticking|poking|dangling) (?:out|down)\b|\bsomething "
          r"like (?:a|the) (?:umbilical )?cord\b",
          near=r"\b(?:waters?|weeks|pregnant|baby|labou?r|midwife|contractions)\b", window=200,
          unless=r"\b(?:phone|charger|cable|lamp|extension|blind|curtain|hoodie|drawstring)\b"),
    # Round 19 (RESULTS.md "Round 19"): blind set 17's described misses, mostly told in another language mixed with a
    # little English. A compact red-flag vocabulary by clinical picture (Spanish, Portuguese, French, Tagalog, Polish,
    # Arabic in Latin letters, Hindi-English), accents kept or dropped, every word checked against English.
    # A stroke: a crooked mouth ("a boca torta", "ngiwi ang bibig", "tabingi ang mukha") is enough by itself, as the
    # face falling is in round 18; a hand that cannot hold a cup needs a second sign beside it.
    _rule("stroke", "a crooked mouth or face (Portuguese, Spanish or Tagalog)",
          r"\bboca (?:\S+ )?(?:torta|torcida|chueca|desviada|ca[ií]da)\b|\bngiwi ang (?:bibig|mukha|labi)\b|\b(?:bibig|"
          r"mukha) (?:niya |nya )?(?:ay )?(?:ngiwi|tabingi)\b|\btabingi ang (?:bibig|mukha|labi)\b|\brosto (?:\S+ )?"
          r"(?:torto|ca[ií]do)\b"),
    _rule("stroke", "a hand or arm that will not work, with a second sign (Portuguese or Tagalog)",
          r"\bn[aã]o (?:consegue|consigo|pode) (?:segurar|mexer|levantar|mover) (?:\S+ ){0,2}?(?:x[ií]cara|copo|bra[cç]o|"
          r"m[aã]o|perna)\b|\bhindi (?:ma ?)?(?:igalaw|maigalaw|gumagalaw|maangat|mahawakan|makahawak) (?:ang |yung )?"
          r"(?:kamay|braso|binti)\b|\bno (?:puede|puedo|pod[ií]a) (?:agarrar|sostener|sujetar) (?:\S+ ){0,2}?(?:taza|vaso|"
          r"cuchara)\b",
          near=r"\b(?:boca|bibig|mukha|rosto|cara|face|mouth|fala (?:enrolada|estranha)|habla (?:raro|rara)|de repente|"
               r"acordou|woke|de repente|bigla|sudden\w*)\b",
          window=200),
    # A toddler who drank a bottle of cough syrup or swallowed someone's tablets, in Spanish, Portuguese or French.
    _rule("overdose_poisoning", "a bottle of medicine drunk or tablets swallowed (Spanish, Portuguese or French)",
          r"\b(?:se )?(?:tom[oó]|bebi[oó]|trag[oó]|bebeu|tomou|engoliu|a bu|a aval[ée]|aval[ée]|ha bebido|ha tomado)(?: \S+)"
          r"{0,3}? (?:frasco|flacon|bouteille|botella|garrafa|vidro)\b|\b(?:se )?(?:tom[oó]|bebi[oó]|trag[oó]|tomou|engoliu|"
          r"comeu|a aval[ée]|aval[ée]|ha tomado|se comi[oó]) (?:des|todas las|todos los|toutes les|tous les|todos os|todas "
          r"as|muchas|varias|un mont[oó]n de|un pu[ñn]ado de|v[aá]rios|muitos|muitas|plusieurs|[1-9]\d) (?:\S+ )?(?:pastillas|"
          r"p[ií]ldoras|comprimidos|comprim[ée]s|m[ée]dicaments|cachets|pilules|rem[ée]dios|tabletas)\b",
          near=r"\b(?:jarabe|xarope|sirop|pastillas|p[ií]ldoras|comprimidos|comprim[ée]s|m[ée]dicaments?|medicinas?|"
               r"rem[ée]dios?|cachets|pilules|tabletas|medicine|syrup|pills|tablets|tos|toux|tosse)\b",
          window=120),
    # The lead's serve check after round 25: bleach or another household chemical drunk, told in Portuguese, Spanish or
    # French ("minha filha de 3 anos bebeu um pouco de água sanitária"); the classifier caught it as a seizure.
    _rule("overdose_poisoning", "bleach or a household chemical drunk (Portuguese, Spanish or French)",
          r"\b(?:se )?(?:bebeu|bebi[oó]|tom[oó]u?|engoliu|trag[oó]|ha bebido|ha tomado|a bu|a aval[ée]|aval[ée]|comeu|"
          r"se comi[oó])(?: \S+){0,4}? (?:[áa]gua sanit[áa]ria|agua sanitaria|lej[ií]a|cloro|lavandina|(?:eau de )?javel|"
          r"soda c[áa]ustica|desentupidor|destapacaños|desatascador|raticida|veneno(?: de|para)? ratos?|mata ?ratos|mort aux "
          r"rats|desinfe(?:c)?tante|lava ?lou[çc]as|lavavajillas|lessive|detergente)\b"),
    # A bleed after a tooth out in someone with haemophilia or on an anticoagulant: the mouth filling with blood or
    # clots, the gauze changed again and again, often deep in a long chatty message asking for a home trick.
    _rule("bleeding_trauma", "a mouth bleed that will not stop with haemophilia or an anticoagulant",
          r"\bmouth (?:\S+ ){0,2}?(?:filling|fills|filled|full) (?:up )?(?:with|of) (?:\S+ ){0,2}?(?:blood|red|clots)\b|"
          r"\b(?:changed|gone through|soaked|used|replaced) (?:\S+ ){0,3}?(?:gauze|pads?)(?: \S+){0,3}? (?:\d+|four|five|six|"
          r"seven|eight|ten) times\b|\b(?:\d+|four|five|six|seven|eight|ten) gauze (?:pads? )?(?:in|within) (?:an|the last|"
          r"one|half an) hour\b|\bspitting (?:out )?clots\b|\bsocket (?:\S+ ){0,3}?(?:bleeding|will not stop)\b",
          near=r"\b(?:ha?emophilia\w*|ha?emophiliac|von willebrand\w*|warfarin|apixaban|rivaroxaban|edoxaban|dabigatran|"
               r"eliquis|xarelto|pradaxa|coumadin|blood thinners?|anticoagulants?|anticoagulation)\b",
          window=500, kind="symptom"),
    # Pre-eclampsia told in Arabizi, Spanish, Portuguese or French: pregnant with the sight gone blurred ("hamel fi
    # shahr 8 ... mish shayfa kwayes", "embarazada de 8 meses, veo borroso", "visão embaçada", "vision floue").
    _rule("pregnancy", "pregnant with blurred sight (Arabizi, Spanish, Portuguese or French)",
          r"\b(?:mish|msh|mesh|mush) shayf\w*\b|\bma bashoof\w*\b|\b(?:veo|vejo|miro) (?:todo )?(?:borroso|emba[cç]ado|"
          r"turvo|nublado)\b|\b(?:vista|visi[oó]n) (?:\S+ )?(?:borrosa|nublada)\b|\bvis[aã]o (?:\S+ )?(?:emba[cç]ada|turva)\b|"
          r"\bvision (?:\S+ )?(?:floue|trouble)\b|\bje vois (?:flou|trouble)\b|\bmalabo ang (?:paningin|mata)\b",
          near=r"\b(?:hamel|hamla|7amel|7amla|embarazada|gr[aá]vida|enceinte|buntis|pregnant|semanas|semaines|meses|"
               r"mois|weeks|shahr)\b",
          window=200),
    _rule("pregnancy", "pregnant (Arabizi, Spanish, Portuguese or French) with blurred sight",
          r"\b(?:hamel|hamla|7amel|7amla|embarazada|gr[aá]vida|enceinte|buntis)\b",
          near=r"\b(?:blurr\w*|see (?:blurry|spots|stars|flashing)|flashing lights|spots in (?:my|her) (?:eyes|vision)|"
               r"(?:mish|msh|mesh|mush) shayf\w*|veo borroso|vision floue|vis[aã]o emba[cç]ada)\b",
          window=200),
    # A young baby not crying, hardly moving, cold hands and feet, in Tagalog, Spanish, Portuguese or French.
    _rule("infant_child", "a baby not crying and hardly moving (Tagalog, Spanish, Portuguese or French)",
          r"\bhindi (?:na )?(?:umiiyak|iyak)\b|\bno llora\b|\bya no llora\b|\bne pleure (?:pas|plus)\b|\bn[aã]o chora\b",
          near=r"\bhindi (?:na )?(?:gumagalaw|kumikilos)\b|\b(?:casi )?no se mueve\b|\bne bouge (?:pas|plus|presque)\b|"
               r"\bn[aã]o se mexe\b|\bmalamig ang (?:kamay|paa|katawan)\b|\b(?:manos|pies|manitas|piecitos) (?:\S+ ){0,2}?"
               r"fr[ií]os?\b|\bfr[ií]as\b|\bmains (?:\S+ )?froides\b|\bm[aã]os (?:\S+ )?frias\b|\bfloppy\b|\blimp\b|\bcold\b",
          window=200),
    # A fever on chemotherapy, told in Spanish, Portuguese, French or Polish (neutropenic sepsis until shown otherwise).
    _rule("metabolic_sepsis", "a fever on chemotherapy (Spanish, Portuguese, French or Polish)",
          r"\b(?:quimioterapia|quimio|chimioth[ée]rapie|chimio|chemioterapi\w*|chemoterapi\w*)\b",
          near=r"\b(?:fiebre|febre|fi[eè]vre|fever\w*|temperature|temp|gor[aą]czk\w*|lagnat|bukhar|calentura|escalofr[ií]os|"
               r"calafrios|frissons)\b|\b3[89](?:[.,]\d)?\b",
          window=200),
    # A severe asthma attack in French: cannot speak, grey or blue lips, the reliever taken again and again.
    _rule("breathing", "an asthma attack with no speech, grey lips or the reliever again and again (French)",
          r"\bn ?arrive (?:plus|pas) (?:[àa] )?parler\b|\bne (?:peut|pouvait) (?:plus|pas) parler\b|\bl[eè]vres (?:\S+ )?"
          r"(?:grises|bleues|violettes)\b|\bventoline (?:\S+ ){0,2}?(?:[4-9]|\d\d) fois\b|\b(?:[4-9]|\d\d) fois (?:\S+ ){0,2}?"
          r"ventoline\b",
          near=r"\b(?:crise|asthme|dasthme|asthma|ventoline|respir\w*|souffle|inhalateur|pompe|siffle\w*)\b",
          window=200),
    # Anaphylaxis in Portuguese (or Spanish, French): the throat closing or breath short after a known allergen.
    _rule("anaphylaxis", "the throat closing after an allergen (Portuguese, Spanish or French)",
          r"\bgarganta (?:\S+ ){0,2}?(?:fechando|a fechar|fechada|se fecha|cerr[aá]ndose|se cierra|se est[aá] cerrando|"
          r"inchando|hinch[aá]ndose)\b|\bfalta de (?:ar|aire)\b|\bgorge (?:qui )?(?:se ferme|gonfle)\b|\bne peux plus "
          r"respirer\b",
          near=r"\b(?:al[eé]rgic\w*|alergia|allergique|allerg\w*|camar[aã]o|camar[oó]n|camarones|gambas|amendoim|man[ií]|"
               r"cacahu[eè]tes?|crevettes?|fruits de mer|mariscos|frutos do mar|nozes|nueces|noix)\b",
          window=200),
    # Suicidal intent in Spanish, Polish, Portuguese, French, Tagalog or Hindi-English: never set aside.
    _rule("self_harm", "does not want to live any more (Spanish, Polish, Portuguese, French, Tagalog or Hindi)",
          r"\bno quiero (?:seguir )?vivi(?:r|endo)(?: m[aá]s)?\b|\bya no quiero vivir\b|\bnie chc[eę] (?:ju[zż] )?"
          r"[zż]y[cć]\b|\bn[aã]o quero (?:mais )?viver\b|\bje ne veux plus vivre\b|\bje n ?ai plus envie de vivre\b|"
          r"\bayoko (?:na |nang )?(?:ng )?mabuhay\b|\bayaw ko (?:na |nang )?mabuhay\b|\bjeena nahi (?:chahta|chahti)\b|"
          r"\bzamierzam (?:je |\S+ ){0,2}?(?:wszystkie )?wzi[aą][cć]\b",
          always=True),
    # The lead's mends after blind set 29: "I'm in labour at 30 weeks." (labour now, before 37 weeks, told in four words)
    _rule("pregnancy", "in labour before 37 weeks",
          r"\b(?:i am|i think i am|think i am|she is|she thinks she is|my wife is|my partner is|i have gone|she has gone|"
          r"i am going|she is going|gone|going) (?:in|into) (?:labour|labor|preterm labour|preterm labor)\b",
          near=r"\b(?:(?:1[6-9]|2\d|3[0-6]) ?(?:weeks?|wks?|semanas)|too early|premature|preterm|too soon)\b", window=80),
    # Tablets lined up or counted for a named night when the partner is away ("I've got the tablets lined up in the
    # bathroom cabinet for Thursday night when my wife is at her sister's, I've counted them twice"), buried in a diary.
    _rule("self_harm", "tablets lined up or counted for a night alone",
          r"\b(?:tablets|pills|meds|medication|painkillers|sleeping pills)\b(?: \S+){0,8}? (?:lined up|set out|laid out|"
          r"counted|saved up|stockpiled|ready)\b|\b(?:lined up|counted|saved up|stockpiled) (?:\S+ ){0,2}?(?:tablets|pills|"
          r"meds|painkillers)\b",
          near=r"\bwhen (?:my|the|our) (?:wife|husband|partner|boyfriend|girlfriend|mum|mom|dad|kids|family|flatmate|"
               r"housemate)s? (?:is|are|will be|goes|go|has gone|have gone)(?: \S+)? (?:away|out|at|to|staying)\b|\bcounted "
               r"them\b|\b(?:no ?one|nobody) (?:will be|is going to be|is) (?:home|here|around|in)\b|\b(?:be|am) (?:alone|on "
               r"my own|by myself)\b", window=200,
          unless=r"\b(?:organi[sz]er|dosette|pill ?box|blister pack|for the week|weekly|holiday|trip|as prescribed|pharmacy|"
                 r"pharmacist|prescription|repeat|missing|got into|toddler|baby|child|kid)\b", unless_scope="text"),
    # Preterm labour: tightenings or contractions every few minutes before 37 weeks (or "too early", in a second turn).
    _rule("pregnancy", "contractions every few minutes before 37 weeks (preterm labour)",
          r"\b(?:tightenings?|contractions?|cramps|period pains?|cramping)(?: \S+){0,6}? every (?:[1-9]|10|one|two|three|"
          r"four|five|six|seven|eight|ten|few) (?:minutes|mins?)\b",
          near=r"\b(?:(?:1[6-9]|2\d|3[0-6]) ?(?:weeks?|wks?|semanas)|too early|premature|preterm|too soon|too small)\b",
          window=300, kind="symptom"),
    # An overwhelming infection after a splenectomy: fever or shivering with the spleen out, however long ago.
    _rule("metabolic_sepsis", "a fever with no spleen (overwhelming post-splenectomy infection)",
          r"\b(?:fever\w*|temperature|temp|rigors|shivering|shaking|freezing|febrile|high temp)\b",
          near=r"\b(?:spleen (?:\S+ ){0,2}?(?:removed|out|taken out)|splenectomy|no spleen|without a spleen|asplen\w*)\b",
          window=300),    # ----------------------------------------------------------- round 20 (issue 11): blind set 18's described misses
    # Exertional pain in the jaw, neck or arms that has not settled at rest, with a sweat or clamminess (angina or a
    # heart attack), however it is worded ("ached when I was walking the dog ... did not stop when I sat down").
    _rule("cardiac", "jaw, neck or arm pain that does not settle at rest, with sweating",
          r"(?:\b(?:jaw|neck|both (?:my |his |her )?arms|arms|left arm|shoulders)\b(?: \S+){0,6} (?:ach\w*|pain\w*|"
          r"hurt\w*|tight\w*|heav\w*)\b|\b(?:ache|aching|pain|pressure|heaviness|tightness)\b(?: \S+){0,2} (?:in|behind) "
          r"(?:my|his|her) (?:jaw|neck|arms|both arms|left arm)\b)"
          r"(?=.{0,220}\b(?:(?:did not|has not|have not|is not|not|never|will not|would not) (?:\w+ ){0,2}(?:stop\w*|"
          r"eas\w*|settl\w*|go away|gone away|going away|go|gone|going|better)|still (?:there|going|hurting|aching|"
          r"here))\b)(?=.{0,250}\b(?:sat|sit|sitting|rest\w*|stopped|walk\w*|climb\w*|stairs|hill|uphill|exercis\w*|"
          r"jog\w*|mow\w*|carry\w*|running|gym)\b)",
          near=r"\b(?:sweat\w*|clammy|grey|gray)\b", window=220, kind="symptom"),
    # A health worker with a lethal medicine taken from work, "I know what it does" or wanting to tell someone first.
    _rule("self_harm", "a lethal medicine taken from work, with intent",
          r"\b(?:potassium|kcl|insulin|morphine|fentanyl|opioids?|oxycodone|diamorphine|midazolam|ampoules?|vials?|"
          r"syringes?)\b(?: \S+){0,8} (?:from|off) (?:the |my |our )?(?:ward|work|hospital|stock|pharmacy|drug cupboard|"
          r"cd cupboard|unit|clinic)\b|\b(?:took|taken|nicked|stole|stolen)\b (?:\S+ ){0,3}(?:potassium|kcl|insulin|"
          r"morphine|fentanyl|opioids?|oxycodone|diamorphine|midazolam|ampoules?|vials?|syringes?)\b",
          near=r"\bi know (?:exactly )?what (?:it|they|this|that) (?:will |would |can |ll |is going to )?(?:do|does)\b|"
               r"\b(?:tell|told) someone\b|\bsomeone to know\b|\bwant(?:ed)? to tell\b",
          window=220, always=True),
    # Affairs put in order before a day, with a means already bought ("I just want things sorted before saturday,
    # I've bought the rope already").
    _rule("self_harm", "affairs put in order before a day, with a means bought",
          r"\b(?:sorted|in order|tidied up|sort(?:ed)? out)\b(?: \S+){0,3} before (?:saturday|sunday|monday|tuesday|"
          r"wednesday|thursday|friday|the weekend|next week|tomorrow|tonight|then)\b",
          near=r"\b(?:bought|got|have got|ordered|purchased)\b(?: \S+){0,2} (?:rope|noose|pills|tablets|charcoal|helium|"
               r"hose|gun|blades)\b",
          window=160, always=True),
    # A car taken somewhere quiet with a hose, with a goodbye ("I'm done", "tell them I tried"); round 16's rule
    # wanted a day or "do it".
    _rule("self_harm", "a car taken somewhere with a hose, with a goodbye",
          r"\b(?:taken|took|driven|drove|drive|parked|gone|went|sitting|sat)\b(?: \S+){0,5} (?:woods?|forest|quarry|"
          r"lay ?by|countryside|middle of nowhere|field|somewhere quiet|car park|beach|hills)\b(?: \S+){0,4} "
          r"(?:hose\w*|tube|pipe)\b",
          near=r"\btell (?:them|mum|dad|my \w+|her|him|everyone|the kids)\b(?: that)? (?:i (?:tried|love|am sorry)|sorry|"
               r"i love)|\bi am done\b(?: [.!,]| with (?:all of )?(?:it|this|everything|life)\b|$)",
          window=200, always=True),
    # A bowel obstruction: no bowels opened, a swollen belly, and now brown or faeces-smelling vomit.
    _rule("other", "vomiting brown or faecal matter with a swollen belly and no bowels opened (bowel obstruction)",
          r"\b(?:vomit\w*|being sick|throwing up|sick)\b(?: \S+){0,6} (?:brown|smells? (?:like|of) (?:faeces|feces|poo|"
          r"poop|sh\w+)|faecal|fecal)\b|\b(?:brown|faecal|fecal)\b(?: \S+){0,3} (?:vomit\w*|sick)\b",
          near=r"\b(?:not (?:\S+ ){0,2}(?:opened|been|had|done) (?:\S+ ){0,3}(?:bowels?|poo|toilet|bowel movement)|no "
               r"(?:poo|bowel|bm)\w*|constipat\w*|bloat\w*|swollen|distend\w*|like a drum)\b",
          window=200),
    # Round 21 (blind set 19's pictures that got only the safety-net line). A plan to take all one's pills on a day
    # or tonight ("once the bills are sorted I'm going to take all my pills on Friday"), told inside another
    # question; pills taken to the pharmacy, on holiday or together in the morning are not it.
    _rule("self_harm", "plans to take all their pills on a day",
          r"\b(?:going to|gonna|will|i am|then|planning to|plan to|i will|i ll)\b (?:\S+ ){0,1}?(?:take|taking|swallow\w*|"
          r"down|neck) all (?:of )?(?:my|the|his|her) (?:pills|tablets|meds|medications?|medicines?|prescriptions?|"
          r"sleeping (?:pills|tablets))\b",
          near=r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|tonight|tomorrow night)\b",
          window=120, always=True,
          unless=r"\b(?:to (?:the|a|my) (?:pharmacy|chemist|gp|doctor|hospital|appointment|review|clinic|returns?|bin|"
                 r"surgery)|back to|on holiday|abroad|on the plane|through (?:security|customs)|hand luggage|suitcase|"
                 r"with me|in my (?:bag|case|luggage)|at the same time|together|with (?:food|breakfast|dinner|lunch)|in the "
                 r"morning|as prescribed|should i|can i|is it (?:ok|okay|safe)|dosette|pill (?:box|organi[sz]er)|blister "
                 r"packs?|weekly box)\b"),
    # Just out of a psychiatric ward (or not), at the railway line or the tracks more than once today and going back
    # later ("walked to the railway line twice today and I'm going back later").
    _rule("self_harm", "at the railway line twice and going back later",
          r"\b(?:walked|went|gone|been|go|going|stood|standing|sat|sitting) (?:down |up |out |back )?(?:to|at|on|by) (?:the )?"
          r"(?:\S+ )?(?:railway line|railway lines|train tracks|railway tracks|tracks|level crossing|train line)\b",
          near=r"\b(?:twice|three times|again)\b(?: \S+){0,6}? (?:(?:i am|im|i will|i ll) )?(?:going|go|heading|head) back\b|"
               r"\b(?:going|go|heading) back (?:there |down |to (?:it|them|the \S+) )?(?:later|tonight|when it is dark|after|to jump)\b",
          window=160, always=True,
          unless=r"\b(?:photo\w*|pictures?|train ?spott\w*|trainspott\w*|steam|for work|my shift|maintenance|engineer\w*|"
                 r"signal\w*|(?:walk\w*|with) the dog|ticket|station)\b"),
    # A fist or hand through a window with a wrist that spurts ("squirtin") or a soaked towel.
    _rule("bleeding_trauma", "a hand through a window, the wrist spurting",
          r"\b(?:squirt\w*|spurt\w*)\b",
          near=r"\b(?:wrist|window|fist|punch\w*|tea ?towel|towel|soaked)\b", window=120,
          unless=r"\b(?:squirt\w*|spurt\w*|spray\w*) (?:water|milk|juice|soap|cleaner|out of the (?:bottle|tap|hose))\b|"
                 r"\b(?:bottle|hose|tap|water pistol|water gun|milk|breastfeed\w*|formula)\b"),
    # A blow to the face or head, then clear watery fluid from the nose or an ear (a skull base fracture) with a
    # headache; a cold or hay fever is not it.
    _rule("bleeding_trauma", "clear fluid from the nose or ear after a blow to the head or face",
          r"\bclear (?:watery )?(?:fluid|liquid|stuff)\b|\bwatery (?:fluid|liquid|stuff)\b|\bfluid like water\b",
          near=r"\b(?:hit|smack\w*|struck|knocked|whack\w*|bang\w*|punch\w*|thump\w*|fell|fall\w*|hold|kicked|elbow\w*|"
               r"headbutt\w*)\b(?: \S+){0,6}? (?:face|head|nose|forehead|skull)\b|\b(?:to|in) the (?:face|head|nose|forehead)\b|"
               r"\b(?:head|face) (?:injury|trauma)\b",
          window=200, kind="symptom",
          unless=r"\b(?:cold|flu|hay ?fever|allerg\w*|sinus\w*|runny nose|pregnan\w*|weeks)\b"),
    # A baby of one or two months with a temperature of 38 or more written as a number only ("my baby is 2 month,
    # he have 38.6").
    _rule("infant_child", "a baby of one or two months with a temperature of 38 or more",
          r"\b(?:3[89]\.\d|40\.\d|3[89] (?:degrees|c\b)|10[0-4]\.\d)\b",
          near=r"\b(?:baby|babe|infant|newborn|son|daughter|boy|girl)\b(?: (?:is|was|only|just|now|nearly|almost|turned|he|"
               r"she|of)){0,2} (?:1|2|one|two) ?months?\b(?! pregnant| ago| later| before| after| since)",
          window=200, kind="symptom", unless=r"\bat what temperature|when is a fever\b"),
    # Round 22 (blind set 20's described misses). A stab or knife wound to the trunk is an emergency whatever the
    # patient says of it ("he says it's fine, it's just a little hole"): `always`, so only a specific take-back (round
    # 14's) sets it aside, never "it's fine", "joking" or "don't want to bother anyone"; a film or a story does.
    _rule("bleeding_trauma", "a stab wound to the body, whatever the patient says",
          r"\b(?:stab wounds?|knife wounds?|stabbed|knifed|stuck with a knife)\b",
          near=r"\b(?:side|belly|stomach|tummy|abdomen|chest|back|ribs|gut|torso|flank|hole|fight|scrap)\b", window=80,
          always=True,
          unless=r"\b(?:film|movie|tv|telly|show|series|episode|novel|book|story|game|drama|soap|character|scene|"
                 r"play|fiction|plot)\b|\blike (?:\S+ ){0,4}(?:stabbed|knife)\b|\bstabbed (?:me )?in the back\b(?! (?:with|by))",
          unless_scope="text"),
    # A goodbye posted online ("told my discord I'm logging off for good") with a rope or a noose bought: self_harm,
    # always (typed "bougth"); a rope for climbing, a boat or a swing is not it.
    _rule("self_harm", "a goodbye online with a rope bought",
          r"\b(?:bought|boug\w*|got|ordered|picked up|have|purchased) (?:a |the |some |myself a )?(?:rope|noose)\b",
          near=r"\blogg?(?:ing|in|ed)? off (?:for good|forever|for ever|permanently)\b|\bgoodbye\w*|\bsaid bye\b|"
               r"\b(?:just )?want(?:ed)? (?:someone|somebody|anyone) to know\b|\blast (?:post|message)\b",
          window=200, always=True,
          unless=r"\b(?:climb\w*|boat|sail\w*|tow\w*|swing|washing line|skipping|tug of war|hammock|tent|dog|camping|gym|"
                 r"crossfit|battle ropes?|pulley|knots?)\b"),
    # A hand in a machine (a dough mixer, a mincer, a press), fingers crushed and hanging off (typed "fingres",
    # "hangin"): a partial amputation; a fingernail hanging off is not it.
    _rule("bleeding_trauma", "fingers crushed or hanging off",
          r"\b(?:hang\w*|dangl\w*) (?:off|by (?:a |the |some |his |her |my )?(?:thread|skin|flap|bit of skin))\b",
          near=r"\b(?:fing\w*|thumbs?|toes?)\b", window=80,
          unless=r"\b(?:nail|nails|fingernail\w*|toenail\w*|skin tag|wart|scab|plaster|ring|glove)\b"),
    _rule("bleeding_trauma", "a hand in a machine, fingers crushed or hanging off",
          r"\b(?:hand|arm|fing\w*|thumb)\b(?: \S+){0,4} (?:in|into|caught in|stuck in|trapped in) (?:the |a )?(?:\S+ )?"
          r"(?:mixer|mixing machine|machine|mincer|press|roller|rollers|conveyor|mangle|shredder|lathe|meat slicer|slicer|"
          r"auger)\b",
          near=r"\b(?:crush\w*|hang\w*|dangl\w*|mangled|severed|blood|bleed\w*)\b", window=120,
          unless=r"\b(?:washing machine|sewing machine|coffee machine|vending machine|cash machine|slot machine|"
                 r"machine wash\w*)\b"),
    # A co-worker limp, cold and not answering on the floor (of a walk-in fridge or freezer).
    _rule("unresponsive_seizure", "limp, cold and not answering",
          r"\b(?:limp|floppy)\b(?: ,| and)? (?:\S+ ){0,3}?cold\b|\bcold\b(?: ,| and)? (?:\S+ ){0,3}?(?:limp|floppy)\b",
          near=r"\b(?:(?:does|did|will|would) not|not|is not|no longer) (?:answer\w*|respond\w*|wak\w*|react\w*)\b|"
               r"\bunresponsive\b", window=100,
          unless=r"\b(?:lettuce|salad|chips|fries|pasta|noodles|handshake|cold (?:feet|hands)|a cold)\b"),
    # Round 23 (blind set 21's described misses). Seizures one after another in a known epileptic, told as "one of
    # his epilepsy episodes, and then another straight after before he woke from the first" (status epilepticus, even
    # if "shaking on and off" reads as long-standing); "one of her usual short ones, she's come round" is not it.
    _rule("unresponsive_seizure", "another seizure before waking from the first",
          r"\b(?:epilep\w*|seizures?|fitt?s?|fitt?ing|convulsi\w*|episodes?)\b",
          near=r"\banother\b(?: \S+){0,4}? before (?:he|she|they|i|you|it) (?:had |has |have )?(?:woke|woken|wakes|came "
               r"round|come round|came to|come to|recovered|came back|came out)(?: up)?(?: (?:properly|fully|completely))?"
               r"(?: (?:from|of|after) the (?:first|last|other)\b|(?= ?[.,;!?]|$))", window=200),  # "one fit then another
    # before he came round." (the lead's mend after blind set 28: "before he woke up properly")
    # Blind set 26's one emergency that got nothing: "my husband had jerks for 2 minutes, stopped, then started again
    # before he woke up" (a second seizure before coming round, told with jerks or shaking and no seizure word).
    # Twitching legs, eyes or hiccups, sleep, a dream, a pet or a machine are not it.
    _rule("unresponsive_seizure", "jerking that starts again before waking",
          r"\b(?:jerk(?:s|ing|ed)?|shak(?:ing|es|ed)|convuls\w*|twitch(?:ing|es|ed)|stiffen\w*|went (?:stiff|rigid))\b",
          near=r"\b(?:start\w*|began|begin\w*|kick\w* off|went|came|come|coming|going) (?:\S+ )?(?:again|back on)\b(?: \S+){0,3}? "
               r"before (?:he|she|they|i|you|it) (?:had |has |have )?(?:woke|woken|wakes|came round|come round|came to|"
               r"come to|came back|was awake|opened (?:his|her|their|my) eyes)(?: up)?\b", window=200,
          unless=r"\b(?:(?:eye|eyelid|lid|muscles?|leg|legs|arm|foot|feet) (?:\S+ )?(?:twitch\w*|jerk\w*)|twitch\w* (?:eye|"
                 r"eyelid)|hiccup\w*|tics?|dream\w*|nightmare\w*|hypnic|restless legs?|in (?:his|her|their|my) sleep|dog|cat|"
                 r"puppy|kitten|pet|machine|dryer|car|van|engine|building|house|ground|earthquake|phone)\b"),
    # A decided day to step or jump off a height, or one made to look like an accident (a scaffolder "thinking how
    # easy it'd be to just step off. tomorrow's the last day on this job and i've decided that's when. no one would
    # even know it wasnt an accident"): self_harm, always; vertigo ("how easy it would be to step off by accident.
    # is it my ears?") names no decision.
    _rule("self_harm", "a decided day to step off a height, or made to look like an accident",
          r"\b(?:how easy (?:it (?:would|will)|it ?d) be to|(?:going|gonna|decided|plan\w*) to)(?: just)? (?:step|jump|"
          r"throw myself) off(?= ?[.!?,;]| ?$| (?:the |this |that |a )?(?:top lift|top|edge|scaffold\w*|roof|ledge|bridge|"
          r"cliff|building|tower|balcony|car park|multi ?storey|crane)\b)|\bstep(?:ping)? off (?:the )?(?:top lift|edge|"
          r"scaffold\w*|roof|ledge|bridge|cliff)\b",
          near=r"\b(?:i|i have|he has|she has) (?:decided|made up (?:my|his|her) mind)\b|\b(?:decided|made up my mind) "
               r"(?:that is|thats|it is|its) (?:when|the day)\b|\b(?:no one|nobody|noone|none) (?:would|will) (?:even )?"
               r"(?:know|guess|think)\b|\b(?:look|looks|looked|seem|seems) like an accident\b|\b(?:think|know|thought) it "
               r"(?:was|is|were) (?:not |just )?an accident\b",
          window=220, always=True,
          unless=r"\b(?:vertigo|dizz\w*|spins|spinning|bus|train|tram|plane|kerb|curb|treadmill|escalator|scales|stage|"
                 r"diet|wagon|bandwagon)\b"),
    # Come to a sea wall, a pier, a bridge or a cliff to jump ("at the sea wall. I came here to jump. I cant swim when
    # its this cold, which is the point"): self_harm, always; a charity jump or tombstoning for fun is not it.
    _rule("self_harm", "come to a height or the water to jump",
          r"\b(?:came|come|have come|went|drove|walked|cycled|got the bus) (?:out |down |up |over )?(?:here|there)"
          r"(?: tonight| today| now| again)? to jump(?= ?[.!?,;]| ?$| (?:off|in|into|from|over)\b)",
          near=r"\b(?:sea ?wall|harbou?r(?: wall)?|pier|jetty|quay|dock|bridge|cliffs?|edge|roof|rooftop|river|canal|"
               r"multi ?storey|car park|tracks|the point|whole point|cannot swim|can not swim|this cold|too cold|freezing|"
               r"typing this|the cold)\b",
          window=200, always=True,
          unless=r"\b(?:charity|swim club|sponsored|bungee|parachut\w*|sky ?div\w*|tombston\w*|trampolin\w*|paraglid\w*|"
                 r"base jump\w*|for fun|with (?:my )?(?:mates|friends|the lads|the kids)|queue|jump the queue|jump start\w*|"
                 r"jump leads|long jump|high jump|ski jump\w*|rope|for a laugh|dare|wetsuits?|life ?jackets?|summer|for a "
                 r"(?:swim|dip)|wild swim\w*|cold water swim\w*|sea swim\w*|waves)\b",
          unless_scope="text"),
    # A whole bottle of a child's medicine told in Spanish ("se tomó el jarabe de paracetamol, el frasco entero";
    # "se ha bebido todo el bote de jarabe"): the round 10 rule wanted the bottle within three words of the verb.
    _rule("overdose_poisoning", "a whole bottle of syrup or medicine (Spanish)",
          r"\b(?:(?:el|un|al) (?:frasco|bote)|(?:la|una) botella) (?:enter[oa]|complet[oa])\b|\btod[oa] (?:el|la) "
          r"(?:frasco|bote|botella)\b",
          near=r"\b(?:jarabe|medicinas?|medicamentos?|paracetamol|ibuprofeno|calpol|dalsy|apiretal|syrup|medicine)\b",
          window=120, unless=r"\b(?:compr\w*|tienda|farmacia|caducad\w*|abierto|sin abrir|llen[oa]|cerrad[oa])\b"),
    # Round 24 (blind set 22's described misses). An insecticide swallowed: a flea or sheep dip, permethrin, a
    # pyrethroid or an organophosphate ("drank from a cup that had the permethrin flea dip in it, now drooling and
    # twitchy", "took a swig of the sheep dip"); dip splashed on the skin names no drinking, a pet's is a vet's.
    _rule("overdose_poisoning", "swallowed an insecticide or a flea or sheep dip",
          r"\b(?:(?:flea|sheep|cattle|tick|lice|dog) dip|permethrin|pyrethr\w*|cypermethrin|deltamethrin|organophosph\w*|"
          r"insecticides?|flea (?:treatment|spray|shampoo|killer|drops|tubes?|pipettes?)|(?:flea|dog|cat|pet) spot ?ons?|spot ?on (?:treatment|tubes?|"
          r"pipettes?|drops|for (?:fleas|the dog|the cat))|spot ?ons\b|frontline|fipronil|"
          r"bug (?:spray|killer)|fly spray)\b",
          near=r"\b(?:drank|drunk|drinks?|drinking|swallow\w*|swig\w*|sip|sips|sipped|gulp\w*|mouthfuls?|ate|eaten|"
               r"licked|sucked|sucking|chewed|chewing)\b",
          window=100, unless=_PET_ATE + r"|\b(?:dog|cat|puppy|kitten|pet|sheep|lamb|cow|horse)s? (?:drank|licked|ate|"
                                        r"swallowed)\b", unless_scope="text"),
    # Suspected appendicitis: appendicitis or the appendix named with pain, a fever or vomiting ("I think it's
    # appendicitis, right lower pain and fever"); pain low on the right with a fever, vomiting or pain on walking or
    # coughing; a pain that moved from the belly button to the right. An appendix already out is history.
    _rule("other", "suspected appendicitis",
          r"\b(?:think|thinking|sure|suspect\w*|worried|could (?:it|this) be|might (?:be|have)|may (?:be|have)|maybe|"
          r"possibly|probably|is (?:it|this)|feels like|looks like|got|has|have)\b(?: \S+){0,4}? (?:appendicitis|(?:my|his|"
          r"her|their|the) appendix)\b|\bappendix (?:has |may have |might have )?(?:burst|bursting|ruptured)\b",
          near=r"\b(?:pain\w*|hurt\w*|ache|aching|agony|fever\w*|temperature|temp|vomit\w*|sick|threw up|thrown up|"
               r"throwing up|right (?:lower )?side|lower right|bottom right)\b",
          window=120, kind="symptom", near_negation=True,
          unless=r"\b(?:appendix (?:out|removed|taken out|was removed|was taken out)|(?:had|have had|removed|took out|"
                 r"taken out) (?:my|his|her|their|the) appendix|appendectomy|appendicectomy|signs of|symptoms of|"
                 r"what (?:is|are|does)|how (?:do|can|would) (?:you|i|we) (?:tell|know)|grumbling|(?:checked|check|"
                 r"tested|scanned|examined) (?:\S+ ){0,3}for appendicitis|ruled out)\b"),
    _rule("other", "right lower belly pain with a fever, vomiting or pain on moving (appendicitis)",
          r"\b(?:pain\w*|ache|aching|hurts?|hurting|agony|tender\w*)\b(?: \S+){0,6}? (?:lower right|bottom right|right "
          r"lower|low (?:down )?on the right)\b|\b(?:lower right|bottom right|right lower)\b(?: \S+){0,4}? (?:pain\w*|ache|"
          r"aching|hurts?|hurting|agony|tender\w*)\b",
          near=r"\b(?:fever\w*|temperature|temp of|3[89](?:\.\d)?|vomit\w*|(?:been|being|was|is|am|feel|feels) sick|"
               r"threw up|thrown up|throwing up|(?:hurts?|agony|painful|worse) (?:to|when (?:i|he|she|they)) (?:walk|cough|"
               r"move|jump|stand)\w*|(?:cannot|can not) (?:stand up straight|walk properly)|(?:walking|coughing|moving) "
               r"(?:hurts|makes it worse|is agony))\b",
          window=120, kind="symptom", near_negation=True,
          unless=r"\b(?:mild|slight\w*|a bit|a little|twinge|niggle|stitch|period|ovulat\w*)\b"),
    _rule("other", "a belly pain that moved from the belly button to the right (appendicitis)",
          r"\b(?:started|began|was) (?:\S+ ){0,2}(?:round|around|near|by|at|in) (?:my |his |her |the )?(?:belly ?button|"
          r"navel|tummy button)\b(?: \S+){0,8}? (?:moved|moving|gone|went|shifted|travelled|traveled)(?: \S+){0,3}? "
          r"right\b|\b(?:moved|moving|shifted|gone|went|travelled|traveled) (?:down )?from (?:my |his |her |the )?(?:belly "
          r"?button|navel|tummy button|middle)\b(?: \S+){0,4}? right\b",
          kind="symptom"),
    # Round 25 (blind set 23's described misses, all self_harm, always). Which of one's own medicines are the worst or
    # deadliest together, or mixing them, with wanting it quick, over or finished ("I'm done with all of this and I
    # want it to be quick", "what combo of my meds would finish it"); an interactions question names no intent.
    _rule("self_harm", "asks which of their medicines to mix, wanting it quick or over",
          rf"\b(?:mix\w*|combin\w*|combo|together|cocktail)\b(?:\s+\S+){{0,12}}?\s+(?:{_DRUGS}|prescriptions?|"
          rf"painkillers?)\b|\b(?:{_DRUGS}|prescriptions?|painkillers?)\b(?:\s+\S+){{0,12}}?\s+(?:mix\w*|combin\w*|combo|"
          rf"together|cocktail)\b",
          near=r"\b(?:make|want|get|have|need|like) (?:it|this|things|everything) (?:to )?(?:be )?(?:all )?(?:over )?"
               r"(?:quick\w*|fast|over|painless|done)\b|\bover (?:quickly|fast|with)\b|\bfinish (?:it|things|me|myself)"
               r"\b|\b(?:done|finished) with (?:everything|all (?:of )?(?:this|it|that)|it all|life|living|being alive)\b|"
               r"\bhad enough of (?:everything|all (?:of )?(?:this|it)|it all|life|living)\b|\bend it\b|"
               r"\b(?:do it|work) (?:fast|fastest|quickest|quickly|quicker)\b",
          window=160, always=True,
          unless=r"\b(?:dosette|pill (?:box|organi[sz]er)|blister packs?|yogh?urt|jam|juice|smoothie|food|apple ?sauce|"
                 r"crush\w*|dissolv\w*|in the morning|routine|interactions?)\b",
          red_flags=r"\b(?:finish (?:it|me|myself)|(?:done|finished) with (?:everything|all|it all|life)|had enough|end it|"
                    r"die|kill|suicid\w*|lethal|deadl\w*|worst|over (?:quickly|fast|with))\b"),
    # Affairs put in order with a time ("don't want anything left behind when I'm gone, doing it this weekend";
    # goodbye letters written, belongings given away or accounts wiped "for when I'm gone", and a day): self_harm,
    # always; a holiday, a trip or a hospital stay ("while I'm gone to Spain on saturday") is not it, nor a will
    # written calmly with no day.
    _rule("self_harm", "affairs put in order for when they are gone, with a day",
          r"\b(?:when|once|after|for when) (?:i am|im|i m) (?:gone|no longer (?:here|around)|not (?:here|around))\b"
          r"(?! (?:on|to|for|away|abroad|out|into|in|travelling|camping|over|up|down|back)\b)|"
          r"\b(?:will not|wont|am not going to|not going to) be (?:around|here|alive) (?:after|by|past|beyond|on|from)\b|"
          r"\b(?:it will|it is going to|it ll) (?:all )?be over (?:by|on|before|this|after)\b|"
          r"\b(?:written|wrote|writing|left|finished) (?:my |all my )?(?:goodbye |farewell |last )?(?:letters|notes)\b"
          r"(?! to (?:santa|father christmas|the council|the school|the bank|my (?:mp|landlord|pen ?pals?)))|"
          r"\b(?:written|wrote|writing|left|finished) (?:the |some |all )?(?:letters|notes) to (?:everyone|everybody|all "
          r"of them|my (?:family|kids|children|wife|husband|partner|parents|mum|dad|friends|mates|sons?|daughters?))\b|"
          r"\bgoodbye (?:letters?|notes?)\b|"
          r"\b(?:given|giving|gave) away (?:all )?(?:of )?(?:my )?(?:stuff|things|belongings|possessions|everything)\b|"
          r"\bwho (?:gets|will get|should get|is getting) my (?:things|stuff|belongings|possessions)\b",
          near=r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|this weekend|the weekend|tomorrow|tonight|"
               r"tomorrow night|(?:is|be) the (?:night|day|plan)|doing it|do it|the plan)\b",
          window=160, always=True,
          unless=r"\b(?:holiday|trip|travel\w*|abroad|spain|hospital|operation|op|surgery|deployment|deployed|festival|"
                 r"conference|camp|work trip|business trip|maternity leave|on leave|solicitor|lawyer|probate|executor|"
                 r"power of attorney|funeral plan|hospice|palliative|terminal\w*|moving|move|moved|declutter\w*|"
                 r"downsiz\w*|emigrat\w*)\b",
          red_flags=r"\b(?:goodbye\w*|pills|tablets|rope|noose|end (?:it|my life|things)|kill|die|the night|doing it|"
                    r"be over|nothing (?:of me )?left|anything left|not be around)\b"),
    # A goodbye posted online with a photo of a means: a blade, pills, a rope or a height ("someone in my group chat
    # just posted a photo of a blade and wrote 'last post, goodbye everyone'"), told by the friend who saw it:
    # self_harm, always; a goodbye post leaving a club or a group shows no means.
    _rule("self_harm", "a goodbye posted online with a photo of a means",
          r"\b(?:photos?|pics?|pictures?|images?|selfies?|snaps?|videos?|stor(?:y|ies)|clips?)\b(?:\s+\S+){0,6}?\s+"
          r"(?:blades?|razors?|knife|knives|pills|tablets|rope|noose|ledge|bridge|rooftop|roof|edge|cliff|tracks|railway|"
          r"gun|pistol)\b",
          near=r"\bgoodbye\w*|\bbye (?:all|everyone|everybody|forever|for ever|guys|y all|world)\b|\bfinal (?:goodbye|post|"
               r"message|words)\b|\blast (?:post|message|msg|words)\b|\bthis is it\b|\b(?:will not|wont|never) "
               r"(?:hear|see) (?:from )?me\b|\b(?:love|loved) (?:you|u) all\b|\bsorry (?:everyone|everybody|for everything)\b|"
               r"\bsigning off (?:for good|forever)\b",
          window=200, always=True,
          unless=r"\b(?:recipe|cooking|chef|kitchen|sharpen\w*|knife set|unboxing|for sale|selling|climb\w*|abseil\w*|"
                 r"bungee|sky ?div\w*|holiday|view|sunset|graduation|wedding|new job|leaving do|moving (?:away|house|to))\b",
          red_flags=r"\b(?:final (?:goodbye|message)|this is it|will not (?:hear|see)|never (?:hear|"
                    r"see)|end (?:it|my life|things)|kill|die|suicid\w*|sorry for everything)\b"),
    # Round 26: a wish to die with a means at hand now, in English, broken English ("no want live more", "not want
    # living more") or Vietnamese ("tôi không muốn sống nữa", "tôi muốn chết"), with a knife, a blade, a razor, pills or
    # a rope held, here or "with me": self_harm, always (a general-question reading of "dont wanna live anymore, got a
    # blade right here" set it aside); a knife for cooking has no wish to die beside it.
    _rule("self_harm", "a wish to die with a means at hand",
          r"\b(?:(?:i|he|she|they) (?:have|has|am|is|are) (?:got |holding |hold )?|i have got |(?:have|has|got|holding|"
          r"hold|with) )(?:the |a |my |his |her |some |all (?:my |the |his |her )?|many )?(?:\S+ )?(?:knife|knives|blades?|"
          r"razors?|pills|tablets|rope|noose)\b|\b(?:knife|knives|blades?|razors?|pills|tablets|rope|noose)\b(?: \S+){0,3}? "
          r"(?:is |are )?(?:with me|in (?:my|his|her) hands?|next to (?:me|him|her)|right here|here|in front of (?:me|him|"
          r"her)|out in front of (?:me|him|her))\b",
          near=r"\b(?:(?:do not|no|not|no longer|me no|i no) (?:want|wanna|wish)(?: to)? (?:live|living|be alive|be here)|"
               r"want(?:s|ed)? to die|wish (?:i|i was|i were) dead)\b|kh[oô]ng mu[oố]n s[oố]ng|mu[oố]n ch[eế]t",
          window=200, always=True,
          # (the lead's review: not "kitchen", "no want live more. i have knife in kitchen" was set aside)
          unless=r"\b(?:recipe|cooking|chef|sharpen\w*|chop\w*|onions?|knife set|for sale)\b"),
    # Round 26: Vietnamese "I don't want to live any more" / "I want to die" on its own, as the Spanish, Polish,
    # Portuguese, French, Tagalog and Hindi ones above: never set aside.
    _rule("self_harm", "does not want to live any more (Vietnamese)",
          r"\bkh[oô]ng mu[oố]n s[oố]ng(?: n[uữ]a)?\b|\bt[oô]i mu[oố]n ch[eế]t\b", always=True),
    # Round 26: a whole strip, packet, box or bottle of paracetamol (acetaminophen, tylenol, panadol, co-codamol) taken,
    # told with "feel fine now" or a question about work, school or sleep: a paracetamol overdose is an emergency even
    # when the person feels well (the liver damage shows a day or more later). The "took many pills" rule set it aside
    # as "took my ..." or "can I ...", and "at 8 last night ... I'm fine now" read as a settled history. Always, but
    # not when dated years or months ago, or told as a what-if.
    _rule("overdose_poisoning", "a whole pack of paracetamol taken",
          r"\b(?:took|taken|swallowed|had|ate|downed|necked|take)\b (?:\S+ ){0,2}?(?:(?:a |the |my |his |her )?(?:whole|"
          r"full|entire|hole)|all (?:of )?(?:my|the|his|her|their|a)) (?:\S+ ){0,2}?(?:strips?|packs?|packets?|boxe?s?|"
          r"bottles?|blisters?|tubs?|sheets?)\b(?: of)? (?:\S+ )?(?:paracetamols?|acetaminophen|tylenols?|panadol|"
          r"co ?codamol|calpol)\b|\b(?:took|taken|swallowed|had|ate|downed|necked)\b (?:\S+ ){0,2}?(?:(?:a |the |my |his "
          r"|her )?(?:whole|full|entire|hole)|all (?:of )?(?:my|the|his|her|their)) (?:paracetamols?|acetaminophen|"
          r"tylenols?|panadol|co ?codamol|calpol) (?:strips?|packs?|packets?|boxe?s?|bottles?|blisters?|tubs?|sheets?)\b|"
          # (the lead's review: "took all of my paracetamol around 8pm, i'm fine now, should i still go to school")
          r"\b(?:took|taken|swallowed|downed|necked)\b (?:\S+ ){0,1}?all (?:of )?(?:my|the|his|her|their) (?:paracetamols?|"
          r"acetaminophen|tylenols?|panadol|co ?codamol|calpol)\b(?! (?:for|over|during|across|this|in) (?:the |a |one )?"
          r"(?:month|week|year|fortnight))",
          always=True,
          unless=r"\b(?:years?|months?) (?:ago|back)\b|\bwhen (?:i|he|she) was\b|\bas a (?:teen|teenager|kid|child)\b|"
                 # (the lead's review: a what-if of the taking, not "what if I just sleep it off")
                 r"\bwhat if (?:i|you|someone|somebody|a person|he|she|they|my \w+) (?:took|take|takes|had|swallowed|"
                 r"swallows|ate)\b|\bif (?:someone|you|a person|somebody)\b|\bover (?:a|the|one|two) (?:week|month)s?\b|"
                 r"\b(?:during|across|throughout) the (?:week|month)\b"),
    # Round 26 (the lead's review): another seizure after one told with a date ("had a seizure when he was 3, he's 25
    # now, and he's just had another and isn't waking up"): the seizure rule anchored on the first, dated mention and
    # read it as past; "another" now with not waking or not come round is an emergency.
    _rule("unresponsive_seizure", "another seizure and not come round",
          r"\b(?:(?:just|has|have|is|am|are) )+(?:had|having) another\b",
          near=r"\b(?:(?:has|have|had|is still|still) not (?:yet )?(?:woken(?: up)?|come round|come to|regained "
               r"consciousness|opened (?:his|her|their) eyes)|not (?:come|came|coming) round|still (?:unconscious|not awake|"
               r"out cold)|not waking(?: up)?|will not wake(?: up)?|cannot wake|unresponsive|not responding)\b",
          window=120,
          unless=r"^(?!.*\b(?:seizures?|fitt?s?|convulsions?|epilep\w*)\b)", unless_scope="text"),
    # Round 26 (the lead's review): new confusion in a teenager or an adult after exertion ("back from a hike and he's
    # floppy, confused and not making sense"): heat illness or low sodium; "other" (heat stroke's advice).
    _rule("other", "confused after exertion",
          r"\b(?:confused|not making (?:any )?sense|talking (?:nonsense|gibberish|rubbish)|disorientated|disoriented)\b",
          near=r"\b(?:back|home|in) from (?:a |his |her |the |their |my )?(?:\S+ ){0,2}?(?:hike|hiking|walk|trek|run|"
               r"marathon|race|cycle|ride|bike ride|expedition)\b|\bafter (?:a |his |her |the |their )?(?:\S+ ){0,2}?(?:hike|"
               r"trek|marathon|race|run|cycle ride|bike ride|expedition)\b",
          window=160, kind="symptom",
          unless=r"\bconfused (?:about|by|with|over|as to)\b|\bwhich way\b|\broute\b|\bdirections?\b|\bmap\b"),
    # Round 29 (a measured blind set's three emergencies that got only the possible tier, as the lead described them).
    # An asthma attack told by its signs: the neck muscles straining or sucking in on every breath in, or a peak flow under
    # 150 beside a usual or best of 300 or more (under half of it; under a third is life-threatening).
    _rule("breathing", "asthma attack told by its signs",
          r"\b(?:neck|throat) (?:muscles? )?(?:are |is )?(?:really |very |so )?(?:straining|pulling in|sucking in|tugging|"
          r"working (?:\S+ )?hard)\b|\bneck muscles?\b(?: \S+){0,3} (?:straining|pulling in|sucking in|tugging|working "
          r"(?:\S+ )?hard)\b|\bneck (?:\S+ ){0,2}?(?:sucking|pulling|drawing) in\b|\bmuscles in (?:my|his|her|their|the) neck "
          r"(?:are |is )?(?:straining|pulling|sucking|working|tugging)\b",
          near=r"\b(?:asthma\w*|inhaler|ventolin|salbutamol|reliever|peak ?flow|breath\w*|wheez\w*)\b", window=160),
    _rule("breathing", "asthma attack told by its signs",
          r"\bpeak ?flows? (?:\S+ ){0,3}?(?:[4-9]\d|1[0-4]\d)\b(?! ?(?:%|percent))",
          near=r"\b(?:normal\w*|usual\w*|best|usually)\b(?: \S+){0,3} [3-9]\d\d\b|\b[3-9]\d\d (?:is )?(?:my|his|her|their) "
               r"(?:normal|usual|best)\b", window=100),
    # A suicide decided, told without the word: the mind made up and knowing how, or something not needed after a day
    # ("how do I end my phone contract early?" / "nobody will need it after this weekend anyway. I've made my mind up and I
    # know how."); deciding to do something named ("decided to cancel") or knowing how to do something named is not it.
    _rule("self_harm", "decided, and knows how",
          r"\b(?:decided|(?:made|make) up (?:my|his|her|their) minds?|made (?:my|his|her|their) minds? up|minds? (?:is |are |s )?"
          r"made up)(?: now| already)?(?: ,)? and (?:i |he |she |they )?(?:know|knows|have worked out|worked out|figured out) "
          r"(?:exactly )?how(?: (?:i am|i will|he is|she is|he will|she will|they are) (?:going to |gonna )?do it| to do it| i "
          r"will do it)?(?= ?[.!?,;]| ?$)",
          always=True),
    _rule("self_harm", "decided, and knows how",
          r"\b(?:decided|(?:made|make) up (?:my|his|her|their) minds?|made (?:my|his|her|their) minds? up|minds? (?:is |are |s )?"
          r"made up)\b(?= ?[.!?,;]| ?$| and\b| now\b| already\b)",
          near=r"\b(?:will not|wont|not going to) (?:be )?need(?:ing)? (?:\S+ ){0,3}?(?:after|by|from|past) (?:this|the|next|"
               r"tonight|tomorrow|friday|saturday|sunday|monday|tuesday|wednesday|thursday)\b|\b(?:no one|nobody|noone) (?:will|"
               r"is going to) (?:need|use|want) (?:\S+ ){0,3}?(?:after|by|from|past)\b",
          window=160, always=True),
    _rule("self_harm", "not sure they will not hurt themself",
          r"\bnot sure (?:that )?(?:i|he|she|they) (?:will not|would not) (?:hurt|harm|kill|cut|do something)\b|\bnot sure "
          r"(?:that )?(?:i|he|she|they) (?:can|could|will be able to) (?:stop|keep) (?:my ?self|himself|herself|themselves)\b|"
          r"\b(?:cannot|can not|do not think i can) keep (?:my ?self|himself|herself) safe\b",
          always=True),
    # A chemical for a car drunk from a drink bottle ("what he thought was squash from an old bottle in the shed, it was
    # screenwash with antifreeze in it, about half a glass").
    _rule("overdose_poisoning", "drank screenwash, antifreeze or another car chemical",
          r"\b(?:screen ?wash|windscreen (?:wash|washer|fluid)|washer fluid|anti ?freeze|de ?icer|brake fluid|coolant|"
          r"methylated spirits?|meths)\b",
          near=r"\b(?:drank|drunk|drinked|drinking (?:from|it|some)|(?:had|took) a (?:drink|swig|sip|mouthful|gulp)|swig\w*|"
               r"sipped|mouthfuls?|gulped|swallow\w*|half (?:a )?(?:glass|cup)|(?:a )?(?:glass|cup)(?:ful)? of it|thought (?:it "
               r")?was|thinking it was|think it was)\b", window=200,
          unless=r"\b(?:dogs?|cats?|pupp(?:y|ies)|kittens?|pets?|animals?|wildlife|fox|hedgehogs?|birds?)\b"),
    # A child who ate the rest of a packet or a bottle ("I took 2 paracetamol at 2pm and 2 more at 5pm, and now my 4 year
    # old has eaten the rest of the packet").
    _rule("overdose_poisoning", "a child ate the rest of the tablets",
          r"\b(?:toddler|baby|child|kid|son|daughter|\d+ (?:year|yr) old|little (?:boy|girl|one)|grandson|granddaughter)\b"
          r"(?: \S+){0,6}? (?:has |had |have )?(?:eaten|ate|swallowed|chewed|taken|had|got) (?:the rest of|all of|what was left "
          r"(?:in|of)|the remaining) (?:the|my|his|her|their|a) (?:\S+ )?(?:packet|pack|bottle|box|strip|blister|tub|tablets|"
          r"pills|capsules)\b"),
    # Soap or a detergent licked or swallowed, then vomiting again and again, drowsy or floppy (also told in the next turn).
    _rule("overdose_poisoning", "swallowed soap or detergent, now unwell",
          r"\b(?:licked|ate|eaten|swallowed|drank|drunk|chewed|bit|sucked)\b(?: \S+){0,4}? (?:soap|detergent|washing (?:up )?"
          r"liquid|dish ?soap|shampoo|bubble bath|laundry (?:pods?|capsules?|tablets?)|dishwasher (?:tablets?|pods?))\b",
          near=r"\b(?:vomit\w*|being sick|throwing up|drowsy|sleepy|floppy|not (?:breathing|responding)|struggling to "
               r"breathe)\b", window=200, kind="symptom", near_negation=True),
    # The lead's review of round 34 (no rule fired): "the kitchen is on fire and my kid is inside": a building, a room or a
    # car on fire now, with someone inside, trapped or in the smoke.
    _rule("other", "a fire with someone inside",
          r"\b(?:house|flat|apartment|kitchen|home|building|room|bedroom|living room|garage|shed|caravan|car|van|block)\b"
          r"(?: \S+){0,2}? (?:is |are |has )?(?:on fire|burning|in flames|ablaze|caught fire|gone up in flames)\b",
          near=r"\b(?:inside|trapped|stuck|(?:cannot|can not|could not) get (?:out|in|to)|in the smoke|smoke everywhere|"
               r"breathed (?:in )?(?:the )?smoke|upstairs|still in)\b", window=160,
          unless=r"\b(?:film|movie|game|dream|nightmare|story|book|episode|drill|years ago|last year)\b"),
    # Blind set 32, got nothing: "about half an hour ago my right hand stopped doing what I tell it, I dropped my teacup,
    # and my words are coming out wrong" (a woman of 84, formal and long): words coming out wrong, or a hand that will not
    # do what one tells it, each with the other, a face, a dropped cup or a time of onset near it.
    _rule("stroke", "words coming out wrong",
          r"\b(?:words|speech)(?: is| are| keep| keeps| kept| have been| has been)?(?: coming| come| came)(?: out)?(?: all| a bit)? "
          r"(?:wrong|muddled|mixed up|the wrong way round|back to front|all over the place)\b",
          near=_ONSET + r"|\b(?:minutes? ago|hours? ago|half an hour|an hour ago|dropped|droop\w*|face|lopsided|hand|arm|leg|"
               r"one side)\b", window=200, kind="symptom"),
    _rule("stroke", "a hand or an arm that will not do what it is told",
          r"\b(?:hand|arm|leg|fingers)(?: has| have)? (?:stopped|will not|would not|cannot|can not|is not|are not|not) "
          r"(?:doing|do|done) (?:what|as) (?:i|he|she|they) (?:tell|tells|told|want\w*|ask\w*)\b",
          near=_ONSET + r"|\b(?:minutes? ago|hours? ago|half an hour|an hour ago|dropped|droop\w*|face|lopsided|words|speech|"
               r"talk\w*|speak\w*)\b", window=200, kind="symptom"),
    # Blind set 32, got nothing: a carer's "holding her tummy and crying all morning, it's hard as a board, she screams if I
    # touch it and she's sweaty" (a rigid abdomen: peritonitis until proved otherwise).
    _rule("other", "a belly hard as a board with pain",
          r"\b(?:tummy|stomach|belly|abdomen|tum)\b(?: \S+){0,8}? (?:is |was |feels |has gone |gone |went |has become )?(?:hard "
          r"as (?:a )?(?:board|rock|wood)|rigid|board ?like|rock hard and (?:tender|sore|painful))\b",
          near=r"\b(?:scream\w*|agony|crying|cries|cannot (?:touch|bear)|can not (?:touch|bear)|will not let (?:me|anyone) touch|"
               r"touch it|sweat\w*|clammy|vomit\w*|being sick|fever\w*|pale|grey|gray|worst pain|doubled up|curled up)\b",
          window=200, kind="symptom", unless=r"\b(?:abs|sit ?ups|crunches|six ?pack|workout|gym|pregnan\w*|bump|braxton|"
                                             r"\d+ weeks)\b"),
    # Blind set 32, the safety-net line only: a carer's "expecting, about 26 weeks ... says 'water coming' and there's
    # pinkish liquid on the chair" (fluid leaking before term; also "red water coming" at 8 months).
    _rule("pregnancy", "fluid leaking before term",
          r"\b(?:pink\w*|clear|bloody|blood ?stained|green\w*|brown\w*|watery)? ?(?:liquid|fluid|water)(?: \S+){0,2} (?:on|all "
          r"over|down|soaked through|through) (?:the|her|my|his) (?:chair|seat|bed|sofa|settee|couch|floor|legs?|knickers|pants|"
          r"trousers|leggings|sheets?|mattress)\b|\b(?:red|pink\w*|bloody|green\w*|brown\w*|clear) water (?:is )?coming\b(?! "
          r"(?:in|into|through|from (?:the|his|her|my|their) (?:nose|ears?|mouth|eyes?|roof|ceiling|window|wall|tap|pipe)))",
          near=r"\b(?:pregnan\w*|expecting|(?:[1-2]\d|3[0-6]) (?:weeks?|wks?)|bump|trimester|(?:[4-8]|four|five|six|seven|"
               r"eight) months? (?:pregnant|with child|belly|along|gone))\b", window=200,
          kind="symptom", unless=r"\b(?:spilt|spilled|spilling|knocked over|cup|mug|glass|bottle|drink|tea|coffee|wee|weed|"
                                 r"weeing|wees|urine|pee|peed|peeing|incontinen\w*|sweat\w*|washing machine|dishwasher|leak in "
                                 r"the)\b",
          # (the waters named, a gush, a trickle that goes on, or colour or blood win over a wee or a spill)
          red_flags=r"\b(?:waters|gush\w*|keeps? (?:leaking|coming|trickling|dripping)|pink\w*|green\w*|bloody|blood\w*)\b"),
    # Blind set 32, the safety-net line only: "Peerie lass ate a nut bar at da party, noo her face is aa swalled an shu's
    # hoastin an no weel" (Shetland: swollen, coughing): the face or lips swollen and a cough after a food allergen.
    _rule("anaphylaxis", "face or lips swollen and coughing after a food allergen",
          r"^(?=[\s\S]*\b(?:nuts?|peanuts?|cashews?|almonds?|walnuts?|hazelnuts?|pistachios?|nut (?:bar|butter)|satay|sesame|"
          r"prawns?|shrimp|shellfish|crab|lobster|egg|milk|kiwi|allerg\w*)\b)[\s\S]*?\b(?:face|lips?|eyes)\b(?: \S+){0,3}? "
          r"(?:swell\w*|swollen|swalled|swole\w*|puff\w*|blown up)\b",
          near=r"\b(?:cough\w*|hoast\w*|wheez\w*|hoarse|croaky|breathless\w*|short of breath|(?:cannot|hard to|struggling to) "
               r"breath\w*)\b", window=200, kind="symptom",
          unless=r"\b(?:dental|dentist|tooth|teeth|wisdom|filling|cold sore|hay ?fever|crying|cried|sunburn\w*)\b"),
    # Blind set 33 (health workers about themselves or family, pasted text, other languages), got nothing or only the
    # safety-net line; mended right after its measurement.
    # "5 days home after an NSTEMI and stents, the same ache in my jaw and left arm, 25 mins, sweating"; an off-duty
    # paramedic's "central crushing pain radiating to the back, pale and clammy, ST elevation in II, III, aVF".
    _rule("cardiac", "jaw or arm ache with sweating, or the heart attack's pain back",
          r"\b(?:jaw|left arm|arm and jaw|jaw and (?:left )?arm)\b(?: \S+){0,4}? (?:ache|aching|pain|hurts|hurting|heavy|tight)\b|"
          r"\b(?:ache|aching|pain|heaviness|tightness)(?: \S+){0,3}? (?:in|down|into|to) (?:my |his |her |the )?(?:jaw|left arm)\b|\b(?:central )?crushing "
          r"pain\b|\bcentral (?:chest )?pain\b",
          near=r"\b(?:sweat\w*|clammy|grey|gray|pale|nause\w*|being sick|short of breath|breathless\w*|radiat\w*|same (?:\S+ )?"
               r"(?:as|i had) (?:before|last time)|(?:nstemi|stemi|heart attack|stents?|pci|angioplasty))\b",
          window=200, kind="symptom"),
    _rule("cardiac", "ST elevation on a tracing now", r"\bst (?:elevation|segment elevation)\b|\bstemi\b",
          near=r"\b(?:pain|crushing|clammy|pale|sweat\w*|12 lead|ecg|ekg|now|refus\w*|tracing|monitor)\b", window=200),
    # "meri ammi ko jhinga khaane ke baad chehra phool gaya, gala band ho raha" (Hyderabadi Urdu: the face swollen and the
    # throat closing after prawns).
    _rule("anaphylaxis", "the throat closing or the face swelling (Hindi or Urdu)",
          r"\bgal(?:a|e) (?:band|bandh|sujh\w*|sooj\w*)\b|\bchehr(?:a|e) (?:phool|sooj\w*|sujh\w*)\w*\b|"
          # blind set 35 (Fiji Hindi): "madhumakhi kaat diya, ab uska pura muh phool gaya aur bole gala band hoye jaata"
          r"\b(?:muh|munh|mooh|honth|hont) (?:\S+ )?(?:phool|sooj|sujh)\w*\b",
          near=r"\b(?:khaane|khaya|khayi|jhinga|prawns?|shrimp|nuts?|peanuts?|moongphali|allerg\w*|saans|madhumakhi|"
               r"makhi|bee|wasp|kaat\w*|gal(?:a|e) band)\b", window=200),
    # "mwin la pi envi viv. mwin la fine prépare la corde" (Réunion Creole: I no longer want to live; I have prepared the rope).
    _rule("self_harm", "no longer wants to live, or a rope prepared (French or Creole)",
          r"\b(?:pi|plus|pa) envi (?:viv|vivre)\b|\b(?:prépar\w*|prepar\w*) (?:la |une |mon )?corde\b|\bcorde (?:est )?(?:prête|prete)\b",
          always=True),
    # "Mon petit frère a bu le pétrole dans la bouteille de Fanta, il tousse beaucoup" (French: drank paraffin).
    _rule("overdose_poisoning", "drank or swallowed a poison or pills (French)",
          r"\b(?:a|as|ont|j ai|il a|elle a) (?:bu|avalé|avale|mangé|mange|pris) (?:le |la |l |du |de la |des |de l |toute la |tout "
          r"le |toute la boîte de |plein de )?(?:pétrole|petrole|kérosène|kerosene|essence|javel|eau de javel|détergent|"
          r"detergent|insecticide|raticide|mort aux rats|médicaments|medicaments|comprimés|comprimes|cachets|pilules)\b"),
    # "His little sister (4) got into them and ate maybe 5 or 6 of the 36 mg ones" (a child, tablets of a dose, a count).
    # The lead's probe after blind set 34: a general question about swallowing or taking something, then "my 2 year old
    # just did", "asking because I just did" (the question's act has happened).
    _rule("overdose_poisoning", "asked what happens if someone swallows or takes something, then it just happened",
          r"\b(?:i|he|she|they|we|mine|(?:my|our) (?:\S+ ){0,3}?(?:son|daughter|child|kid|boy|girl|baby|toddler|husband|wife|"
          r"partner|mum|mom|dad|friend|brother|sister|nan|grandad|grandma|flatmate)|\d+ (?:year|yr|month)s? old)(?: has| have)? "
          r"just (?:did|done)(?: it| that)?\b",
          near=r"\b(?:what happens|what would happen|what if|is it (?:bad|dangerous|serious|safe)|can (?:you|someone|a child|a "
               r"kid|a baby|a toddler|a person) die|how dangerous)\b[^?]{0,80}?\b(?:take|takes|taking|took|swallow\w*|eat|"
               r"eats|eating|drink|drinks|drinking|chew\w*|lick\w*|overdose\w*)\b", window=250,
          # a pet asked about ("what happens if a dog eats chocolate? mine just did"), or something harmless swallowed
          unless=r"\b(?:dogs?|cats?|pupp(?:y|ies)|kittens?|pets?|rabbits?|hamsters?|parrots?|horses?)\b(?: \S+){0,3}? (?:eat|eats|"
                 r"ate|swallow\w*|drink\w*|lick\w*|chew\w*)\b|\b(?:what happens|what would happen|what if|is it (?:bad|dangerous|"
                 r"serious|safe)|can (?:you|someone|a child|a kid|a baby|a toddler|a person) die|how dangerous)\b[^?]{0,60}?"
                 r"\b(?:swallow\w*|eat\w*|ate|chew\w*|lick\w*|drink\w*) (?:a |an |some "
                 r"|the |his |her |my |your )?(?:piece of |bit of |little |lump of )?(?:chewing gum|gum|seeds?|pips?|toothpaste|"
                 r"crayons?|play ?doh|silica gel|sand|chalk|grass|soil|dirt|paper|ants?|flies|a fly|bugs?|ice)\b",
          unless_scope="text"),
    _rule("overdose_poisoning", "a child ate several of someone's tablets",
          r"\b(?:toddler|baby|child|kid|son|daughter|sister|brother|\d+ (?:year|yr) old|little (?:boy|girl|one|sister|brother)|"
          r"grandson|granddaughter|nephew|niece)\b(?: \S+){0,8}? (?:ate|eaten|swallowed|chewed|took|taken|had|got into)(?: \S+){0,3}? "
          r"(?:maybe |about |around |like |at least )?(?:[3-9]|[1-9]\d+|three|four|five|six|seven|eight|several|a few|some|a "
          r"handful)(?: or (?:\d+|three|four|five|six|seven|eight))? (?:of (?:the|them|his|her|my|those|these)|tablets|pills|"
          r"capsules)\b|"
          # the lead's review of round 35: "my 2 year old also got into the tube and ate 10" (the count ends the sentence)
          r"\b(?:toddler|baby|child|kid|son|daughter|\d+ (?:year|yr) old|little (?:boy|girl|one))\b(?: \S+){0,8}? (?:ate|eaten|"
          r"swallowed|chewed) (?:maybe |about |around |like |at least )?(?:[3-9]|[1-9]\d+|three|four|five|six|seven|eight)"
          r"(?= ?(?:$|[.,!?;]))",
          near=r"\b(?:\d+ ?(?:mg|mcg|micrograms?)|tablets?|pills|capsules|meds|medicine|medication|leaflet|prescription|adhd|"
               r"ritalin|concerta|methylphenidate|elvanse|iron|paracetamol|ibuprofen|antidepressants?|blood pressure|"
               r"vitamins?|gumm(?:y|ies)|melatonin)\b",
          window=200),
    # "Mi bredda fall off di roof ... e head bus open an e noh di talk good, e vomit two time" (Jamaican: a head injury with
    # vomiting and speech not right).
    _rule("bleeding_trauma", "head split open with danger signs",
          r"\bhead (?:bus|bust|burst|split|cracked|busted|bursted) (?:open|wide)\b|\bfell? off (?:the|di|da|a) (?:roof|ladder|"
          r"scaffold\w*)\b",
          near=r"\b(?:vomit\w*|being sick|not (?:di )?talk\w*|noh (?:di )?talk\w*|talk\w* (?:funny|strange|wrong)|confus\w*|"
               r"unconscious|knocked out|not (?:waking|responding|moving)|fit\w*|seizure\w*|slurr\w*|bleed\w*|blood)\b",
          window=200),
    # "GCS about 8, opens his eyes to pain, groans ... was fine at breakfast" (a care assistant's words).
    _rule("unresponsive_seizure", "a low consciousness score or eyes opening only to pain",
          r"\bgcs (?:of |is |was |about |around |approx\w* |roughly |now |maybe )?(?:[3-9]|1[0-2])\b(?! (?:years|yrs|hours|days)\b)|"
          r"\bopens? (?:his |her |their )?eyes (?:only )?to pain\b|\b(?:only )?respond\w* (?:only )?to pain\b",
          unless=r"\b(?:exam|osce|revision|quiz|textbook|lecture|scenario|what does|what is|how do you)\b"),
    # "My kick counter app says: 2 movements in the last 2 hours ... 33 weeks, usually she's wild" (few movements counted).
    _rule("pregnancy", "few movements counted late in pregnancy",
          r"\b(?:only |just )?(?:[0-4]|no|one|two|three|four) (?:movements?|kicks) in (?:the )?(?:last |past )?(?:\d+|two|three|"
          r"four|few) hours?\b",
          near=r"\b(?:pregnan\w*|(?:2[4-9]|3\d|4[0-2]) (?:weeks?|wks?)|bump|baby|kick count\w*|usually|normally)\b", window=200),
    # "Moi ghor wali 8 mahina ase ... dukh ... pet te, aru khun bhi ulai ase" (Assamese: 8 months pregnant, belly pain and
    # blood coming out).
    _rule("pregnancy", "bleeding in pregnancy (Hindi, Urdu or Assamese)",
          r"\b(?:khun|khoon)\b(?: \S+){0,3}? (?:aa|aaya|aa raha|nikal\w*|ulai\w*|bah\w*|gir\w*|ja raha)\b",
          near=r"\b(?:mahin\w*|months?|pregnan\w*|garbh\w*|pet|bachcha|baccha)\b", window=160),
    # "Wife 11/40, severe L iliac fossa pain, shoulder tip pain, HR 124, BP 90/60, pale. hCG was positive, no scan yet"
    # (a junior doctor's words: an ectopic pregnancy).
    _rule("pregnancy", "one-sided pain with shoulder-tip pain in early pregnancy",
          r"\bshoulder ?tip (?:pain|ache)\b|\bpain (?:in|at) (?:the |my |her )?shoulder ?tip\b",
          near=r"\b(?:pregnan\w*|hcg|positive (?:pregnancy )?test|missed (?:a |my |her )?period|\d+ 40|\d+ (?:weeks?|wks?)|ectopic|"
               r"no scan)\b", window=200),
    # "Amang demam tinggi 40, menggigil, bingung, kulit belang-belang" (Indonesian: high fever, shaking, confused, mottled
    # skin).
    _rule("metabolic_sepsis", "fever with confusion or mottled skin (Indonesian or Malay)",
          r"\bdemam\b", near=r"\b(?:bingung|linglung|belang\w*|tidak sadar|sesak|kejang|lemas sekali)\b", window=160),
    # "Husband on methotrexate: mouth ulcers, fever 38.7, rigors"; "the chemo's finished, the last cycle was last
    # Wednesday ... shivery, 38.5" (a fever on chemotherapy or another drug that lowers the white cells).
    _rule("metabolic_sepsis", "a fever on chemotherapy or a drug that lowers the white cells",
          # (the fever is the match, so that "chemo last week, temp 38 now" is not read as history)
          r"\b(?:(?:3[89]|4[01])\.\d|(?:3[89]|4[01]) ?(?:c|degrees|on the thermometer)\b|(?:temp\w*|fever) (?:of |is |was |at )?"
          r"(?:3[89]|4[01])\b|rigou?rs|shiver\w*|the shivers|shaking (?:all over|with cold)|hot and cold)",
          near=r"\b(?:chemo\w*|chemotherapy|methotrexate|azathioprine|mycophenolate|clozapine|carbimazole|neutropen\w*|"
               r"immunosuppress\w*|low white (?:cells?|count))\b", window=240, kind="symptom",
          unless=r"\b(?:what (?:is|are)|side effects? (?:of|list)|leaflet says|how (?:common|likely)|years ago|(?:\d+|two|three|"
                 r"four|five|many|several) years (?:ago|back|since)|in (?:19|20)\d\d|as a (?:child|kid|teenager))\b",
          unless_scope="text"),
    # Blind set 34: "the ulcer on his leg stinks and the redness goes up to his knee, it was only round his ankle on
    # Tuesday ... he was hot, mumbling, couldn't stand" (a spreading infection with confusion: sepsis).
    _rule("metabolic_sepsis", "a spreading redness or infection with confusion or unable to stand",
          r"\b(?:redness|red streaks?|red lines?|red patch|swelling|infection|cellulitis)\b(?: \S+){0,6}? (?:goes|going|gone|"
          r"spread\w*|travel\w*|track\w*|creep\w*|moving|moved|climb\w*) (?:right |all the way )?(?:up|to|past)\b",
          near=r"\b(?:mumbl\w*|confus\w*|(?:cannot|can not|could not|couldn t) stand|drowsy|rigors?|shaking|not making "
               r"sense|delirious|muddled)\b", window=240, kind="symptom"),
    # Blind set 35's missed emergencies, mended right after its measurement.
    # Fiji Hindi: "hamar papa ke bichme bahut pressure hai, jaise koi bada pathar rakh diya hai, pasina bahut nikle aur ek
    # dafe ulti bhi aaya" (a pressure in the middle like a big stone, sweating, vomiting); Orcadian: "gone awful grey and
    # says there's a great weight on him, and hid's gaan doon his left erm".
    _rule("cardiac", "a pressure or weight in the chest with sweating, greyness or the left arm (Hindi, dialect)",
          r"\b(?:bich ?me|beech ?mein?|chhati|chaati|seene|sine)\b(?: \S+){0,3}? (?:bahut |bohot )?(?:pressure|dabaav|dard|"
          r"bhaari|bojh)\b|\bpathar rakh\w*\b|\b(?:great|big|heavy|huge|terrible) weight on (?:him|her|me|my chest|his chest|"
          r"her chest)\b",
          near=r"\b(?:pasina|paseena|ulti|saans|grey|gray|sweat\w*|clammy|left (?:arm|erm)|arm|erm|jaw)\b", window=160,
          unless=r"\b(?:inside|died|death|grief|griev\w*|depress\w*|anxi\w*|stress\w*|worr\w*|debts?|shoulders|mind|"
                 r"responsib\w*)\b"),
    # "It's back, and now I'm struggling to find words" (the numbness came back, told after the chatbot's advice).
    _rule("stroke", "trouble finding words with numbness, a weakness or a droop",
          _WORD_FINDING, near=r"\b(?:numb\w*|tingl\w*|weak\w*|droop\w*|face|(?:it|it s|its|it is|numbness|the numbness|"
                              r"tingling) (?:has |have )?(?:came|come|is) back)\b",
          window=160, kind="symptom",
          unless=r"\bstill\b|\bwhen (?:he|she|i|they) (?:is|am|are|s|re|m|gets?) tired\b|\bsince (?:his|her|my|the) stroke\b"),
    # "You said if the swelling moved to my mouth or throat I should get help. It's in my tongue now."
    _rule("anaphylaxis", "a swelling now in the tongue, lips or throat",
          r"\b(?:it is|it s|its|swelling is|the swelling is|it has (?:gone|spread|moved)) (?:now )?(?:in|into|to) (?:my|his|her) "
          r"(?:tongue|lips?|throat)\b|\btongue (?:is |has )?(?:started )?(?:swelling|swollen|going big|getting big)\b",
          kind="symptom", unless=r"\b(?:bit|bitten|burn\w*|hot drink|ulcer|piercing|dentist|dental|filling)\b"),
    # "I've decided Sunday is when I go, I've got everything I need for it in the boot" (buried in council tax and an MOT).
    _rule("self_harm", "a day decided to go, with everything needed",
          r"\bdecided (?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|tomorrow|this weekend|the "
          r"day|the date) (?:is )?(?:when|the day|the night) (?:i|i will|i ll) (?:go(?! (?:to|on|for|home|back|abroad|away|shopping|out|in|into|"
          r"and|up|down|travel\w*))|do it|end it)\b|\b(?:got|have|have "
          r"got|bought|ordered) everything (?:i need|needed) to (?:end it|end my life|kill myself)\b"),
    # "Hypothetically if someone injected all their insulin at once would they just fall asleep? I have 3 pens here"
    _rule("self_harm", "asks what all of a medicine would do, with it at hand",
          r"\b(?:inject\w*|take|took|taking|swallow\w*|use|used) all (?:of )?(?:their|my|his|her|the|your) (?:\S+ )?(?:insulin|"
          r"pills|tablets|meds|medication|pens)\b",
          near=r"\b(?:i have|i ve got|i have got|got) (?:\d+|two|three|four|five|six|some|a few|a box of|a pack of|all my) (?:\S+ )?"
               r"(?:pens|pills|tablets|packs|boxes|bottles|vials)\b|\b(?:here|with me|in front of me|next to me)\b",
          window=150, always=True),
    # A friend's post of "a load of pills lined up with 'goodnight forever x'".
    _rule("self_harm", "a goodbye forever posted or sent", r"\b(?:goodnight|good night|goodbye|bye|farewell) forever\b",
          unless=r"\b(?:song|lyric\w*|film|movie|book|game|episode|series|album|poem|band)\b"),
    # "how long can someone shake and stare before you ring someone? my flatmate's been doing it for like 7 minutes now"
    _rule("unresponsive_seizure", "shaking or staring going on for five minutes or more",
          r"\b(?:been doing (?:it|this|that)|been (?:shaking|jerking|fitting|twitching|stiff|staring)|still (?:shaking|jerking|"
          r"fitting|twitching))(?: \S+){0,3}? (?:for )?(?:like |about |over |nearly |almost )?(?:[5-9]|1\d|[2-9]\d|five|six|seven|"
          r"eight|nine|ten) (?:mins?|minutes)\b",
          near=r"\b(?:shak\w*|jerk\w*|stare|staring|fit\w*|seiz\w*|twitch\w*|convuls\w*)\b", window=200,
          unless=r"\b(?:shiver\w*|cold|tremor|anxious|nervous|laugh\w*|cry\w*|dog|cat|puppy|pet|washing machine|phone)\b"),
    # Maternity triage said ring back if regular: "they're every 4 minutes now, painful, and there's pink mucus" at 34 weeks.
    _rule("pregnancy", "contractions every few minutes before term",
          r"\b(?:contractions|tightenings|tightening|cramps|pains|they(?: are| re)?) (?:are |coming )?(?:now )?every (?:[1-5]|two|"
          r"three|four|five) (?:mins?|minutes)\b",
          near=r"\b(?:(?:2\d|3[0-6]) (?:weeks|wks)|preterm|premature|braxton|maternity|pregnan\w*)\b", window=200),
    # "Took 8 of my propranolol 80mg by mistake, thought they were the vitamin D" (four or more of a beta blocker, a
    # calcium-channel blocker or a tricyclic)
    _rule("overdose_poisoning", "four or more of a beta blocker, a calcium-channel blocker or a tricyclic",
          r"\b(?:took|taken|swallowed|had|ate|eaten)\b (?:\S+ ){0,3}?(?:[4-9]|[1-9]\d|four|five|six|seven|eight|nine|ten)\b (?:of )?"
          r"(?:my |his |her |the |their |our )?(?:\S+ )?(?:propranolol|bisoprolol|atenolol|metoprolol|verapamil|diltiazem|"
          r"flecainide|nortriptyline|amitriptyline|beta blockers?)\b",
          unless=r"\b(?:times? a day|a day|daily|per day|prescribed|over (?:the|a) (?:week|month))\b"),
    # "sicked up what looks like coffee grounds twice and my poo's black and sticky" (naproxen daily).
    _rule("bleeding_trauma", "black tarry stools or coffee-ground vomit",
          r"\b(?:poo|poos|stool|stools|poop|bowel motion)\b(?: \S+){0,2}? (?:is |are |s )?(?:black and (?:sticky|tarry|like "
          r"tar)|tarry|like tar|sticky and black)\b|\b(?:sick\w*|sicked|brought) up (?:\S+ ){0,4}?coffee grounds\b"),
    # "pan of oil caught fire, my husband's hands and forearms are blistered and white in places and the skin is peeling
    # off" (a deep burn of the hands and arms).
    _rule("bleeding_trauma", "a deep or large burn (blistered, white, charred or peeling skin of the hands, arms or face)",
          r"\b(?:hands?|forearms?|arms?|face|chest|legs?|back|feet|foot)\b(?: \S+){0,6}? (?:are |is )?(?:blistered|white|charred|"
          r"leathery|black|peeling)\b",
          near=r"\b(?:fire|burn\w*|oil|flames?|scald\w*|boiling|chip pan)\b", window=120,
          unless=r"\b(?:sunburn\w*|sun|cold|frost\w*|snow|eczema|dry|washing|wash|soap)\b"),
    # "My leg cast is so tight my toes are white and numb and the pain is unbearable" (a cast cutting off the circulation).
    _rule("other", "a cast or bandage too tight, the toes or fingers white or numb with great pain",
          r"\b(?:cast|plaster|splint|bandage|backslab)\b(?: \S+){0,4}? (?:so |too |really |very )?tight\b",
          near=r"\b(?:(?:toes|fingers) (?:\S+ )?(?:are |have gone |gone |turned )?(?:white|blue|purple|cold|numb|black)|unbearable|"
               r"worse than)\b", window=150),
    # "Patient portal: 'Sodium 118 mmol/L (L) CRITICAL. Please attend ED.' ... I do feel confused" (a critical result with
    # the advice to attend now).
    _rule("metabolic_sepsis", "a critical blood result with the advice to attend now",
          r"\bsodium (?:of |is |was |level )?(?:1[01]\d|[5-9]\d)\b|\b(?:please |you should |you must |advised to |told to )?attend "
          r"(?:the )?(?:ed|a ?& ?e|a and e|emergency department|the emergency)\b|\bcritical(?:ly)? (?:result|value|low|high)\b|"
          r"\bcritical\b(?= .{0,40}\b(?:attend|ed|a ?& ?e|emergency)\b)",
          near=r"\b(?:confus\w*|wobbly|drowsy|fit\w*|seizure\w*|vomit\w*|headache|can it wait|till (?:the )?morning|tomorrow|"
               r"critical)\b", window=240),
    # The lead's review of round 35: a clinician, a helpline or a result told them to go to the emergency department or
    # call an ambulance now, and the writer asks whether it can wait ("the out of hours doctor told us to go straight to
    # hospital, can we go in the morning instead?"; "potassium 6.9, the surgery says go to A&E tonight, do I really have
    # to"; "111 said call an ambulance but he says he's fine now"). Advice for if it gets worse is not this.
    _rule("other", "told by a clinician or a result to go to the emergency department now, asking to wait",
          r"\b(?:gp|doctor|dr|nurse|111|out of hours|ooh|pharmacist|midwife|consultant|surgery|clinic|hospital|lab|paramedics?|"
          r"results?|letter|text|app|portal|they)\b(?: \S+){0,6}? (?:said|says|told (?:me|us|him|her|them)|advised|wants? (?:me|"
          r"us|him|her) to|rang (?:and|to) (?:said|say|tell (?:me|us)))(?: (?:that|we|i|he|she|you|they) (?:should|must|need to|"
          r"have to|had to|needed to))?(?: to)? (?:go (?:straight |directly |right |now )?(?:to|into) (?:the )?(?:a ?& ?e|a and e|ae|"
          r"ed|er|emergency(?: department)?|hospital|resus)|call (?:an ambulance|999|911|112)|get (?:an ambulance|(?:him|her|them) "
          r"(?:to|into) (?:a ?& ?e|hospital)))\b",
          near=r"\b(?:can (?:it|we|i|this|he|she) (?:not )?wait|(?:do|does) (?:i|we|he|she) (?:really |still )?(?:have|need) to|in "
               r"the morning|till (?:the )?morning|until (?:the )?morning|tomorrow|monday|overkill|rather (?:not|wait)|should (?:i|"
               r"we) still|(?:he|she) says (?:he|she) is fine|refus\w*|(?:do|does) not want to go|is it (?:really )?necessary|"
               r"worth (?:going|it)|go (?:in )?later)\b", window=220,
          unless=r"\b(?:said|says|told (?:me|us|him|her|them)|advised)\b(?: \S+){0,12}? (?:if|should|when) (?:it|he|she|they|"
                 r"things|you|symptoms|the \S+|i|we) (?:get|gets|got|become|becomes|start|starts|develop\w*|is|are|do|does|did|"
                 r"goes|go|turn\w*|spread\w*)\b|\b(?:last|in) (?:year|(?:19|20)\d\d)\b|\bwhen i was\b"),
    # The lead's review of round 35: a dangerous blood result told now ("K+ 7.1 on his bloods today", "troponin came back
    # raised", "INR 9.2 and my gums are bleeding").
    _rule("other", "a dangerously high potassium or a raised troponin now",
          r"\b(?:potassium|k)(?: level)? (?:of |is |was |at |came back (?:at )?)?(?:[7-9](?:\.\d)?|6\.[5-9])\b|\btroponin\b(?: \S+){0,3}? "
          r"(?:raised|high|elevated|positive|up|rising|came back (?:high|raised|positive))\b|\b(?:raised|high|elevated|positive) "
          r"troponin\b",
          near=r"\b(?:today|now|just|rang|called|said|told|go|a ?& ?e|hospital|chest|pain|palpitat\w*|weak\w*|wait|results?)\b",
          window=200, unless=r"\b(?:what (?:is|does)|normal range|last (?:year|month)|(?:\d+|a few|several) (?:years|months) ago)\b"),
    _rule("bleeding_trauma", "a very high INR with bleeding",
          r"\binr (?:of |is |was |at |came back (?:at )?)?(?:[6-9](?:\.\d)?|1\d(?:\.\d)?)\b",
          near=r"\b(?:bleed\w*|blood|bruis\w*|nosebleed|black (?:poo|stool\w*)|vomit\w*|headache|fell|fall)\b", window=160),
)


# ------------------------------------------------------------------------ what suppresses a match
_SENTENCE_END = re.compile(r" [.!?;] |\n| [.!?] ?$")
_CLAUSE_BREAK = re.compile(r" , | \band\b | \bbut\b | \bso\b | \bthen\b | \bwhich\b ")
# (?<!\S), not (?:^|\s): the search starts at the clause, where ^ never matches, so "tender , no trouble breathing"
# was not read as negated (round 7).
_NEGATION_BEFORE = re.compile(r"(?<!\S)(?:no|not|never|without|denies|deny|nor|none|free of|absence of|negative for|"
                              r"nowhere (?:near|close to))"  # round 32: "nowhere near the worst headache ever"
                              r"(?: (?![.!?;](?: |$))[^ \n]+){0,2} ?$")
# Round 9: people who ask about emergencies for their work or study, not for themselves.
_ROLE = (r"(?:nurse|teacher|assistant|counsell?or|youth worker|youth leader|carer|care worker|support worker|lifeguard|"
         r"first aider|leader|tutor|coach|adviser|advisor|trainer|volunteer|childminder|nanny|instructor|paramedic|"
         r"student|medic|chaplain|scout leader|guide leader|teaching assistant|ta|senco|governor|manager)")
_GREETING = r"^(?:(?:hi|hello|hey|dear|good (?:morning|evening|afternoon))(?: (?:doctor|doc|sir|madam|there))? ?[,!.]? ?)?"
_QUESTION_START = re.compile(
    _GREETING + r"(?:what|how|why|when|which|who|where|is it true|is there|are there|can you (?:tell|explain)|"
    # (round 26: "dont wanna live anymore" is not a question starting "do")
    r"tell me|explain|define|describe|does|do(?! not (?:want|wish) to (?:live|be alive|be here|exist|wake up|go on)\b)|"
    r"are|is|should|can|could|at what|i want to (?:know|learn|understand)|"
    r"i am (?:writing|a new|a teacher|curious))\b")
_PERSONAL = re.compile(r"\b(?:my|mine|me|myself|we|our|us|he|she|his|her|him|herself|himself|they|their|them|"
                       r"i am|i have|i feel|i think|i just|right now|just now|currently|at the moment|"
                       # the lead's probe after blind set 34: "is it normal to bleed this much at 10 weeks pregnant?"
                       r"(?:this|that) (?:much|badly|bad|fast|heavily|heavy|often)(?! of)|"
                       # round 9: "i am a teacher and i cannot breathe" (the role is set aside, the teacher is not)
                       r"i (?:cannot|can not|could not|took|keep|kept|need|got|did|was|had|will|want)|"
                       # round 4: a question asked while it happens ("what does it mean when your throat goes tight
                       # after a sting, started 2 minutes ago") is about someone now, not education
                       r"happening (?:now|right now)|as we speak|(?:started|began) (?:a |about |like )?(?:\w+ )?(?:few |"
                       r"couple of )?(?:minutes?|mins?|hours?) ago)\b|"
                       # round 9: a scene now ("what do I do, a man has collapsed and is not breathing") is about someone
                       # now, however the message starts; "if" or "when" before it makes it a hypothetical instead
                       r"(?<!if )(?<!when )(?<!whether )(?<!case )\b(?:(?:a|an|this|the|some|one of the) (?:\S+ )?(?:man|"
                       r"woman|boy|girl|kid|child|baby|person|pupil|student|customer|passenger|colleague|patient|stranger|"
                       r"guy|lady|player|runner|cyclist|driver|neighbou?r|resident|client|teenager|toddler|friend|gentleman|"
                       r"lad|worker|swimmer|diner|shopper|member|people|kids|children)|someone|somebody) (?:has (?:just )?(?:collapsed|fallen|"
                       r"stopped|gone|turned|passed out|fainted)|is (?:now |still )?(?:having|not breathing|choking|drowning|"
                       r"bleeding|fitting|seizing|unconscious|unresponsive|collapsed|lying|turning|blue|shaking|jerking)|"
                       r"(?:just )?(?:collapsed|fell|fainted|dropped|passed out|stopped breathing))\b")
_NOT_PERSONAL = re.compile(r"\b(?:people|persons?|someone|somebody|anyone|patients|teenagers?|adults|men|women|callers?|"
                           r"staff)\b"
                           r"(?: (?![.!?;](?: |$))[^ \n]+){0,8} (?:their|they|them)\b|"
                           r"\b(?:(?:should|do|can|would|could|will) i\b|i want to (?:know|be prepared|learn|"
                           r"understand)|tell me|help me understand|in front of me|with me|"
                           # round 14: "we covered cord prolapse in my midwifery lecture", "I train helpline staff"
                           r"\bwe (?:covered|learned|learnt|studied|discussed|did) |\b(?:in|from|during) (?:my|our|a|the) "
                           r"(?:\S+ ){0,2}(?:lecture|seminar|module|tutorial)\b|\b(?:i|we) (?:train|teach|coach) |"
                           # a study framing ("it is for my nursing exam") is not about someone now (round 5)
                           r"\bfor (?:my|our|a) (?:nursing |medical |first aid |biology |pharmacology |paramedic |school |"
                           r"university |uni |college )?(?:exam|exams|course|class|essay|homework|assignment|revision|"
                           r"studies|training|talk|lecture|project)\b|"
                           # round 9: a role or a teaching purpose ("I'm a school nurse", "writing a care plan for my
                           # son's nursery", "how do we teach kids to") is not someone in trouble now
                           # round 22: "we're making a first-aid guide for market traders"
                           r"\b(?:(?:we|i) (?:are|am) )?(?:making|writing|putting together|creating|preparing|designing) "
                           r"(?:a|an|the|our|my) (?:\S+ ){0,2}(?:guide|leaflet|handout|poster|booklet|sheet|course|training)"
                           r"(?: for (?:\S+ ){0,2}\S+)?|"
                           r"\b(?:i am|as) an? (?:new |student |trainee |qualified |newly qualified |retired |school |pe |"
                           r"first year )?(?:\S+ )?" + _ROLE + r"\b|\b" + _ROLE + r" here\b|\bwriting (?:a|an|the|our|my|his|"
                           r"her) (?:\S+ ){0,2}(?:care plan|plan|leaflet|policy|poster|handout|guide|essay|article|talk)(?: for "
                           r"(?:my|our|his|her|the) (?:\S+ ){0,3}\S+)?|"
                           # round 10: a source the writer quotes ("my health visitor mentioned it", "our nursery leaflet
                           # says") or a class the writer runs is not someone in trouble
                           r"\b(?:my|our) (?:\S+ ){0,2}(?:leaflet|book|group|class|course|health visitor|midwife|gp|teacher|"
                           r"instructor|website|article|poster|handbook|app)(?: \S+)? (?:says|said|mentioned|told (?:me|us)|"
                           r"recommends|explained|talked about)(?: it)?\b|\bfor (?:a|my|our|the) (?:\S+ ){0,2}(?:class|course|"
                           r"talk|session|group|workshop|lesson|club)(?: (?:i am|we are|i will be|we will be) (?:running|"
                           r"teaching|giving|leading|preparing|hosting|doing))?\b|\bhow (?:do|can|should|would) (?:we|i) (?:teach|train|"
                           r"explain|show|prepare)\b|\bfor (?:our|my|the) (?:staff|team|swim|school|nursery|club|scouts?|guides?|"
                           r"youth|church|class)\b(?: \S+){0,2} (?:training|talk|policy|session|badge|leaflet|course)|"
                           # round 24: "we're training staff", "our staff are being trained", a refresher "for the firm",
                           # "what do we teach?", "my son's science project", "on my college course", a risk
                           # assessment's "how we manage it" and "what controls do we need"
                           r"\b(?:we|i) (?:are|am) (?:training|teaching|coaching) |\bwhat (?:do|should|would|will) (?:we|i) "
                           r"(?:teach|cover)\b|\b(?:for|with) (?:our|my|the) (?:\S+ )?(?:company|firm|workplace|business|office|"
                           r"employees|workers)\b|\b(?:our|my|the) (?:staff|team|volunteers|employees|workers|colleagues) "
                           r"(?:are |is )?being (?:trained|taught)\b|\b(?:for )?(?:my|our|his|her) (?:\S+ ){0,2}?(?:science|"
                           r"school|biology|research|class) (?:project|assignment|homework|fair)\b|\b(?:on|in|for|from) "
                           r"(?:my|our) (?:\S+ )?(?:college|uni|university|school|nursing|medical|midwifery) (?:course|class|"
                           r"module|exam|exams)\b|\bhow (?:do |should |can |would |will )?(?:we|i) (?:manage|control|reduce|"
                           r"prevent|mitigate|handle) (?:it|that|this|the risks?|them)\b|\bwhat (?:controls|measures|"
                           r"precautions|safeguards) (?:do|should|would|will) (?:we|i) (?:need|put in place|have|use)\b|"
                           r"\b(?:writing|doing|filling in|completing) (?:the|a|our|my) (?:\S+ ){0,3}risk assessment\b|"
                           r"\b(?:we are |i am )?(?:making|writing|putting together|creating|preparing|designing) (?:a|an|the|"
                           r"our|my) (?:\S+ ){0,2}refresher(?: for (?:\S+ ){0,2}\S+)?)")
# Round 9: asking where the line is ("what counts as a severe asthma attack", "at what point is a fit an emergency",
# "the rule for when to ring an ambulance"), teaching or training about an emergency: education, when the sentence of
# the match is about no one in particular now.
_EDUCATION = re.compile(
    r"\b(?:what counts as|at what point (?:is|does|do|should)|when (?:does|do|is) (?:\S+ ){1,5}(?:become|count as|"
    r"considered|classed as) |(?:the )?rules? (?:for|on|about) when|when (?:should|do|would|to) (?:i |we |you )?(?:call|ring|"
    r"phone|dial) (?:for )?(?:an )?(?:ambulance|999|911|112)|how (?:do|can|should|would) (?:we|i|you) (?:teach|train|explain|"
    r"recogni[sz]e|spot|tell (?:the difference|if|whether))|teach (?:\S+ ){0,3}to (?:spot|recogni[sz]e)|(?:training|course|"
    r"lesson|workshop|talk|badge|leaflet|care plan|policy|poster|first aid guide) (?:on|about|for)\b|first aid (?:course|training|badge|"
    r"class|exam)|writing (?:a|an|the|our|my) (?:\S+ ){0,2}(?:care plan|leaflet|policy|poster|handout|guide|essay|article)|"
    r"for (?:our|my|the) (?:staff|team|swim|school|nursery|club|scouts?|guides?|youth|church|class)\b(?: \S+){0,2} "
    r"(?:training|talk|policy|session|badge|leaflet|course)|"
    # round 10: what to pack in a kit for an emergency
    r"\b(?:pack|carry|bring|keep|stock|build\w*|put\w* together|buy\w*) (?:\S+ ){0,4}(?:first aid|trauma|bleed|emergency|"
    r"medical|survival|hiking|trekking) kits?\b|"
    # round 14: a trainer of call or helpline staff, a lecture or seminar the writer attended
    r"\b(?:i|we) (?:train|teach|am training|are training|coach) (?:\S+ ){0,3}(?:staff|volunteers|call handlers|operators|"
    r"agents|colleagues|team|advisers|advisors)\b|\b(?:guide|training|script) for (?:\S+ ){0,2}(?:staff|volunteers|call "
    r"handlers|agents)\b|\b(?:in|from|during) (?:my|our|a|the|today s) (?:\S+ ){0,2}(?:lecture|seminar|module|tutorial)\b|"
    # round 18: an antenatal class or teacher, training the staff, a first aid module
    r"\bantenatal (?:class(?:es)?|teacher|course|session)\b|\btraining (?:our |the |all )?staff\b|\bfirst aid module\b|"
    # round 19: a talk at school
    r"\bschool talk\b|\btalk at school\b|"
    # round 24: a first-aid refresher, staff being trained, a risk assessment, a science or school project, a question
    # on or for a course ("our staff are being trained", "scout camp risk assessment", "for my child's science project",
    # "it's a question on my college course")
    r"\brefresher (?:on|about|for|training|course|session)\b|\bfirst aid refresher\b|\b(?:staff|team|volunteers|"
    r"employees|workers|colleagues) (?:are |is )?being (?:trained|taught)\b|\brisk assessments?\b|\b(?:science|school|"
    r"biology|class|research) (?:project|assignment|fair)\b|\bquestions? (?:on|for|from|in) (?:my|our|a|the) (?:\S+ ){0,2}"
    r"(?:course|class|module|exam|test|quiz|homework|assignment)\b|\bfor (?:my|our|a) (?:\S+ )?(?:college|uni|university|"
    r"school|nursing|medical|biology|science|midwifery) (?:course|class|module|exam|exams|assignment|project|homework|"
    r"essay)\b)")
# Round 10: what a word means or what something looks like, how two things differ or compare: education, but only in the
# match's own sentence and only for a term (an explicit rule): a symptom picture told with its danger signs and "what
# does it mean?" is a presentation, however impersonally written.
_DEFINITION = re.compile(
    r"\bwhat (?:does|do|is|are) (?:\S+ ){0,6}(?:actually |really |exactly )?(?:mean|means|look like|looks like)\b|"
    r"\b(?:the )?difference between\b|\b(?:la )?diff[ée]rence entre\b|\b(?:la )?diferencia entre\b|\b(?:a )?diferen[cç]a "
    r"entre\b|\b(?:how|can) (?:do |can )?(?:you|i|we|one) tell (?:\S+ ){1,6}(?:from|apart)\b|"
    r"\b(?:more|less) (?:dangerous|serious|harmful|risky|urgent) than\b")
# Round 25: a club's safety briefing or talk, a mock or pretend exercise, which triage category, a homework project on
# the body ("for our sea swimming group's safety briefing: why is cold shock more dangerous ...", "planning a pretend
# emergency exercise at the airport, which triage category does a large burn go in?"), and what is said of the writer
# only as its organiser ("for our club's safety briefing", "we're running a practice exercise", "why do your lips turn
# blue when ..."): education like round 9's, for any rule but self_harm (self-harm rules stay as they were).
_EDUCATION_R25 = re.compile(
    r"\bsafety (?:briefing|talk|session|induction|presentation)\b|\bgiving a talk (?:to|for|at)\b|\b(?:mock|pretend|"
    r"simulated|practice|tabletop|disaster|major incident) (?:\S+ ){0,2}?(?:exercises?|drills?|simulations?)\b|"
    # round 26: an A-level or GCSE essay ("for my A level biology essay, what happens in a cardiac arrest?")
    r"\b(?:a ?level|as level|gcse|btec) (?:\S+ ){0,2}(?:essay|coursework|assignment)\b|\btriage "
    r"(?:category|categories|tag|tags|colou?rs?|level|priority)\b|\bhomework project\b|\bproject (?:on|about) (?:the |how "
    r"the )?(?:human )?body\b|"
    # round 32: a new starters' induction pack ("how soon after an electric shock should someone be checked? it's for our
    # apprentices' induction pack")
    r"\binduction (?:pack|booklet|handbook|manual|day|session|training|course|talk|programme|program)\b")
_NOT_PERSONAL_R25 = re.compile(
    r"\bfor (?:our|my|the) (?:\S+ ){0,4}(?:safety )?(?:briefing|talk|presentation|induction)\b|"
    # round 26
    r"\bfor (?:my|our|an?) (?:a ?level|as level|gcse|btec) (?:\S+ ){0,2}(?:essay|coursework|assignment)\b|"
    r"\bgiving a talk (?:to|for|at) (?:our|my|the) (?:\S+ ){0,3}(?:club|group|class|team|school)\b|"
    r"\bwhy do (?:your|you r) (?:lips|skin|fingers|nails|face|fingertips) (?:turn|go|get|become)\b|"
    r"\b(?:we are|i am) (?:running|planning|organi[sz]ing|holding|doing|preparing|setting up) (?:a|an|the|our) (?:\S+ )"
    r"{0,3}(?:exercise|drill|simulation)s?\b|"
    # round 32
    r"\b(?:for|writing|making|updating|preparing|putting together) (?:our|my|the|a|an) (?:\S+ ){0,3}induction (?:pack|"
    r"booklet|handbook|manual|day|session|training|course|talk|"
    r"programme|program)\b")
# Round 35: a lesson, a course or a qualification named as where the topic came up ("we did anaphylaxis in biology
# today, how does adrenaline work?", "our science teacher explained anaphylactic shock", "on my swimming teacher course
# we covered drowning", "doing a lifeguard qualification, the manual says"), and the writer's age ("I'm 14 and"): read
# as education when, with these set aside, the match's sentence tells nothing of now or of anyone in particular, no
# time of now, plea or ambulance is in the text and none of the rule's red flags.
_LESSON_R35 = re.compile(
    r"\bwe (?:did|covered|learned|learnt|studied|discussed|had|were taught|talked about|went over) (?:\S+ ){1,4}?(?:in|at|"
    r"during) (?:\S+ )?(?:biology|science|chemistry|pe|pshe|health|class|school|lessons?|lectures?|training|the course)"
    r"(?: (?:today|this week|yesterday|this morning|last week))?\b|\b(?:our|my|the) (?:\S+ ){0,2}?(?:teacher|lecturer|"
    r"tutor|instructor|trainer) (?:explained|taught us|told us about|showed us|went through|covered)\b|\b(?:on|in|for|"
    r"during) (?:my|our|the|a) (?:\S+ ){0,3}?(?:course|qualification|certificate|module|lesson|class) (?:we|they) "
    r"(?:covered|did|learned|learnt|studied|discussed|went through|talked about)\b|\b(?:doing|taking|studying for|"
    r"training for|working towards) (?:a|my|the|our) (?:\S+ ){0,2}?(?:qualification|certificate|course|award)\b|"
    r"\bthe (?:manual|textbook|course book|coursebook|handbook|syllabus) (?:says|said)\b")
# Round 35: what people the writer deals with at work say ("now and then a caller says they want to end it all"), asked
# with how to pass them on to a crisis line or a helpline: the writer's how-to, not anyone's crisis now. Someone on the
# line now, "just told me", tonight, a plan, a means or a place keeps it (_CALLER_NOW).
_OTHERS_SAY_AT_WORK = re.compile(
    r"\b(?:callers?|clients?|customers?|tenants?|residents?|service users?|patients?|members of the public|people|students|"
    r"pupils|guests|visitors)\b(?: \S+){0,4}? (?:say|says|said|tell (?:us|me)|tells (?:us|me)|told (?:us|me)|mention|"
    r"mentions|have said|disclose|discloses|admit|admits) (?:that )?(?:they|he|she)\b")
_REFER_HOW_TO = re.compile(
    r"\b(?:refer|referring|signpost\w*|pass (?:them|him|her|it) on|passing (?:them|him|her) on|put (?:them|him|her) "
    r"through|transfer\w*|direct|point) (?:\S+ ){0,5}?(?:crisis (?:line|team|service)|samaritans|helplines?|hotlines?|"
    r"988|mental health (?:team|services?|line)|shout|111)\b")
_CALLER_NOW = re.compile(
    r"\b(?:right now|on the (?:line|phone) (?:now|right now)|(?:is|are) on the (?:line|phone)|just (?:told|said)|this call|"
    r"after this|tonight|today|plan\w*|pills|tablets|knife|rope|gun|bridge|roof|goodbye|note)\b")
# Round 35: a warning list copied from a leaflet, a poster or a website and quoted ("copied this off a poster at the GP:
# 'slurred speech, shivering, no pee all day'"), asked whether it is complete: education, when nobody is said to have
# the signs now ("my mum has these now").
_QUOTED_LIST = re.compile(
    r"\b(?:leaflet|poster|handout|sheet|card|website|web page|page|booklet|list)\b(?: \S+){0,3}? (?:says|said|reads|lists|"
    r"listed)\b|\bcopied (?:this|it|these|them) (?:off|from|out of)\b")
_LIST_COMPLETE_QUESTION = re.compile(
    r"\b(?:is (?:that|this|it) (?:the )?(?:full|whole|complete|entire) list|(?:is|are) (?:there )?(?:anything|something|any "
    r"signs?) (?:missing|left out)|(?:is )?anything missing|are there (?:any )?other (?:signs|symptoms)|what else should (?:i|we) "
    r"(?:look|watch) (?:for|out for)|(?:is|are) (?:that|this|these|it) (?:complete|all of them|everything))\b")
_HAS_THESE_NOW = re.compile(r"\b(?:has|have|got|showing|with) (?:all |some |most |a few |two |three )?(?:of )?(?:these|them|"
                            r"those|the signs)\b|\bnow\b|"
                            # the lead's review of round 35: "is that the full list? my husband has chest pain and
                            # sweating", "dad's face looks droopy" (someone named beside the list, or the writer's own
                            # symptoms)
                            r"\b(?:my|our) (?:\S+ ){0,2}?(?:husband|wife|partner|dad|daddy|father|mum|mom|mother|son|"
                            r"daughter|baby|child|kid|boy|girl|brother|sister|nan|nana|gran|granny|grandma|grandad|grandpa|"
                            r"grandfather|grandmother|friend|mate|boyfriend|girlfriend|neighbour|uncle|aunt|auntie|"
                            r"colleague)\b|\b(?:husband|wife|partner|dad|daddy|father|mum|mom|mother|son|daughter|baby|"
                            r"brother|sister|nan|gran|granny|grandma|grandad|grandpa|friend|boyfriend|girlfriend) ?s (?:face|arm|leg|speech|"
                            r"lips?|chest|breathing|skin|eyes?|temperature|temp|heart|pulse)\b|"
                            r"\bi (?:have|have got|ve got|got|feel|am)\b|\b(?:he|she) (?:has|is|looks|seems|"
                            r"feels|cannot|can not)\b")
# Blind set 35: "hypothetically if someone had a pressure that spread to both arms ... asking for me, right now" (the
# hypothetical is the writer's own, now)
_ASKING_FOR_ME_NOW = re.compile(r"\b(?:asking for (?:me|myself)|(?:it is|it s|its|this is) (?:me|about me|happening to me))"
                                r"\b(?: ,)? (?:\S+ )?(?:right now|now|tonight|at the moment|as we speak)\b")
# The lead's review of round 35: "doing my lifeguard qualification ... one just went under at the pool and hasn't come
# up" (an event told as just happened is not the course's question)
_HAPPENED_JUST_NOW = re.compile(
    r"\bjust (?:\S+ ){0,2}?(?:went|gone|fell|fallen|collapsed|stopped|swallowed|ate|eaten|took|taken|passed|went under)\b|"
    r"\b(?:has|have|still has|still have) not (?:come (?:up|round|to)|surfaced|resurfaced)\b")
_AGE_STATED = re.compile(r"\bi am (?:\d{1,2}|a (?:student|pupil))(?: years? old)?(?: and)?\b")
_HYPOTHETICAL = re.compile(r"\bif (?:someones|somebodys|someone|somebody|a person|a baby|a child|a kid|a toddler|a friend|a loved one|"
                           r"you|your|one|people|anyone|a woman|a man|a patient|they|he has|she has)\b|\bin case\b|"
                           r"\bwhat if\b|\bwhat happens if\b|\bwhen someone\b|\bhow (?:do|would|can) you (?:know|"
                           r"tell)\b|"
                           # round 22: "hypothetically if someone's heart stopped", "how should I respond if a customer
                           # says they're having suicidal thoughts"
                           r"\bhypothetically(?: speaking)?(?: ,)? (?:if|what|how|say|suppose)\b|\bif (?:a|an) (?:customer|client|colleague|pupil|student|teenager|teen|patient|"
                           r"caller|service user|resident|guest|passenger|member of (?:staff|the public)|user) (?:says|tells|"
                           r"told|mentions|admits|discloses|talks)\b")
# Round 34: "if my baby ever stopped breathing, how is infant CPR different?", "should he ever collapse", "if she were to
# choke": a hypothetical about the writer's own, read as one only with no time of now in the sentence, no "right now",
# plea or ambulance in the turn and none of the rule's red flags (_why_not).
_HYPOTHETICAL_EVER = re.compile(
    r"\bif (?:i|you|he|she|we|they|(?:my|our|your|his|her|their) (?:\S+ ){0,2}?\S+) (?:ever|were ever|was ever|should "
    r"ever|(?:were|was) (?:ever )?to)\b|\bshould (?:i|you|he|she|we|they|(?:my|our|your|his|her|their) (?:\S+ ){0,2}?\S+) "
    r"ever\b|\bin the event (?:that|of)\b")
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_FRAME_WORDS = (r"scenario cards?|scenarios?|drills?|role ?plays?|roleplays?|homework|worksheets?|practical|scripts?|case "
                r"stud(?:y|ies)|simulations?|rehearsals?|mock (?:exam|scenario|call)s?|(?:first aid|fire|evacuation|"
                r"emergency|training|tabletop|practice|major incident|drill) exercises?|exam questions?|quiz")
_PAST = re.compile(
    r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many|couple of) (?:years?|months?|"
    r"weeks?) (?:ago|back|before)\b|\byears ago\b|"
    # round 21: "two summers ago"
    r"\b(?:\d+|a|one|two|three|four|five|few|several|couple of) (?:summers?|winters?|springs?|autumns?) ago\b|"
    # round 22: "back in the 90s"
    r"\b(?:back )?in the (?:19|20)?[1-9]0 ?s\b|\blast (?:week|month|year|winter|summer|spring|autumn|fall|"
    r"christmas)\b|\bin (?:19|20)\d\d\b|\bin (?:january|february|march|april|june|july|august|september|october|"
    r"november|december)\b|\bas a (?:kid|child|baby|toddler|teen|teenager)\b|"
    # (the lead's mend after blind set 23: "ate some of my iron tablets from when I was pregnant" tells where the
    # tablets came from, not when it happened)
    r"(?<!from )(?<!since )\bwhen (?:i|he|she|they) (?:was|were)\b|"
    # round 25: "when we were kids", "when we were 9"
    r"\bwhen we were (?:kids|little|children|young|small|teenagers|teens|younger|at school|[1-9]|1[0-7]|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve)\b|"
    # round 31: "back in uni I cut myself a lot"
    r"\bback in (?:uni|university|the day|those days|my (?:teens|twenties|student days|uni days|school days|college days))\b|"
    r"\bhistory of\b|\bin the past\b|\bused to\b|\brecover(?:ing|ed) from\b|\bsince (?:his|her|my|their) "
    r"(?:stroke|heart attack|surgery|overdose|attempt)\b|\bdied (?:of|from)\b|\bruns? in (?:my|the|our) family\b|"
    r"\bpreviously\b|\bsurvivor\b|\bin recovery\b|\b(?:years|months) back\b|\bdied by\b|\bpassed away\b|"
    r"\bfuneral\b|\btook (?:his|her|their) own life\b|\blost (?:my|his|her|our) \w+ to\b|\b(?:in|during) the war\b|"
    # round 19: years or months ago in Spanish, Portuguese or French; at a first or last birth
    r"\bhace (?:\d+|unos|muchos|varios|dos|tres|diez) (?:a[ñn]os|meses)\b|\bh[aá] (?:\d+|uns|muitos|dois|tr[eê]s|dez) "
    r"(?:anos|meses)\b|\bil y a (?:\d+|quelques|deux|trois|dix) (?:ans|mois)\b|"
    # round 35: last year in French, Spanish or Portuguese ("mon père a fait une crise cardiaque l'an passé")
    r"\bl ?an (?:pass[ée]|dernier)\b|\bl ?ann[ée]e (?:derni[èe]re|pass[ée]e)\b|\bel a[ñn]o pasado\b|\bano passado\b|\b(?:at|after|with|during) (?:my|her) "
    r"(?:first|last|previous|second|older (?:son s|daughter s)) (?:birth|delivery|baby|labour|labor|c section)\b")
# Round 10: a later clause that dates what came before ("my father tried to take his life after mum died, that was years
# ago"); it does not count when the sentence says it is happening again.
_PAST_AFTER = re.compile(
    r"\b(?:that|this|it|which) (?:was|happened|were) (?:\S+ ){0,2}?(?:(?:\d+|a|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|few|several|many|a few|some) )?(?:years?|months?|decades?|summers?|winters?) ago\b|"  # (round 32: summers)
    r"\b(?:that|this|it|which) (?:was|happened) "
    r"(?:back )?in (?:19|20)\d\d\b|\b(?:that|this|it|which) was (?:a long time|ages) ago\b|"
    # round 36: a few words between ("that was with covid on the ward in 2021"), a year before this one
    r"\b(?:that|this|it|which) (?:was|happened) (?:\S+ ){1,8}?in (?:19\d\d|20(?:[01]\d|2[0-5]))\b|"
    # round 11: "that was back in May", "back in 2022"
    r"\b(?:that|this|it|which) (?:was|happened) (?:all )?(?:back )?in " + _MONTH + r"\b|\bback in (?:" + _MONTH +
    r"|(?:19|20)\d\d)\b|"
    # round 11: an age then and an age now ("a febrile convulsion at 18 months, she is 4 now")
    r"\bat (?:the age of |age )?\d+ (?:months?|years?|yrs?)(?: old)?(?: \S+){0,3} , (?:he|she|they|i) (?:is|are|am) "
    r"(?:now )?\d+(?: now)?\b|"
    # round 25: "overdosed on paracetamol at 18, I'm 32 and healthy now" (an age then, an adult's age now)
    r"\bat (?:the age of |age )?(?:1[0-9]|[2-9]\d)(?: \S+){0,3} , (?:he|she|they|i) (?:is|are|am) (?:now )?(?:[2-9]\d)"
    r"(?: now)?\b|"
    # round 30: a date given as its own clause with an apology ("I had anaphylaxis from a wasp sting , two summers ago ,
    # sorry , should have said")
    r"(?<=, )(?:\d+|a|one|two|three|four|five|a few|few|several|couple of) (?:summers?|winters?|springs?|autumns?|years?|"
    r"months?) ago (?:, )?(?:sorry|should have said|i should have said|forgot to say|i forgot to say|i mean)\b|"
    # round 33: dated to a child's age ("my daughter stopped breathing and went stiff , that was when she was 2 , a febrile
    # convulsion")
    r"\b(?:that|this|it) (?:was|happened) (?:when (?:he|she|they|i) (?:was|were)|at (?:the )?age(?: of)?|aged) (?:\d+|one|"
    r"two|three|four|five|six|seven|eight|nine|ten)(?: (?:months?|years?|yrs?))?(?: old)?\b")
# Round 33: the writer trying out the chatbot, this app or the assistant for a lesson, a class or a project ("just testing
# this bot for our first aid class"), or "just testing" it after "not real" or "wrong wording": a frame of what came before
# it (_bot_tested), never of self_harm. Not an app used while waiting for an ambulance.
_BOT_TEST = (r"\b(?:testing|trying out|trialling|trialing|test driving) (?:out )?(?:the|this|your|a|you r) (?:\S+ )?(?:chat ?bots?|"
             r"bots?|apps?|ai|assistant|chat ?gpt)\b(?= (?:for|with) (?:\S+ ){0,4}?(?:lessons?|class|classes|course|session|"
             r"project|demo|presentation|school|training|workshop|assembly|homework|club|group|students|pupils|kids|children|"
             r"night|evening)\b)|\b(?:just|only) (?:testing|trying out) (?:you|this|it|the (?:chat ?bot|bot|app)|this (?:chat ?bot|"
             r"bot|app))\b|\b(?:not real|wrong wording|bad wording|badly worded)\b(?: ,)? (?:i am |im |i was |just |only )*"
             r"(?:testing|trying out)\b")
# Round 11: a drill, a scenario card, a role-play, homework or a practical named as what the alarming words are ("it's the
# scenario card for my first aid assessment", "its a role play for the paramedic course", "I'm the casualty"): not
# someone in trouble now, unless the text says it is real ("this is not a drill", "except it's real", "for real").
_FRAMED = re.compile(
    r"\b(?:it is|its|it was|that is|thats|that was|this is|this was|they are|these are|those are)(?: (?:just|only|all|"
    r"from|for|part of|on|in|out of))* (?:the|a|an|my|our|his|her|their|this|that|today s|tomorrows?)(?: \S+){0,3}? "
    + r"(?:" + _FRAME_WORDS + r")\b|\b(?:from|for|on|in|out of) (?:the|a|an|my|our|his|her|their|this|that)(?: \S+){0,3}? "
    r"(?:scenario cards?|drills?|role ?plays?|roleplays?|homework|worksheets?|scripts?|case stud(?:y|ies)|simulations?|"
    r"rehearsals?|mock (?:exam|scenario|call)s?)\b|\bi am (?:playing |acting |being )?the (?:casualty|patient|victim)\b|"
    r"\b(?:practi[sc]ing|playing|acting(?: out)?) (?:the )?(?:casualty|patient|victim)(?: roles?)?\b|"
    # round 29: the cards of a game being made ("designing a family card game about paramedics ... card texts so far")
    r"\b(?:designing|making|writing|creating|developing|design|make|made) (?:a|an|our|my|the) (?:\S+ ){0,4}?(?:card|"
    r"board) game\b|\bcard texts?\b|\bthe cards (?:say|read)\b")
# Round 32: a stage play being rehearsed or a training film named at the start of a clause ("my friend just stopped
# breathing!!" / "in the play we're rehearsing, I mean"; "my dad went blue" / "on the CPR training video at work"): a frame
# like a film (_FICTION); not "in the play area", a video call, nor "collapsed in the school play" (not a clause's start).
_STAGED = (r"(?:(?:i mean|i meant|sorry|oops|no|lol|haha\w*) ?,? ?)*(?:in|on|from|during|for) (?:the|a|our|my|this|that|"
           r"today s|his|her) (?:\S+ ){0,2}?(?:(?:school|nativity|drama|class|christmas|amateur|am dram|community|youth|"
           r"church) (?:play|show|production|panto|pantomime)|(?:play|scene|sketch|panto|pantomime|musical) (?:(?:that |"
           r"which )?(?:we|i|they) (?:are|am|were|was) )?(?:rehearsing|putting on|performing|staging|practi[sc]ing|"
           r"filming|shooting)|(?:cpr|first aid|training|safety|resus\w*|induction|life support) (?:video|film|clip|dvd|"
           r"footage))\b")
# Round 22: a film, a book or a story named as where it happens ("in the film the man's face drooped", "in a film I
# watched", "for my crime novel", "I'm writing a short story where"): a frame like a drill, but never of self_harm.
_FICTION = re.compile(
    r"(?:^|(?<=[.!?,:] ))in (?:the|a|this|that) (?:film|movie|tv show|show|series|episode|soap|novel|book|story|cartoon)\b|"
    # round 24: "in my crime novel a man is found stabbed in the thigh"
    r"(?:^|(?<=[.!?,:] ))in (?:my|our) (?:\S+ )?(?:novel|short story|story|screenplay|script)\b|"
    r"\b(?:watched|watching|reading|read|saw) (?:a|the|this) (?:film|movie|show|series|episode|novel|book|documentary) "
    r"(?:where|in which|about)\b|\b(?:in|for) (?:a|the|my|our) (?:film|movie|tv show|series|episode|novel|book|story|short "
    r"story|screenplay|soap|game) (?:i|we) (?:watched|saw|read|am writing|am reading|was watching|am streaming|am playing)\b|"
    r"\b(?:i am writing|writing|for) (?:a|my|the|our) (?:\S+ )?(?:novel|short story|screenplay|story|script|fan ?fic\w*|"
    r"saga|novella)\b(?! (?:when|while)\b)|"  # round 31: "a family saga"; not "I was writing my novel when dad ..."
    # round 31: "I'm working on a historical novel set in 1920s India", "my historical novel is set in the 1920s"
    r"\bworking on (?:a|my|the|our) (?:\S+ ){0,2}?(?:novel|short story|screenplay|saga|novella|fan ?fic\w*)\b"
    r"(?! (?:when|while)\b)|\bmy (?:\S+ )?(?:novel|short story|screenplay|saga|novella) (?:is|was) set in\b"
    r"|(?:^|(?<=[.!?,:] ))(?:" + _STAGED + r")")
_REAL_NOW = re.compile(
    r"\b(?:not (?:a|an|the) (?:drill|joke|exercise|scenario|test|practice|role ?play|rehearsal)|no joke|not (?:joking|"
    r"kidding)|(?:this|it) is (?:real|for real|(?:actually|really) happening|happening (?:now|for real))|is real\b|for real|real "
    r"(?:life|one|thing)|this time (?:it is|its)|seriously|i mean it|(?:done|doing) it again|happening again|"
    # (the lead's review of round 32: "he stopped breathing" / "in the school play rehearsal, he collapsed on stage, please
    # help": a plea or an ambulance is about now, whatever the setting)
    r"please help|help me|help us|call(?:ed|ing)? (?:an |the )?ambulance|ambulance is (?:coming|on its way)|not acting|is not "
    r"acting|not pretending|"
    # the lead's review of round 36: "i mean in my script, but actually my brother really did take tablets tonight"
    r"(?:actually|really|but) (?:\S+ ){0,3}?really (?:did|has|have|is|was)|(?:did|has|have) really (?:taken|done|swallowed))\b")
# Round 14: a clause (a second turn joined to the first, or a later clause of one message) that takes what came before
# back as not real or not now: a line, a question or a scene from a quiz, a play, a refresher or a course the writer
# trains or studies; a joke explained (laughing, money, exam results); a harmless cause with the danger denied (a
# tantrum or a sulk, the dentist's numbness with speech and movement fine, eyelids puffy from crying with breathing
# fine, every pill found and counted). It sets aside only matches before it, and never when a red flag of the rule,
# a "not a joke" or "again" or "still" comes after it: a take-back never cancels what is told now.
_I_SAID = r"(?:(?:oh|ah|sorry|no|wait|lol|haha\w*|ok|okay|well|um|erm|relax|panic over|false alarm|never mind|i mean|i meant|ignore me|oops)\b ?,? ?)*"
_TAKEN_BACK_WORDS = (
    r"(?:(?:that is|thats|it is|its|this is|these are|that was|it was|i am writing (?:that|this|it) (?:as|for)|i wrote "
    r"(?:that|this|it) (?:as|for))(?: (?:just|only|all|for|from|part of|meant as))* (?:a|an|the|my|our|his|her|their)"
    r"(?: \S+){0,4}? (?:lines?|scenarios?|quiz(?:zes)?|quiz questions?|scenes?|(?:school|nativity|drama|class|christmas) "
    r"(?:plays?|shows?)|group s? (?:plays?|shows?)|scripts?|refreshers?|drills?)\b|"
    r"(?:that is|thats|it is|its|this is|it was) (?:a |just a |only a )?questions? (?:for|from|in|on) (?:a|an|our|the|my)"
    r"(?: \S+){0,4}? (?:quiz|training|course|exam|test|refresher)\b|"
    r"(?:he is|she is|i am) (?:just )?playing the (?:victim|casualty|patient|body)\b|"
    r"i am (?:a |an )?(?:\S+ ){0,2}(?:student|trainee)(?: \S+){0,2} (?:revising|studying|doing|learning)\b|"
    r"(?:\S+ ){0,3}(?:from|with) (?:laughing|laughter)\b|(?:i am )?(?:crying|dying|dead|in tears) (?:with|of|from) "
    r"laughter\b|(?:money|cash) ?wise\b|(?:i mean |meaning )(?:money|financially|my (?:bank|wallet|bank account))\b|"
    r"(?:\S+ ){0,3}(?:christmas|xmas) shopping\b|(?:when|as soon as) i (?:saw|got|opened|read|checked) (?:my|the|our)"
    r"(?: \S+){0,3} (?:results?|grades?|marks?|bill|score)\b|i (?:just )?(?:passed|failed|got (?:my|the))(?: \S+){0,3} (?:test|exam|"
    r"results?|driving)\b|"
    r"(?:just |only )?(?:a|more of a|she had a|he had a|just a) (?:screaming |huge |massive )?(?:tantrum|meltdown|strop)\b|"
    r"(?:she is|he is) (?:just )?(?:sulking|having a strop)\b|because i took (?:her|his) (?:phone|ipad|tablet|console|"
    r"xbox|laptop)\b|"
    r"(?:(?:it is|its|it was) )?(?:only|just) (?:my|the|her|his) (?:eyelids|eyes)\b|"
    r"(?:found|have found|counted) (?:all|every (?:one|single one|tablet|pill)|them all)\b|"
    # round 32: "I counted the blister pack, they're all there"
    r"(?:i |we )?(?:have )?counted (?:the|my|his|her) (?:\S+ ){0,2}?(?:strip|blister pack|blisters?|packet|pack|box|bottle|"
    r"tablets|pills)\b|"
    r"(?:i|he|she) (?:had|have had|just had) (?:a |my |her |his )?(?:filling|dental work|tooth out|root canal)\b|"
    r"(?:(?:it is|its|it was) )?(?:from |the |just the |only the )(?:dental |dentist s )?(?:anaesthetic|anesthetic|numbing)\b|"
    r"(?:the |my )?ribs (?:are|were) bruised\b|(?:only |just )?hurts (?:when|if) (?:i )?press\b|"
    # round 36: "she swallowed a whole bottle of pills" / "sorry, I mean in my screenplay, act two"
    r"(?:i mean |i meant )(?:in|for) (?:my|our) (?:\S+ )?(?:screenplay|screen play|film script|script|stage play|play|novel|"
    r"short story)\b)")
# Round 18: more take-backs, never of a self_harm rule nor of one marked `always`: a suicidal statement dated, joked
# about or called an exam question in a later turn still counts (round 14's take-backs are unchanged).
_TAKEN_BACK_WORDS_R18 = (
    # a past event dated after it ("that was 2 weeks ago", "that was at 5 weeks, she is 14 months now", "that
    # was when I was 17", "that is what happened at our wedding last year", "that was with my son 4 years ago")
    r"(?:(?:that|this|it) (?:was|is what happened|happened)(?: \S+){0,4}? (?:(?:\d+|a|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|a few|few|several|many) (?:weeks?|months?|years?) ago|last year|in (?:19|20)\d\d|(?:when (?:i|he|"
    r"she|they) (?:was|were)|at) (?:\d+|a few)(?: (?:weeks?|months?|years?))?(?: old)?(?: \S+){0,3}? , (?:in (?:19|20)\d\d , )?"
    r"(?:he|she|they|i) (?:is|are|am) (?:now )?\d+)\b|"
    # round 18: a misreading put right ("he had his headphones in", "all my morning ones together", "beetroot juice
    # everywhere, my juicer exploded", "my hot water tank broke")
    r"(?:he|she|they) (?:had|has|was wearing|were wearing) (?:his|her|their) (?:headphones|earphones|earbuds|ear buds|"
    r"airpods)\b|(?:all )?my (?:morning|evening|night|bedtime|usual|daily|regular) (?:ones|tablets|pills|meds|"
    r"medications?|doses?)(?: \S+){0,2}? (?:together|at once|in one go)\b|(?:\S+ ){0,2}?(?:beetroot|ketchup|tomato|"
    r"red wine|paint|jam|cherry|raspberry|hair dye)(?: juice| sauce)? (?:everywhere|all over)\b|my (?:hot water tank|"
    r"water tank|boiler|hot water cylinder|water heater|pipes?|washing machine|dishwasher|fish tank|aquarium) (?:has )?"
    r"(?:broke|broken|burst|exploded|leaked|is leaking|split|flooded)\b|"
    # round 18: an exam or a quiz ("this is
    # for my lifeguard exam, not happening now", "I am a pharmacy student, a toxicology quiz"), a pain only on pressing
    r"(?:this is|it is|its|that is|"
    r"thats) (?:just |only |all )?for (?:my|a|the|our) (?:\S+ ){0,3}?(?:exam|test|assessment|course|module|quiz|"
    r"homework)\b|not happening (?:now|right now|for real)\b|i am (?:a |an )?(?:\S+ ){0,2}(?:student|trainee)\b(?: \S+){0,4}? "
    r"(?:quiz|exam|test|assignment|revision|homework)\b|(?:(?:it is|its) )?only when i press on (?:one|a|the same) spot\b)")
# Round 18: a joke or a laugh ("Joking.", "laughing too hard, I have got hiccups"), never of an overdose or a poison
# either: "I took 40 paracetamol" then "joking" is still an overdose.
_TAKEN_BACK_WORDS_JOKE = r"(?:(?:i was |i am |just |only )?joking\b(?! aside)|laughing (?:too|so) (?:hard|much)\b)"
# Round 19: more take-backs, never of a self_harm rule nor of one marked `always`, nor (except the harmless supplement
# named with a laugh) of an overdose or a poison: a visit already made ("I was at A&E 2 hours ago", "the GP saw her this
# afternoon"), a past day or decade ("this was last weekend", "years ago in the 90s"), an object meant ("my phone I
# mean"), a thing coughed up ("its out now, I coughed it up"), the worst headache scaled down to a slow hangover.
_TAKEN_BACK_WORDS_R19_OD = (
    r"(?:(?:of|on) (?:my |some |the )?(?:probiotics?|vitamin c|fish oil|mints|tic tacs|chewing gum|placebos?|sugar pills)"
    r"(?: gummies| capsules| tablets| sweets)?(?: \S+){0,3}? (?:lol|haha\w*|jk)\b)")
_TAKEN_BACK_WORDS_R19 = (
    r"(?:(?:i|we|he|she|they) (?:was|were|went) (?:at|to) (?:a & e|a&e|ae|the er|er|the hospital|urgent care|the "
    r"emergency department|the walk in(?: centre| center)?)(?: \S+){0,2}? (?:\d+|an|a|one|two|three|a few|few|couple of) "
    r"hours? ago\b|"
    r"the (?:gp|doctor|doc|paediatrician|pediatrician|nurse|hospital|out of hours) (?:saw|checked|examined|looked at) "
    r"(?:her|him|me|them|us|it)(?: over)? (?:this (?:morning|afternoon|evening)|today|earlier(?: today)?|yesterday)\b|"
    r"(?:that|this|it) (?:was|happened) (?:on |at |over )?(?:last )?(?:weekend|the weekend|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)\b|(?:that|this|it) (?:was|happened)(?: \S+){0,2}? years ago\b|(?:that|this|it) "
    r"(?:was|happened) (?:back )?in the (?:19|20)?\d0 ?s\b|"
    r"my (?:phone|mobile|laptop|computer|pc|tablet|ipad|car|battery|tv|telly|printer|router|fridge|plant|console|"
    r"kindle|watch) (?:i mean|i meant)\b|(?:i mean|i meant) my (?:phone|mobile|laptop|computer|pc|tablet|ipad|car|"
    r"battery|tv|telly|printer|router|fridge|plant|console|kindle|watch)\b|"
    r"(?:it is|its) (?:out|up) now ,? (?:i |he |she |they )?(?:coughed|spat|sicked|brought|threw) it (?:up|out)\b|"
    r"(?:maybe )?not (?:the )?worst (?:ever|one ever|of my life|i have (?:ever )?had)\b(?: \S+){0,10}? (?:hangover|came "
    r"on (?:slowly|gradually|over (?:hours|the day)))\b|" + _TAKEN_BACK_WORDS_R19_OD + r")")
# Round 21 (blind set 19: 14 of its 23 false alarms were take-backs): a specific, benign explanation, never a vague
# one ("it's probably nothing", "never mind", "I'm fine now", "my mum says it's fine" take nothing back). Of any rule
# but self_harm or `always`, and of an overdose or a poison too: an assessment already made by someone who assesses
# (poison control rang back and said it's fine, A&E checked him and cleared him, urgent care already treated it, the
# paramedics said a simple faint); a harmless dose (vitamin D or gummy vitamins, never iron; the double was the insulin
# pen's priming shot).
_TAKEN_BACK_WORDS_R21_OD = (
    r"(?:(?:poison control|poisons? (?:centre|center|line|service)|nhs 111|111|a & e|a&e|ae|the er|er|urgent care|the walk in"
    r"(?: centre| center)?|the hospital|the maternity (?:unit|ward)|maternity|maternity triage|the labour ward|the midwi(?:fe|ves)|"
    r"the paramedics?|paramedics|the ambulance (?:crew|team)|the gp|the doctor|the out of hours(?: doctor)?|the pharmacist)"
    r"(?: \S+){0,2}? (?:already |have |has |just |both )?(?:rang back|rung back|called back|phoned back|checked|cleared|"
    r"treated|examined|assessed|saw|seen|looked at|came)\b(?: \S+){0,8}? (?:fine|ok|okay|safe|harmless|nothing|normal|"
    r"cleared|(?:a )?simple faint|glued|stitched|steri ?stripped|dressed)\b|"
    r"(?:they are|theyre|they were|it is|its|it was|just|only)? ?(?:the |my |his |her |kids |children s |childrens )?"
    r"(?:vitamin d|vitamin c|gummy vitamins?|vitamin gummies|vitamin d gummies)\b|"
    r"(?:\S+ ){0,4}?(?:the )?(?:double|second (?:one|shot|dose)|other (?:one|shot)) was (?:the |just the |only the )?"
    r"(?:priming|prime|air|safety) (?:shot|dose|test)\b)")
# Round 21: of any rule but self_harm or `always`: a frame named (a first-aid course handout, a creative writing class,
# a screenplay or a story), an object meant (the water pipe under the sink, my taxi's engine), a named benign cause
# with the danger denied after it (a deep sleep after a double shift and he woke up; a tongue or cheek bitten eating,
# stopped now), a nosebleed stopped after minutes of pinching, a reaction dated (after a wasp sting last summer), a
# chronic baseline named ("that's my normal, COPD").
_TAKEN_BACK_WORDS_R21 = (
    r"(?:(?:that is|thats|it is|its|this is|it was|they are|these are) (?:just |only |all )?(?:from|for|in|out of|part of) "
    r"(?:a|an|the|my|our)(?: \S+){0,3}? (?:handouts?|textbooks?|leaflets?|creative writing|writing (?:class|course|"
    r"group|assignment)|story|stories|novel|screenplay|short story|poem|fan ?fic\w*|fiction)\b|"
    r"(?:my|our|the|his|her)(?: \S+){0,3}? (?:pipes?|sink|tap|radiator|boiler|roof|ceiling|cistern|toilet|engine|taxi|van|"
    r"motor|wifi|internet|router|server)\b(?: \S+){0,4}? (?:i mean|i meant)\b|"
    r"(?:(?:just |only )?(?:a |in a )?(?:deep|heavy|sound) sleep|(?:i|he|she) (?:bit|bitten|have bitten|has bitten) "
    r"(?:my|his|her) (?:tongue|cheek|lip))\b|"
    r"(?:it |the (?:bleeding|nosebleed|bleed) )?(?:stopped|has stopped) after (?:\d+|a few|five|ten|two|three) ?(?:min\w*) "
    r"(?:of )?(?:pinching|pressure|pressing|squeezing)\b|"
    r"(?:after|from|with) (?:a|the|my|his|her) (?:\S+ ){0,2}?(?:sting|bite|reaction)(?: \S+){0,2}? (?:last (?:summer|winter|"
    r"spring|autumn|year)|(?:\d+|two|three|a few|several) (?:years?|months?) ago)\b|"
    r"(?:that is|thats|it is|its|this is) (?:my|his|her) (?:normal|baseline|usual)\b(?: \S+){0,3}? (?:copd|emphysema|"
    r"bronchiectasis|pulmonary fibrosis|lung disease|heart failure)\b)")
# Round 21: of a self_harm rule that is not `always`, only a diary or journal entry of years ago ("that's what I wrote
# in my diary 2 years ago, I'm doing really well now"); of one that asks a question (a lethal dose), also a pharmacy or
# other student asking, or a course handout.
_TAKEN_BACK_WORDS_R21_DIARY = (
    r"(?:(?:that is|thats|that was|it is|its|it was) (?:just )?what i (?:wrote|had written|said|put) in (?:my|an|a|the) "
    r"(?:old )?(?:diary|journal|notebook|notes)(?: \S+){0,3}? (?:\d+|two|three|four|five|many|several|a few) years ago)\b")
_TAKEN_BACK_WORDS_R21_ASKING = (
    r"(?:i am (?:a |an )?(?:\S+ ){0,2}(?:student|trainee)(?: \S+){0,1}? (?:asking|revising|studying)\b)")
# Round 22 (blind set 20's take-backs), specific and benign only. Of any rule but self_harm or `always`, and of an
# overdose or a poison too: a game named as where it happened ("it's in the game I'm streaming", "on potions"), a
# harmless dose ("4 rennies instead of 2"). Of any rule but self_harm, `always`, an overdose or a poison: a dated past
# event ("that was last month"), an assessment already made with its follow-up or its finding ("they scanned me and
# did an EEG, I see the neurologist in two weeks", "the hospital did a scan, Bell's palsy not a stroke"), an object or
# a sense meant ("the dye bleed, a red sock in the wash"), pins and needles from sitting cross-legged.
_TAKEN_BACK_WORDS_R22_OD = (
    r"(?:(?:(?:it is|its|it was|this is|that is|all|just) )+in (?:the|a|my|this) (?:\S+ ){0,2}?(?:game|video game|"
    r"stream)\b|(?:on )?(?:health |mana )?potions\b(?: \S+){0,6}? (?:game|streaming|stream)\b|"
    r"(?:\S+ ){0,2}?(?:\d+|two|three|four|five|six) (?:rennies?|gaviscon|tums|antacids?|multivitamins?|mints?|lozenges?|"
    r"strepsils|throat sweets|vitamin c) instead of (?:\d+|one|two|three)\b)")
_TAKEN_BACK_WORDS_R22 = (
    r"(?:(?:that|this|it) (?:was|happened) last (?:month|week|year|summer|winter|spring|autumn|christmas)\b|"
    r"(?:(?:they|the hospital|the doctors?|the gp|a & e|a&e|i|we|he|she) )?(?:scanned (?:me|him|her)|(?:had|have had|got|"
    r"did|ran|have done) (?:a |an |some )?(?:scans?|ct|mri|eeg|ecg|ct scan|mri scan|brain scan))\b(?: \S+){0,12}? "
    r"(?:neurologist|specialist|consultant|clinic|follow up|bell s palsy|migraine|not a stroke|not a seizure)\b|"
    r"(?:i mean |i meant )?(?:the )?(?:dye|colour|color) (?:bleed|bled|run|ran)\b|"
    r"pins and needles\b(?: \S+){0,3}? (?:from|after) (?:sitting|sleeping|kneeling|lying|crossing)\b)")
# Round 24 (blind sets 21 and 22's take-backs), specific and benign only. Of any rule but self_harm, `always`, an
# overdose or a poison: diagnosed sleep apnoea with a CPAP or its mask; a heart stopped during an operation years ago;
# red paint (or ketchup, beetroot) named as the blood; blueberries (with the danger denied); a start or a jump as a
# child dropped off to sleep (a hypnic jerk); a choking dated "last month I mean"; one of someone's usual short seizures
# with them come round or chatting; holding the breath in a tantrum with breathing again after; glands swollen with a
# cold, swallowing and breathing fine; read about it in an article, the writer not having it. Of an overdose or a
# poison too: a child's own medicine at its right dose; a message misread, a joke or the person fine.
_TAKEN_BACK_WORDS_R24_OD = (
    r"(?:(?:(?:it was|it is|its|that was|turns out it was|turns out it is|turns out) )?(?:just |only )?(?:one of )?(?:his|"
    r"her|their) own (?:\S+ ){0,2}?(?:antihistamines?|hay ?fever (?:tablets?|pills?|medicine)|tablets?|pills?|medicines?|"
    r"cetirizine|loratadine|piriton)\b(?: \S+){0,5}? (?:(?:right|correct|normal|usual|prescribed) dose|dose (?:he|she|"
    r"they) (?:is|are) (?:meant|supposed|prescribed|allowed) to (?:have|take))\b|"
    r"(?:\S+ ){0,3}?(?:misread|mis read|misunderstood|read (?:his|her|their|the) (?:text|message|msg)s? wrong)\b(?=(?: \S+)"
    r"{0,24} (?:as a joke|a joke|joking|joked|laughing|(?:he|she|they) (?:is|are|was|were) (?:fine|ok|okay))\b))")
_TAKEN_BACK_WORDS_R24 = (
    r"(?:(?:\S+ ){0,6}?sleep apno?ea\b(?=(?: \S+){0,16} (?:cpap|c pap|mask|machine|diagnosed)\b)|"
    r"(?:(?:it|that|this) (?:was|happened) )?(?:during|in|under|on) (?:an?|my|his|her|the) (?:\S+ )?(?:operation|"
    r"surgery|op|anaesthetic|anesthetic|procedure|operating table)\b(?: \S+){0,4}? (?:(?:\d+|a|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|a few|few|several|many) )?(?:years?|months?) ago\b|"
    r"(?:(?:most of |all of )?(?:it is|its|it was|that is|thats|this is|they are) )(?:just |only |all |actually |mostly )?"
    r"(?:red |the red )?(?:paint|ketchup|beetroot(?: juice)?|red wine|jam|hair dye|tomato sauce|fake blood)\b|"
    r"(?:(?:it is|its|it was|that is|thats|from|just|only) )*(?:the |some |a )?blueberr\w*\b|"
    r"(?:(?:it was|it is|its|that was) )?(?:just |only )?(?:a |the )?(?:startle|start|jump|jolt|twitch|jerk)\b(?: \S+){0,3}? "
    r"(?:as|when|while|just as) (?:he|she|they|i|it) (?:was |were |is )?(?:falling asleep|dropping off|drifting off|"
    r"nodding off|going (?:off )?to sleep|fell asleep|dropped off)\b|(?:\S+ ){0,4}?hypnic (?:jerks?|starts?|twitch\w*)\b|"
    r"last (?:month|week|year|summer|winter|spring|autumn|christmas)(?: ,)? (?:i mean|i meant)\b|"
    r"(?:(?:it was|it is|its|that was|just) )?(?:one of )?(?:her|his|their|my) (?:usual|normal|typical|regular|known)"
    r"(?: short| brief| little| small| quick| absence)* (?:ones?|fits?|seizures?|episodes?|absences?)\b(?=(?: \S+){0,14} "
    r"(?:come round|came round|come to|came to|chatting|talking|awake|back to (?:normal|herself|himself|themselves))\b)|"
    r"(?:(?:she|he|they) (?:was|were|is|are) )?(?:just |only )?(?:holding (?:his|her|their) breath|breath ?holding)\b"
    r"(?: \S+){0,4}? (?:tantrum|temper|paddy|strop|meltdown|crying fit|cry)\b(?=(?: \S+){0,16} (?:breathed|breathing|"
    r"took a (?:big )?breath|gasped)\b)|"
    r"(?:\S+ ){0,6}?(?:swollen glands|glands (?:are |have )?(?:up|swollen|come up|puffed up|puffy))\b(?: \S+){0,6}? "
    r"(?:cold|flu|virus|sore throat|bug)\b(?=(?: \S+){0,10} (?:swallow\w*|breath\w*)(?: and \S+)? (?:is |are )?(?:fine|"
    r"ok|okay|normal\w*)\b)|"
    r"(?:i )?(?:read|saw|heard|came across) (?:about )?(?:it|this|that) (?:in|on) (?:an?|the|my) (?:\S+ ){0,2}?(?:article|"
    r"newspaper|paper|magazine|news|documentary|programme|program|podcast|book|leaflet|website|post|blog)\b(?=(?: \S+)"
    r"{0,12} (?:(?:i )?(?:do not|have not|did not) (?:have|got|had)(?: got)? (?:a |one|it|any)|not me|just curious)\b))")
# Round 25 (blind set 23's take-backs), specific and benign only. Of any rule but self_harm, `always` or an overdose: a
# blue slushie, an ice lolly or food colouring named as the blue ("oh wait it's the blue raspberry slushie he had at the
# fair"); a child of 5 or more back from a hike, a camp or a trip, tired but eating and talking ("he's 15 and back from
# a 3 day hiking expedition, shattered, sleeping loads but eating and talking normally"). Of an overdose too: a child's
# own melatonin given twice by mistake, a small total. A danger told after any of them keeps the match (_STILL_DANGER).
_TAKEN_BACK_WORDS_R25 = (
    r"(?:(?:(?:it is|its|it was|that is|thats|from|just|only|(?:she|he|they) (?:had|has had|was drinking|drank|ate|has "
    r"been drinking)) )*(?:the |a |an |some |her |his |their )?(?:blue |bright blue )?(?:raspberry )?(?:slush\w*|ice "
    r"(?:lolly|lollies|pop|pops)|food colou?ring|blue sweets?|blue dye|blue raspberry|blue (?:drink|juice|sweet|"
    r"lolly|icing))\b|"
    r"(?:(?:he|she|they) (?:is|are) )(?:[5-9]|1[0-9]|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen)(?: years old)?(?: and| ,)? (?:just |only )?(?:got )?(?:back|home) (?:from|after) "
    r"(?:\S+ ){0,5}?(?:hike|hiking|trek|trekking|camp\w*|expedition|festival|sleepover|residential|tournament|trip)\b"
    r"(?=(?: \S+){0,16} (?:eating|talking|chatting|drinking)(?: and (?:eating|talking|chatting|drinking))?(?: \S+)? "
    r"(?:fine|normally|normal|well|ok|okay)\b))")
_TAKEN_BACK_WORDS_R25_OD = (
    r"(?:(?:(?:it was|it is|its|that was|turns out it was) )?(?:just |only )?(?:his|her|their) own melatonin\b(?=(?: \S+)"
    r"{0,10} (?:twice|two doses|double|an extra|dose twice)\b)(?!.*\b(?:whole|all of|bottle|packet|tub|handful|"
    r"(?:[3-9]|[1-9]\d) (?:tablets|pills|gummies)|drowsy|floppy|will not wake|vomit\w*)\b))")
_TAKEN_BACK_START = r"(?:^|(?<= , )|(?<=\. )|(?<= )(?=(?:i mean|i meant|sorry)\b))" + _I_SAID
_TAKEN_BACK = re.compile(_TAKEN_BACK_START + _TAKEN_BACK_WORDS)
def _any_of(*groups: str) -> str:
    return r"(?:" + r"|".join(groups) + r")"


# Which take-back word groups each kind of rule accepts (round 14's mechanism, widened round by round).
_TAKEN_BACK_SELF_HARM = re.compile(_TAKEN_BACK_START + _any_of(_TAKEN_BACK_WORDS, _TAKEN_BACK_WORDS_R21_DIARY))
_TAKEN_BACK_QUESTION = re.compile(_TAKEN_BACK_START + _any_of(_TAKEN_BACK_WORDS, _TAKEN_BACK_WORDS_R21_ASKING,
                                                              _TAKEN_BACK_WORDS_R21))
_TAKEN_BACK_R18 = re.compile(_TAKEN_BACK_START + _any_of(_TAKEN_BACK_WORDS, _TAKEN_BACK_WORDS_R18, _TAKEN_BACK_WORDS_R19_OD,
                                                         _TAKEN_BACK_WORDS_R21_OD, _TAKEN_BACK_WORDS_R22_OD,
                                                         _TAKEN_BACK_WORDS_R24_OD, _TAKEN_BACK_WORDS_R25_OD))
_TAKEN_BACK_ANY = re.compile(_TAKEN_BACK_START + _any_of(
    _TAKEN_BACK_WORDS, _TAKEN_BACK_WORDS_R18, _TAKEN_BACK_WORDS_JOKE, _TAKEN_BACK_WORDS_R19, _TAKEN_BACK_WORDS_R21_OD,
    _TAKEN_BACK_WORDS_R21, _TAKEN_BACK_WORDS_R22_OD, _TAKEN_BACK_WORDS_R22, _TAKEN_BACK_WORDS_R24_OD,
    _TAKEN_BACK_WORDS_R24, _TAKEN_BACK_WORDS_R25, _TAKEN_BACK_WORDS_R25_OD))
_ALL_TAKEN_BACK_WORDS = _any_of(
    _TAKEN_BACK_WORDS, _TAKEN_BACK_WORDS_R18, _TAKEN_BACK_WORDS_JOKE, _TAKEN_BACK_WORDS_R19, _TAKEN_BACK_WORDS_R21_OD,
    _TAKEN_BACK_WORDS_R21, _TAKEN_BACK_WORDS_R21_DIARY, _TAKEN_BACK_WORDS_R21_ASKING, _TAKEN_BACK_WORDS_R22_OD,
    _TAKEN_BACK_WORDS_R22, _TAKEN_BACK_WORDS_R24_OD, _TAKEN_BACK_WORDS_R24, _TAKEN_BACK_WORDS_R25,
    _TAKEN_BACK_WORDS_R25_OD)
_TAKEN_BACK_TURN = re.compile(r"^" + _I_SAID + r"(?:" + _ALL_TAKEN_BACK_WORDS + r"|(?:\S+ ){0,12}?" + _ALL_TAKEN_BACK_WORDS
                              + r")")
# what the take-back must also say for a harmless cause (tantrum, dentist, crying, pills found): the danger is denied
_DANGER_DENIED = re.compile(r"\b(?:fine|ok|okay|normal|well|calmed down|none (?:are |is )?missing|nothing (?:is )?missing|"
                            # round 21: woke when shaken after a deep sleep; a bitten tongue's bleeding stopped
                            r"woke(?: up)?|(?:has |it has |it )?stopped(?: now| already)?|"
                            # round 24: blueberries with her "breathing normally"; a tantrum's held breath, "then breathed again"
                            r"normally|(?:breathed|breathing|took a (?:big )?breath|gasped and breathed) again|"
                            r"all there|every (?:one|tablet|pill) is there|no one is hurt|nobody is hurt|no one s (?:hurt|injured)|shouted|screaming at me)\b")
_HARMLESS_CAUSE = re.compile(r"\b(?:tantrum|meltdown|strop|sulking|took (?:her|his) (?:phone|ipad|tablet|console|xbox|laptop)|"
                             r"eyelids|eyes|found|counted|filling|dental work|tooth out|root canal|anaesthetic|anesthetic|"
                             r"numbing|ribs|press|deep sleep|heavy sleep|sound sleep|bit|bitten|blueberr\w*)\b(?! on (?:one|a|the same) "
                             r"spot)")
_NOT_TAKEN_BACK = re.compile(r"\b(?:again|(?<!can i )(?<!could i )(?<!should i )(?<!will i )still|not (?:a|an) (?:drill|joke|game|play|quiz|scenario)|no joke|not (?:joking|"
                             r"kidding)|(?:this|it) is real|for real|(?:actually|really) happening|missing|gone|"
                             # round 19: back or worse after a visit or a date ("the GP saw me this afternoon but it
                             # has come back much worse")
                             r"(?:come|came|coming) back|getting worse|much worse|worse now|"
                             # round 21: a sign after the all-clear ("said it's fine but now he's drooling"), iron
                             r"but now|but (?:he|she|they|i) (?:is|are|am|has|have|keeps?) now|iron|"
                             # round 29: ten or more eaten, or how many not known ("panic over, only the vitamin c
                             # gummies, but he ate 10")
                             r"(?:ate|eaten|swallowed|had|took|chewed) (?:about |around |like |maybe |over )?[1-9]\d+(?! (?:am|pm|mg|"
                             r"ml|years?|months?|weeks?|days?|hours?|minutes?|mins?|seconds?)\b)|(?:do not|not sure|no idea) (?:know )?"
                             r"how many)\b(?! (?:missing|gone))")


# Round 14: an event on a named past day with its outcome told ("collapsed and was not breathing on Sunday, the
# paramedics came, he is fine now, they fitted a pacemaker"; "the worst headache of my life on Friday, the CT and the
# lumbar puncture were clear"): history, unless anything says it is back, still there or happening now.
_PAST_DAY = re.compile(r"\b(?:last night|yesterday|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
                       # round 24: "a cardiac arrest a few weeks ago ... he's home now"
                       r"(?:\d+|a|one|two|three|four|five|six|a few|few|several|couple of) (?:weeks?|months?) ago|"
                       r"(?:at|over) the weekend|last weekend|"
                       # round 25: "last tuesday", "ten days ago", "last week"
                       r"last (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week)|(?:\d+|a|one|two|three|four|"
                       r"five|six|seven|eight|nine|ten|eleven|twelve|a few|few|several|couple of) days ago)\b")
# Round 35: longer ago ("last year I found my dad unconscious" / "it was a hypo, the paramedics gave him glucose and he was
# fine"; "in 2018 I lost a lot of blood ... physically I'm fine now"), settled only by an outcome of _OUTCOME_R35 (a stent
# or a pacemaker fitted years ago is not the outcome of what is told now: "he had a stent in 2019, he's grey and clammy").
_PAST_LONG = re.compile(r"\b(?:last (?:month|year)|(?:\d+|a|one|two|three|four|five|six|a few|few|several|couple of) years "
                        r"ago|(?:back )?in (?:19|20)\d\d|back in " + _MONTH + r")\b")
# Round 35: "the paramedics gave him glucose and he was fine", "the ambulance sorted him out", a discharge letter's
# "(resolved)", "I feel completely fine" (not "she was fine last night", before what is told)
_OUTCOME_R35_WORDS = (
    r"and (?:he|she|i|they) (?:was|were) (?:fine|ok|okay|well|better|back to normal)\b(?! (?:last|yesterday|this|earlier|"
    r"before|until|till|at first|apart from|except|but|when|for (?:a|an) (?:bit|while|hour|minute)))|sorted (?:him|her|me|"
    r"them) out|\( ?resolved ?\)|(?:i|he|she|they) (?:feel|feels) (?:completely|totally|absolutely|perfectly) (?:fine|well|"
    r"ok|okay|normal)\b(?! (?:apart from|except|but))|(?:i|he|she|they) (?:feel|feels) back to normal")
_OUTCOME = re.compile(
    r"\b(?:(?:he|she|i|they) (?:is|am|are) (?:(?:fine|ok|okay|well|home|back home|doing (?:well|fine|ok)) now|home and "
    r"(?:fine|well|ok))|(?:was|were|got) discharged|sent (?:me |him |her |them )?home|(?:fitted|had|got|given|put in) (?:him |"
    r"her |me )?(?:with )?(?:a |an )?(?:pacemaker|icd|defibrillator|stent)|(?:pacemaker|icd|defibrillator|stent)s? "
    r"(?:fitted|put in)|(?:scan|ct|mri|lumbar puncture|tests?|bloods)(?: \S+){0,4} (?:were|was|came back) (?:all )?"
    r"(?:clear|normal|fine)|"
    # round 25: kept in for two nights, cauterised at A&E, "she's been fine for 4 days", "he's been well since"
    r"kept (?:him|her|me|them|us) in (?:for )?(?:\d+|one|two|three|four|a couple of|a few) nights?|cauteri[sz]ed|"
    r"(?:he|she|i|they|we) (?:has|have|is|am|are) been (?:fine|well|ok|okay|good|great|perfect)(?: ever)? (?:since|for (?:\d+|"
    r"a few|few|two|three|four|five|six|seven|several) (?:days|weeks)|all week)|(?:fine|well) (?:ever )?since|"
    # round 32: the check's verdict ("ECG and bloods normal, a pulled muscle", "said it was a panic attack"), hours of
    # watching ("the hospital watched me for 6 hours")
    r"(?:ecg|ekg|bloods?|blood tests?|troponins?|x ?rays?)(?: and (?:an? |the )?(?:\S+ ){0,2}?(?:ecg|ekg|bloods?|blood tests?|"
    r"troponins?|x ?rays?))?(?: ,)? (?:were |was |all |came back |both )*(?:normal|clear|fine)|"
    # (the lead's review of round 32: the verdict of someone who checked, not a sister's "says it's just a pulled muscle")
    r"\b(?:er|a ?& ?e|a and e|ae|hospital|doctors?|gp|nurses?|paramedics?|consultant|cardiologist|they|medics?)\b(?: \S+){0,6}? "
    r"(?:said|told (?:me|him|her|us)|diagnosed|confirmed)(?: (?:it was|that it was|it s|its))? (?:just |only )?(?:a |an )?(?:panic attack|"
    r"anxiety attack|pulled muscle|muscle strain|strained muscle|muscular|costochondritis)|(?:watched|observed|monitored|"
    r"kept) (?:me|him|her|them|us) (?:in )?(?:for )?(?:\d+|a few|few|several|two|three|four|five|six|eight) hours|"
    # round 36: a fishbone or a bite coughed out ("it came out when I coughed", "coughed it up after a minute")
    r"(?:came|come|it came) (?:out|up) when (?:i|he|she|they) cough\w*|coughed (?:it|them|the \S+) (?:out|up)|"
    + _OUTCOME_R35_WORDS + r")\b")
_OUTCOME_R35 = re.compile(r"\b(?:" + _OUTCOME_R35_WORDS + r"|(?:he|she|i|they) (?:is|am|are) (?:fine|ok|okay|well) now)\b")
_BACK_NOW = re.compile(r"\b(?:again|still|right now|just now|back now|it is back|its back|happening)\b|"
                       # round 25: "been fine since, but the crushing pain is back"
                       r"\b(?:is|are) back\b(?! (?:home|at (?:home|work|school)|to (?:normal|work|school|himself|herself|"
                       r"themselves|myself)))|\b(?:has|have) (?:come|started) back\b|\breturned\b")
_BUT_NOW = re.compile(r"\b(?:but|and) now\b|\bnow (?:he|she|they|i|it) (?:is|are|am|has|have)\b(?! (?:fine|well|ok|okay|"
                      r"home|better|back to normal)\b)")


# The lead's review of round 33: "my daughter stopped breathing and went stiff" / "that was when she was 2. she's 4 now and
# it's happening right now": a time of now told anywhere after the match keeps it out of the dated history.
_NOW_TOLD = re.compile(r"\b(?:right now|just now|as we speak|(?:is|are|it is|its|it s) happening (?:now|again)|(?:doing|done) "
                       r"it (?:again|now))\b")


# Round 26 (the lead's review): a faint or a collapse "just" now, told after a past stay ("I was in hospital a few weeks
# ago, I'm home now, but I've just fainted and my chest is crushing"): the symptom is now, not part of the history.
_JUST_NOW = re.compile(r"\b(?:i|he|she|they|we|mum|mom|dad|(?:i|he|she|they|we) (?:have|has|is|am|are)) just (?:fainted|"
                       r"collapsed|passed out|blacked out|keeled over)\b")


# The lead's review of round 31: "I had a stroke in 2019, and right now my dad can't speak and his arm is weak": a time of
# now told after the history's date in the same sentence makes the symptom after it current.
_NOW_AFTER_PAST = re.compile(r"\b(?:right now|just now|at the moment|currently|as we speak|suddenly|all of a sudden|this "
                             r"(?:morning|afternoon|evening)|tonight|(?:\d+|a few|few|ten|twenty|thirty|half an|an) (?:minutes?|"
                             r"hours?) ago)\b")


# Round 27: "I was in A&E last month with anaphylaxis, I've just eaten something with prawns and my throat is closing up":
# a symptom told after "just" eating, being stung or taking something is now, not part of the history before it.
_JUST_EXPOSED = re.compile(r"\b(?:i|he|she|they|we)(?: have| has| had)? just (?:eaten|ate|had|been stung|got stung|taken|took)\b")
# Round 27: a baby's age told now ("he is 10 weeks now") is not a long duration of the symptom.
_AGE_NOW = re.compile(r"\b(?:he|she|baby|son|daughter|they) (?:is|are) (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|"
                      r"eleven|twelve) (?:weeks?|wks?|days?|months?)(?: old)? now\b|"  # (lead's review of round 32: months)
                      # round 33: a pregnancy's weeks now ("I'm 33 weeks now and leaking fluid") is not a long duration
                      r"\b(?:i am|im|i m|she is|she s|we are) (?:(?:[1-3]\d|4[0-2]) (?:weeks?|wks?)(?: pregnant)? now|now (?:[1-3]\d|"
                      r"4[0-2]) (?:weeks?|wks?))\b")


# Round 32: asking how to stop it happening again is not "again" now.
_PREVENT_AGAIN = re.compile(r"\b(?:stop|prevent|avoid|stopping|preventing|avoiding) (?:it|this|that|them|one|an attack|attacks) "
                            r"(?:from )?(?:happening|coming back|returning|recurring) again\b|\bso (?:that )?(?:it|this) "
                            r"(?:does not|will not|never) (?:happen|come back) again\b")


# Round 32: "she had jaundice when she was 2 weeks old, she is 5 weeks now and has a fever of 38.4": a baby's age now told
# after the past makes what follows it current.
_BABY_AGE_NOW = re.compile(r"\b(?:he|she|baby|son|daughter|they) (?:is|are) (?:now )?(?:\d+|one|two|three|four|five|six|seven|"
                           r"eight|nine|ten|eleven|twelve) (?:weeks?|wks?|days?|months?)(?: old)? now\b")


def _settled_history(text: _Text, start: int) -> bool:
    """Whether the match at `start` is an event of a named past day whose outcome comes after it (round 14)."""
    outcome = _OUTCOME.search(text.text, start) if _PAST_DAY.search(text.text) else None
    if outcome is None and _PAST_LONG.search(text.text):
        outcome = _OUTCOME_R35.search(text.text, start)  # round 35
    # (round 25: and no danger told after the outcome, "kept him in two nights, but now he's gone blue")
    return bool(outcome and not _BACK_NOW.search(_PREVENT_AGAIN.sub(" ", text.text))
                and not _BUT_NOW.search(text.text, outcome.start())
                and not _JUST_NOW.search(text.text, outcome.start())
                and not any(not _negated(text, d.start()) for d in _STILL_DANGER.finditer(text.text, outcome.end())))


# Round 24: a danger told after a take-back keeps the match ("it's red paint mostly but he banged his head and keeps
# being sick", "one of her usual ones, but it has lasted 8 minutes and she's not coming round", "blueberry puree but
# she's wheezing"), unless a negation stands before it ("no vomiting"). "then breathed again" after a breath-holding
# tantrum is not the "again" of a danger back.
_STILL_DANGER = re.compile(
    r"\b(?:wheez\w*|(?:cannot|can not|could not|struggling to|struggles to) (?:breathe|breath|catch (?:his|her|my|their) "
    r"breath|swallow)|gasping|(?:will not|would not|cannot|can not|could not) (?:wake|be woken)|(?:is|are|has gone|have "
    r"gone|gone|turning|going) (?:really |very |quite |so |all |completely |totally )?(?:blue|grey|gray)|not breathing "
    r"(?:now|at all)|vomit\w*|being sick|drowsy|confused|"
    r"droop\w*|slurr\w*|(?:cannot|can not|could not) (?:lift|move) (?:my|his|her|their)|(?:has not|have not|not|never) "
    r"(?:come|came|coming) (?:round|to)|(?:lasted|lasting|gone on|going on|been going)(?: for)? (?:over |more than |about "
    r"|nearly |almost )?(?:[5-9]|[1-9]\d|five|six|seven|eight|nine|ten|fifteen|twenty) min\w*|still (?:fitting|jerking|"
    r"shaking|seizing|not breathing)|(?:actually|really|did) (?:take|took|taken|swallow\w*))\b")
_BREATHED_AGAIN = re.compile(r"\b(?:then|and|and then) (?:\S+ ){0,2}?(?:breathed|started breathing|took a breath|breathing) "
                             r"again\b")


def _taken_back(rule: Rule, text: _Text, start: int) -> bool:
    """Whether a later clause takes the match at `start` back (round 14), with nothing after it saying it is real now."""
    if rule.category == "self_harm" and rule.evidence.startswith("asks"):
        taken_back = _TAKEN_BACK_QUESTION  # round 21: a question about a lethal amount, asked by a student
    elif rule.always:
        taken_back = _TAKEN_BACK
    elif rule.category == "self_harm":
        taken_back = _TAKEN_BACK_SELF_HARM  # round 21: what I wrote in my diary years ago
    else:
        taken_back = _TAKEN_BACK_R18 if rule.category == "overdose_poisoning" else _TAKEN_BACK_ANY
    for found in taken_back.finditer(text.text, start + 1):
        # (round 36: "I mean in my screenplay" takes back only what was told of others, never the writer's own words)
        if _IN_MY_SCRIPT.search(found.group(0)) and _TOLD_OF_WRITER.search(text.text[:found.start()].replace("i mean", " ")):
            continue
        after = text.text[found.start():]
        if _HARMLESS_CAUSE.search(found.group(0)) and not _DANGER_DENIED.search(after):
            continue
        if _NOT_TAKEN_BACK.search(_BREATHED_AGAIN.sub(" ", after.replace("none missing", "").replace("nothing missing", ""))):
            return False
        if any(not _negated(text, danger.start()) for danger in _STILL_DANGER.finditer(text.text, found.start())):
            return False
        if rule.red_flags is not None and any(not _negated(text, f.start())
                                              for f in rule.red_flags.finditer(text.text, found.start())):
            return False
        return True
    return False


_IN_MY_SCRIPT = re.compile(r"\bi (?:mean|meant) (?:in|for) (?:my|our) (?:\S+ )?(?:screenplay|screen play|film script|script|"
                           r"stage play|play|novel|short story)\b")
# Round 36: a known migraine aura of many years, the usual one, over as always ("it was her usual migraine with aura of 20
# years, the neurologist knows, back to normal in 40 minutes as always"); an aura unlike the usual, a first one, one not
# over, a weak or heavy limb, a fall or the worst headache keeps the stroke signs an emergency.
_KNOWN_AURA_SETTLED = re.compile(
    r"^(?=[\s\S]*\b(?:her|his|my|their|the) (?:usual|normal|typical|regular|known|same old) (?:migraine|aura)s?\b)(?=[\s\S]*"
    r"\b(?:back to normal|resolved|gone|passed|settled|fine again|cleared|went away)\b)(?=[\s\S]*\b(?:as (?:always|usual|"
    r"ever|it always does)|like (?:always|every time|it always does)|same as (?:always|usual|ever|every time)|for (?:\d+|many|"
    r"over \d+|twenty|ten|fifteen) years|(?:\d+|many|twenty|ten|fifteen) years)\b)(?![\s\S]*\b(?:different|unlike|never (?:had|"
    r"been)|first (?:time|ever|one)|not (?:gone|going|back|better|resolved|settl\w*|passed|normal)|has not|still|arms?|legs?|"
    r"hand|weak\w*|heavy|fell|fall|collaps\w*|worst|right now|now|again|today|tonight|thunderclap|vomit\w*|confus\w*|"
    r"drowsy)\b)")
# Round 14: "anaphylaxis from prawns in 2019 and I think it's happening again now, my throat is tight": the date is the
# first time's; what the sentence tells now is not history.
_BACK_RIGHT_NOW = re.compile(r"\b(?:(?:it is|its) back (?:right )?now|(?:it is|its) back\b.{0,30}\bworse|right now "
                             r"(?:there is|i have|i am|my|the|it))\b")
_AGAIN_NOW = re.compile(r"\b(?:happening again|(?:it is|its) (?:happening )?again|again (?:now|right now|tonight|today))\b|"
                        # round 28: "tried to end my life three years ago ... and tonight I feel that way again"
                        r"\b(?:feel|feeling|i am feeling) (?:that way|like that|the same(?: way)?|like this) again\b|"
                        r"\b(?:thinking about|thinking of|thoughts of|thoughts about) (?:it|that|doing it|suicide|ending (?:it|"
                        r"my life)) again\b|"
                        # round 20: a pain that did not settle when one sat down or rested, or is still there; a
                        # complication of an operation last week or a few days ago ("when I was walking the dog ... did
                        # not stop when I sat down", "fast breathing after surgery last week")
                        r"\b(?:did not|has not|have not) (?:\w+ ){0,2}(?:stop\w*|eas\w*|settl\w*|go|gone|go away)\b(?: \S+){0,3} "
                        r"(?:when|since|after|now|while) (?:i|he|she|we|they)(?: am| is| have| has)? (?:sat|sit|sitting|"
                        r"rest\w*|stopped)\b|\b(?:it is|its) still there\b|\b(?:after|since) (?:my |his |her |the |an? )?"
                        r"(?:surgery|operation|op)\b (?:last week|(?:\d|two|three|four|five|six|a few) days ago)")
# The lead's review of round 28: after a suicide attempt told as history, another attempt planned or the old state back
# ("I tried to end my life 3 years ago and I'm going to try again this weekend", "not well again and I don't see a way
# out") keeps a self-harm match an emergency now.
_SELF_HARM_BACK = re.compile(
    r"\b(?:(?:going|gonna|plan\w*|want\w*|about|ready|decided|thinking of|thinking about) to (?:try|attempt|do it|do that)"
    r"(?: it)? again|(?:try|trying|attempt\w*) (?:it )?again (?:this|tonight|tomorrow|soon|on|at|when|after|before)|"
    + _SELF_HARM_STATE_BACK + r")\b")
_RECURRING_NOW = re.compile(r"\b(?:again|tonight|plan\w*|goodbye\w*|(?:wants?|going|trying|threaten\w*) to (?:do it|end|"
                            r"kill|take))\b")
_PRESENT = re.compile(r"\b(?:now|right now|today|tonight|this morning|currently|at the moment|just now|again|suddenly|"
                      r"all of a sudden|started|minutes? ago|hours? ago|an hour|still)\b")  # (lead's review of round 31: "all of")
_CHRONIC = re.compile(
    r"\bfor (?:the )?(?:past |last )?(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many|"
    r"couple of) (?:weeks?|months?|years?)\b|\b(?:weeks?|months?|years?) now\b|\bsince (?:last )?(?:month|year)\b|"
    r"\bon and off\b|\bcomes and goes\b|\bfor a long time\b|\bfor (?:years|months)\b|\ball my life\b|\bchronic\b|"
    r"\boccasionally\b|\bsometimes\b|\bquite often\b|\blately\b|\brecurr\w*\b|\bevery (?:day|night|morning)\b|"
    r"\bfrom (?:a few|the last|last) (?:months?|years?)\b|\bfor a while\b")
_LONG_DURATION = re.compile(
    r"\bfor (?:the )?(?:past |last )?(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many|"
    r"couple of) (?:weeks?|months?|years?)\b|\b(?:weeks?|months?|years?) now\b|\bsince (?:last )?(?:month|year)\b|"
    r"\bfor (?:a long time|years|months|weeks)\b|\ball my life\b|\bchronic\b")
_RECENT_ONSET = re.compile(
    r"\bsince (?:this (?:morning|afternoon|evening)|last night|(?:an|one|\d+|two|three) hours?|lunch|breakfast|"
    r"dinner)\b|\bfor (?:the )?(?:last |past )?(?:\d+|a few|few|several|two|three|four|five|six) hours\b|\b(?:\d+|a "
    r"few|few|several|two|three) hours? ago\b|\b(?:today|tonight|this (?:morning|afternoon|evening))\b")
_RESOLVED = re.compile(
    r"\b(?:er|a&e|a & e|hospital|doctor|doctors|cardiologist|urgent care|they|ecg|ekg|echo|tests?|results?|scan|"
    r"bloods)\b.{0,40}\b(?:said|told|found|showed|came back|were|was|are)\b.{0,30}\b(?:fine|normal|reflux|nothing|"
    r"anxiety|muscle|muscular|clear|ok|okay|negative|perfect health)\b|\bturned out\b|\bwas cleared\b|"
    r"\bgot cleared\b|"
    # (the lead's review of round 32: a relative's or a friend's guess is no check: "my sister says it's just a pulled
    # muscle" beside a constant pain and spotting at 31 weeks)
    r"^(?![\s\S]*\b(?:sister|brother|mum|mom|mother|dad|father|husband|wife|partner|boyfriend|girlfriend|friend|mate|"
    r"flatmate|nan|gran|colleague|boss|coach|trainer|instructor) (?:says|said|thinks|thought|reckons|reckoned)\b)"
    r"[\s\S]*\bpulled (?:a )?muscle\b|"
    r"\b(?:doctor|er|hospital|they|cardiologist) (?:told me|said|says) (?:it is|it was|that it)\b")


# The lead's review of round 27: a check told of an earlier episode does not settle this one ("my baby is 4 weeks old
# and has a fever, last time tests were all clear"; "my 6 week old has a fever of 38.2 again, they said it was fine last
# time").
_CHECKED_LAST_TIME = re.compile(r"\b(?:last time|the time before|the last (?:one|episode|time)|previous (?:time|one|"
                                r"episode)|at birth|at (?:his|her|the) (?:newborn|birth|\d+ (?:day|week)) check)\b")


class _Text:
    """One normalized text with its sentence boundaries found once (every match asks for its sentence)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        self._resolved: bool | None = None
        self._personal: bool | None = None

    def sentence(self, position: int) -> tuple[int, str]:
        index = bisect.bisect_right(self.starts, position) - 1
        start = self.starts[index]
        end_match = _SENTENCE_END.search(self.text, position)
        return start, self.text[start : end_match.start() if end_match else len(self.text)]

    @property
    def personal(self) -> bool:
        if self._personal is None:
            self._personal = bool(_PERSONAL.search(_NOT_PERSONAL.sub(" ", self.text)))
        return self._personal

    @property
    def resolved(self) -> bool:
        if self._resolved is None:
            self._resolved = bool(_RESOLVED.search(self.text))
        return self._resolved


def _clause(sentence: str, position: int) -> tuple[int, str]:
    start = 0
    for found in _CLAUSE_BREAK.finditer(sentence, 0, position):
        start = found.end()
    end = _CLAUSE_BREAK.search(sentence, position)
    return start, sentence[start : end.start() if end else len(sentence)]


def _why_not(rule: Rule, text: _Text, start: int) -> str | None:
    """Why the match starting at `start` does not make an emergency now, or None when it does."""
    s0, sentence = text.sentence(start)
    c0, clause = _clause(sentence, start - s0)
    if _NEGATION_BEFORE.search(sentence, c0, start - s0):
        return "negated"
    if (rule.unless is not None and rule.unless.search(text.text if rule.unless_scope == "text" else sentence)
            and not _red_flag(rule, text)):
        return "benign reading"
    if rule.unless_text is not None and rule.unless_text.search(text.text) and not _red_flag(rule, text):
        return "benign reading"  # round 26
    if rule.unless_guarded is not None and rule.unless_guarded.search(text.text):
        return "benign reading"  # round 27: its own guard, not the rule's red flags
    if _framed(text, start, fiction=rule.category != "self_harm") and not _REAL_NOW.search(text.text):
        return "a drill, scenario or role-play"
    if rule.category != "self_harm" and _bot_tested(text, start):
        return "a drill, scenario or role-play"  # round 33
    if _taken_back(rule, text, start):
        return "taken back"
    if rule.category == "stroke" and _KNOWN_AURA_SETTLED.search(text.text):
        return "past history"  # round 36
    if not rule.always and _settled_history(text, start):
        return "past history"
    if rule.always:
        return None
    if _HYPOTHETICAL.search(sentence, 0, start - s0) and not _ASKING_FOR_ME_NOW.search(text.text):
        return "hypothetical"
    # (the lead's review of round 34: never of self-harm or an overdose, "if i ever took all my pills would it hurt?")
    if (rule.category not in ("self_harm", "overdose_poisoning")
            and _HYPOTHETICAL_EVER.search(sentence, 0, start - s0) and not _PRESENT.search(sentence)
            and not _NOW_TOLD.search(text.text) and not _REAL_NOW.search(text.text) and not _red_flag(rule, text)):
        return "hypothetical"  # round 34
    if ((_EDUCATION.search(text.text) or (rule.kind == "explicit" and _DEFINITION.search(sentence)))
            and not _PRESENT.search(sentence)
            and not _PERSONAL.search(_NOT_PERSONAL.sub(" ", sentence))):
        return "education"
    if (rule.category != "self_harm" and (_EDUCATION.search(text.text) or _EDUCATION_R25.search(text.text)
                                          or (rule.kind == "explicit" and _DEFINITION.search(sentence)))
            and not _PRESENT.search(sentence)
            and not _PERSONAL.search(_NOT_PERSONAL_R25.sub(" ", _NOT_PERSONAL.sub(" ", sentence)))):
        return "education"  # round 25
    if (rule.category == "self_harm" and _OTHERS_SAY_AT_WORK.search(text.text) and _REFER_HOW_TO.search(text.text)
            and not _CALLER_NOW.search(text.text) and not _REAL_NOW.search(text.text)):
        return "education"  # round 35: what callers say, and how to refer them
    if (rule.category != "self_harm" and _QUOTED_LIST.search(text.text) and _LIST_COMPLETE_QUESTION.search(text.text)
            and not _HAS_THESE_NOW.search(text.text) and not _NOW_TOLD.search(text.text)
            and not _REAL_NOW.search(text.text)):
        return "education"  # round 35: a quoted warning list, is it complete?
    if (_LESSON_R35.search(text.text) and not _NOW_TOLD.search(text.text) and not _REAL_NOW.search(text.text)
            and not _HAPPENED_JUST_NOW.search(text.text)
            and not _red_flag(rule, text)):
        unframed = _AGE_STATED.sub(" ", _LESSON_R35.sub(" ", sentence))
        if not _PRESENT.search(unframed) and not _PERSONAL.search(_NOT_PERSONAL.sub(" ", unframed)):
            return "education"  # round 35
    if _QUESTION_START.search(sentence) and not text.personal:
        return "general question"  # a question, and nothing in the message is about someone now
    # (the lead's review of round 28: a past attempt with another one planned, or the old state back, is not history)
    back = rule.category == "self_harm" and _SELF_HARM_BACK.search(text.text)
    # (the lead's review of round 32: "nearly drowned!!" / "that was 2 summers ago. but he was in the pool again just now
    # and coughing": one of the rule's own red flags with a time of now after the match is not history)
    back = back or bool(rule.red_flags is not None and _NOW_AFTER_PAST.search(text.text, start) and _red_flag(rule, text))
    if _PAST.search(clause) and not _PRESENT.search(clause) and not _AGAIN_NOW.search(sentence) and not back:
        return "past history"
    if (_PAST_AFTER.search(sentence, start - s0) and not _PRESENT.search(clause)
            and not _RECURRING_NOW.search(sentence) and not back
            and not _NOW_TOLD.search(text.text, start)):  # the lead's review of round 33
        return "past history"
    if rule.kind == "symptom":
        past = _PAST.search(sentence)
        if (past and not _PRESENT.search(clause) and not _AGAIN_NOW.search(sentence)
                and not _JUST_NOW.search(sentence, past.end())  # round 26
                and not _JUST_EXPOSED.search(sentence, past.end())  # round 27
                and not _NOW_AFTER_PAST.search(sentence, past.end())  # the lead's review of round 31
                and not _BABY_AGE_NOW.search(sentence, past.end())):  # round 32
            return "past history"
        # (round 9: a recent onset in the match's own clause wins over a long duration told elsewhere in the sentence,
        # "on apixaban for years and this evening my right arm and leg lost their strength")
        unaged = _AGE_NOW.sub(" ", sentence)  # round 27
        if (_CHRONIC.search(unaged) and not re.search(r"\b(?:suddenly|worse|right now|now)\b", clause)
                and not _RECENT_ONSET.search(clause)
                and (_LONG_DURATION.search(unaged) or not _RECENT_ONSET.search(sentence))):
            return "long-standing"
        # round 15: "the tests were normal but it is back right now" is not already checked
        if (text.resolved and not _AGAIN_NOW.search(text.text) and not _BACK_RIGHT_NOW.search(text.text)
                and not _CHECKED_LAST_TIME.search(text.text)):  # (the lead's review of round 27)
            return "already checked"
    return None


# Round 21: a drill or a rehearsal named as the business of a long message ("the volunteer rota for the fire drill",
# "the choir rehearsal") frames what comes after it only until the message turns to something else ("also", "anyway",
# "btw", "oh and", "p.s."): "... Anyway sorry, I ate a sweet with pistachio in it and my throat is tight" is told now.
_NEW_TOPIC = re.compile(r"(?:^|[.!?;,:\n] ?)(?:also|anyway|anyways|btw|by the way|oh and|and also|p ?\.? ?s|separately|"
                        r"on another note|unrelated|forgot to (?:say|mention))\b")


# A film, a book or a story frames only what is told of others: "I was writing my novel when my face went droopy and I
# can't lift my arm" is the writer's own stroke, told now (the writer, "my" or "we" between the frame and the match).
_TOLD_OF_WRITER = re.compile(r"\b(?:i|my|me|myself|we|our|us)\b")
_FRAME_TAIL = re.compile(r",? ?(?:that |which )?(?:i|we) (?:watched|saw|read|was reading|am reading|was watching|were "
                         r"watching|am writing|was writing|am streaming|am playing)\b")  # "in a film I watched"


def _frame_end(text: str, found: re.Match) -> int:
    tail = _FRAME_TAIL.match(text, found.end())
    return tail.end() if tail else found.end()


def _fiction_frames(text: str) -> list[re.Match]:
    """The film, book or story frames of `text` whose own sentence goes on about others, not the writer."""
    out = []
    for found in _FICTION.finditer(text):
        end = min((i for i in (text.find(mark, found.end()) for mark in ".!?\n") if i != -1), default=len(text))
        if not _TOLD_OF_WRITER.search(text, _frame_end(text, found), end):
            out.append(found)
    return out


def _framed(text: _Text, start: int, fiction: bool = False) -> bool:
    """Whether a drill, scenario or role-play named in the text frames the match at `start`: one named after it, or one
    before it with no turn to another topic in between (round 22: a film, a book or a story too, with `fiction`, when
    nothing between it and the match is told of the writer)."""
    drills = [found for found in _FRAMED.finditer(text.text)
              if found.start() >= start or not _NEW_TOPIC.search(text.text, found.end(), start)]
    stories = [found for found in (_FICTION.finditer(text.text) if fiction else ())
               if (found.start() >= start and not _TOLD_OF_WRITER.search(text.text, start, found.start()))
               or (found.start() < start and not _NEW_TOPIC.search(text.text, found.end(), start)
                   and not _TOLD_OF_WRITER.search(text.text, _frame_end(text.text, found), start))]
    return bool(drills or stories)


_BOT_TESTED = re.compile(_BOT_TEST)


def _bot_tested(text: _Text, start: int) -> bool:
    """Whether the writer says after the match at `start` that they were trying out the chatbot ("my son isn't breathing"
    / "sorry, wrong wording, I'm testing the chatbot for a school first aid lesson"), with no plea, ambulance or "this is
    real" in the text and no danger told after it (round 33)."""
    if _REAL_NOW.search(text.text):
        return False
    for found in _BOT_TESTED.finditer(text.text, start + 1):
        return not any(not _negated(text, d.start()) for d in _STILL_DANGER.finditer(text.text, found.start()))
    return False


def _negated(text: _Text, position: int) -> bool:
    """Whether a negation stands just before `position` in its own clause ("no vomiting", "was not knocked out")."""
    s0, sentence = text.sentence(position)
    c0, _ = _clause(sentence, position - s0)
    return bool(_NEGATION_BEFORE.search(sentence, c0, position - s0))


def _red_flag(rule: Rule, text: _Text) -> bool:
    """Whether one of the rule's red flags occurs in the turn without a negation before it ("no breathlessness")."""
    if rule.red_flags is None:
        return False
    return any(not _negated(text, found.start()) for found in rule.red_flags.finditer(text.text))


def _near_unnegated(near: re.Pattern[str], text: _Text, lo: int, hi: int) -> bool:
    """Whether `near` occurs between lo and hi at least once without a negation before it."""
    return any(not _negated(text, found.start()) for found in near.finditer(text.text, lo, hi))


class _Prefilter:
    """Which rules of a rule list may match a text: one Aho-Corasick pass (pyahocorasick) finds every required literal
    in the text, then only the rules needing a literal that is there run, in their order. Asking rule by rule looked
    for the same words again and again (about 2,700 substring searches a text for 1,839 distinct literals): 61 of the
    86 s that `find_emergencies` took in a profiled triage build (benchmarks/RESULTS.md, "CI time")."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        import ahocorasick

        self.rules = rules
        by_literal: dict[str, list[int]] = {}
        self.unconditional = frozenset(i for i, rule in enumerate(rules) if rule.literals is None)
        for i, rule in enumerate(rules):
            for literal in rule.literals or ():
                by_literal.setdefault(literal, []).append(i)
        self.automaton = ahocorasick.Automaton() if by_literal else None
        for literal, indices in by_literal.items():
            self.automaton.add_word(literal, tuple(indices))
        if self.automaton is not None:
            self.automaton.make_automaton()

    def candidates(self, normalized: str) -> list[Rule]:
        hits = set(self.unconditional)
        for _, indices in self.automaton.iter(normalized) if self.automaton is not None else ():
            hits.update(indices)
        return [self.rules[i] for i in sorted(hits)]


_DEFAULT_PREFILTER: list[_Prefilter] = []  # built on first use, for RULES


def _prefilter(rules: tuple[Rule, ...]) -> _Prefilter:
    """RULES' prefilter is built once; another rule list (a test's) gets its own, kept by nobody."""
    if rules is not RULES:
        return _Prefilter(rules)
    if not _DEFAULT_PREFILTER:
        _DEFAULT_PREFILTER.append(_Prefilter(RULES))
    return _DEFAULT_PREFILTER[0]


def find_emergencies(normalized: str, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    """Every rule that fires on the normalized text, with its suppression reason (None = it counts)."""
    text = _Text(normalized)
    findings: list[Finding] = []
    for rule in _prefilter(rules).candidates(normalized):
        suppressed: Finding | None = None
        for match in rule.pattern.finditer(normalized):
            if rule.near is not None:
                lo, hi = max(0, match.start() - rule.window), match.end() + rule.window
                if not (_near_unnegated(rule.near, text, lo, hi) if rule.near_negation
                        else rule.near.search(normalized, lo, hi)):
                    continue
            why = _why_not(rule, text, match.start())
            finding = Finding(rule.category, rule.evidence, match.group(0).strip(), why, rule.sign)
            if why is None:
                findings.append(finding)
                suppressed = None
                break
            suppressed = suppressed or finding
        if suppressed is not None:
            findings.append(suppressed)
    return findings


# Round 10: a turn that finishes the sentence of the turn before ("I want to die" / "of embarrassment lol") or corrects
# it ("my chest hurts" / "oh it's only the skin, sunburn") is read as part of that turn, as if written in one message:
# the rules' benign readings and their red flags then see both halves. It only ever adds words to a sentence.
_CONTINUATION = re.compile(
    r"^(?:(?:oh|ah|sorry|no|wait|lol|haha\w*|ok|okay|well|um|erm|lmao)\b ?,? ?)*(?:of|from|out of|because of|i mean|i "
    r"meant|(?:it is|its|that is|thats) (?:only|just|actually) (?:the|my)|(?:only|just) (?:the|my)|jk|just kidding|"
    # round 21: "I'm drowning" / "in paperwork"; "can't breathe" / "through my nose, just a cold"
    # round 36: "my heart stopped" / "when my daughter walked down the aisle"; "I'm suffocating" / "at this job"; "my
    # whole family is out cold" / "after Christmas dinner" (the rules decide: a danger sign still wins)
    r"when (?:my|our|his|her|their|the) (?:\S+ ){0,3}?(?:walked|walking|came|said|saying|told|announced|sang|read|"
    r"proposed|asked|won|scored|crossed|took|gave|stood|appeared|opened|smiled|looked)|(?:at|in) (?:(?:this|my|the|that|our) "
    r"(?:\S+ )?)?(?:job|work|office|workplace|company|firm)|(?:after|post) (?:\S+ ){0,2}?(?:dinner|lunch|roast|meal|feast|buffet|"
    r"barbecue|bbq|takeaway)|"
    r"in (?:paperwork|admin|e ?mails?|work|debt|bills|homework|coursework|marking|laundry|deadlines)|(?:through|thru) (?:my|his|her|"
    r"the) nose|"
    # round 28: "i just got electrocuted!" / "by the electricity bill, 400 for the quarter"
    r"by (?:the|my|our|this|that|his|her|their) (?:\S+ ){0,3}?(?:bills?|invoice|quote|prices?|statement|tariff)|"
    # round 33: "pretty sure I've overdosed" / "on caffeine from coffee" (the rules decide: tablets or chest pain still win)
    r"on (?:\S+ ){0,2}?(?:coffee|coffees|caffeine|espresso\w*|lattes?|tea|energy drinks?)|"
    # round 35: "help I'm choking" / "on the price of a concert ticket" (the rule decides: a danger sign still wins)
    r"on (?:the |that |this )?"
    r"(?:price|prices|cost|costs|bill|size of the bill) of|"
    # round 32: "im going to end it all" / "with my phone contract i mean haha"
    + _CONTRACTS + r")\b|"
    # the lead's review of round 28: "my son swallowed something!" / "it was a button battery from the remote": a turn
    # that names the poison of the turn before
    r"^(?:(?:oh|sorry|no|wait|ok|okay|well|um|erm|yes)\b ?,? ?)*(?:i think |i reckon |pretty sure |looks like )?(?:it was|it "
    r"is|its|it s|they were|they are) (?=(?:\S+ ){0,3}?" + _POISONS + ")")


# Round 11: a turn that takes the one before back ("my casualty has collapsed" / "it's the scenario card for my
# assessment"; "I had crushing chest pain" / "that was back in May"; "I'm going to jump off a bridge" / "at the bungee
# place on Saturday haha"; "I'm bleeding out here" / "financially I mean") is read with it too, as a clause of its last
# sentence, so that the date or the frame it names is read where the first turn's words are. Whether it sets them aside
# is the rules' decision (_FRAMED, _PAST_AFTER, a rule's benign readings), and red flags told now still win.
_TAKEBACK = re.compile(
    r"^(?:(?:oh|ah|sorry|no|wait|lol|haha\w*|ok|okay|well|um|erm|lmao|relax|calm down|do not worry|dont worry|jk|just "
    r"kidding|kidding)\b ?,? ?)*(?:"
    r"(?:(?:it is|its|it was|that is|thats|that was|this is|this was|they are|these are|all|just|only|from|for|on|in|"
    r"part of|out of)\b ?)+(?:\S+ ){0,5}?(?:" + _FRAME_WORDS + r"|casualty|exercise|training|practice|assessment)\b|"
    r"(?:(?:that|this|it|which|all (?:that|this)) (?:was|happened|were) (?:all )?)?(?:back )?(?:in (?:19|20)\d\d|in "
    + _MONTH + r"|(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|several|many|some) (?:years?|months?|"
    r"decades?) ago|years ago|ages ago|a long time ago|when (?:i|he|she|they) (?:was|were)|as a (?:kid|child|teen\w*)|"
    # round 33: "that was at 2, a febrile convulsion" (an age; the rules decide whether it dates the turn before)
    r"at (?:the )?age(?: of)? (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)|aged \d+|at (?:[1-9]|1[0-7]|one|two|"
    r"three|four|five|six|seven|eight|nine|ten)(?= ,| (?:months?|years?|yrs?)\b)|"
    # round 30: "I had anaphylaxis from a wasp sting" / "two summers ago, sorry, should have said"
    r"(?:\d+|a|one|two|three|four|five|a few|few|several|couple of) (?:summers?|winters?|springs?|autumns?) ago|last "
    r"(?:year|summer|winter|spring|autumn))\b|"
    r"(?:i mean )?(?:financially|emotionally|figuratively|metaphorically|socially|not literally)\b|"
    r"(?:at|on|in) the (?:\S+ ){0,2}(?:bungee|zip ?wire|zip ?line|coasteer\w*|abseil\w*|paraglid\w*|parachut\w*|"
    r"skydiv\w*|escape room|game|film|movie|play|show|book|place|centre|center|park|club|venue|range|pool|wall)\b)")
# Round 14: a short alarming first turn ("I'm going to murder him") explained by a joke in the next ("he ate the last
# slice of cake haha") is read with it, so that the rules' own joking readings see both; their red flags still win.
_JOKE_TURN = re.compile(r"\b(?:lol|lmao|haha\w*|hehe\w*)\b|😂|🤣")
# Round 28: a turn that tells the turn before again, properly ("my dad took two warfarin tablets by mistake!" / "let me
# say properly: his normal 3 mg twice, 6 mg, an hour ago, he is fine"), is read with it, so that the rules' benign
# readings and their red flags see the whole account.
_RESTATED_TURN = re.compile(r"^(?:(?:sorry|ok|okay|wait|no|um|erm|right|so)\b ?,? ?)*(?:let me (?:say|put|explain|tell "
                            r"you|write) (?:it |this |that )?(?:properly|clearly|again|better|in full|more clearly|"
                            r"exactly)|to be (?:clear|precise|exact)|to clarify|(?:i should|i will|i will) (?:say|explain) "
                            r"(?:it |this )?properly|properly|more precisely|(?:his|her|my|their) (?:normal|usual|regular) "
                            r"(?:dose )?(?:is|was|of)\b)")
# Round 29: a turn that explains the turn before ("my husband won't wake up!" / "never mind, he was on a night shift and
# is grumbling at me"; "my toddler got into the medicine cupboard!" / "panic over: only the vitamin C gummies, he ate 3";
# "my mum can't move her right side" / "I should explain, she had a stroke in 2020") or tells the doses of the one before
# ("I think I've taken too much paracetamol" / "I took 2 at 2pm and 2 more at 5pm") is read with it, so that the rules'
# benign readings see it; their red flags and anything dangerous told in it still win.
_EXPLAINED_TURN = re.compile(
    r"^(?:(?:oh|ah|ahh|sorry|ok|okay|no|wait|um|erm|right|so|phew)\b ?[,:]? ?)*(?:never ?mind|nevermind|nvm|panic over|"
    r"false alarm|(?:i )?should (?:have )?explain\w*|let me explain|(?:it is|its) (?:just|only)|(?<=ah )sorry|(?<=oh )sorry)\b|"
    r"^(?:(?:ok|okay|so|well|sorry|um|erm|right)\b ?,? ?)*(?:i |he |she )?(?:took |had |have had |have taken |has had |has "
    r"taken )?(?:1|2|one|two) (?:tablets? |pills? |paracetamol |of them )?(?:at|around|about) (?:\d|lunch|breakfast|noon|"
    r"midday|dinner)")
_SENTENCE_CLOSE = re.compile(r" [.!] ?$")
# Round 31: a turn that calls the one before a figure of speech ("relax its a figure of speech, how do people stay awake
# in long meetings?") is read with it, so the self-harm rules' reading of a joke and their red flags see both.
_FIGURE_OF_SPEECH_TURN = re.compile(r"\b(?:figure of speech|(?:just|only) an expression|just a saying|turn of phrase|"
                                    r"manner of speaking|(?:did not|do not) mean (?:it |that )?literally|not literally)\b")
# Round 30: a turn that tells what poison control (or 111) said or that they were called ("my daughter licked a dishwasher
# tablet" / "we called poison control an hour ago" / "they said a lick was fine, rinse her mouth"), read with the turn
# before when either names poison control, so that the poison rules' reading of poison control's word sees it; vomiting,
# drooling, burning, breathing trouble or drowsiness told with it still win.
_POISON_LINE = re.compile(r"\bpoisons? (?:control|centre|center|line|helpline|information)\b|\b(?:nhs )?111\b")
_CONSULTED_TURN = re.compile(
    r"^(?:(?:ok|okay|so|well|um|erm|right|update|and)\b ?[,:]? ?)*(?:(?:we|i|my \w+|mum|dad|my (?:wife|husband|partner)) "
    r"(?:have |has |had |already )?(?:called|rang|rung|phoned|spoke to|spoken to|contacted|checked with|got through to)|"
    r"(?:they|she|he|the (?:nurse|pharmacist|lady|man|woman)|poisons? (?:control|centre|center|line)) (?:said|say|says|told)"
    r")\b")
# Round 30: "Can't breathe!!!" / "through my nose, I mean": the run of marks before a nose continuation does not end the
# sentence, so that the breathing rule's benign reading sees the nose.
_NOSE_CONTINUATION = re.compile(r"^(?:(?:oh|ah|sorry|no|wait|lol|haha\w*|ok|okay|well|um|erm|lmao)\b ?,? ?)*(?:through|thru) "
                                r"(?:my|his|her|the) nose\b")
_MARKS_CLOSE = re.compile(r"(?: [.!?])+ ?$")
# Round 32: a turn that places the one before in a play being rehearsed or a training film ("she's collapsed and isn't
# breathing" / "in our school play I mean") is read with it, so that the frame (_STAGED) is seen.
_STAGED_TURN = re.compile(r"^" + _I_SAID + _STAGED)
# Round 33: a turn that tells a petty offence in its first words ("I'm going to kill him" / "my flatmate ate my leftovers
# AGAIN") is read with a short turn before it, so that the rule's reading of a petty threat (_PETTY_THREAT) sees both.
_PETTY_TURN = re.compile(r"^(?:\S+ ){0,6}?" + _PETTY_OFFENCE)
# Round 33: a turn that tells the limb was slept or lain on ("my arm has gone numb" / "I slept on it funny") is read with it,
# so that the numb-limb rule's reading of sleep and its red flags see both.
_SLEPT_ON_TURN = re.compile(r"^" + _I_SAID + r"(?:i |he |she |they )?(?:must have |probably |think i |just )?(?:slept|was sleeping|"
                            r"been sleeping|fell asleep|woke up|woke|was lying|been lying|lay|lain|sat) (?:\S+ ){0,3}?on (?:it|them|"
                            r"my arm|his arm|her arm|my leg|my hand)\b")
# Round 33: a turn that names a ferment or a plant as what the turn before was about ("she's not breathing" / "my kombucha
# I mean") is read with it (_OBJECT_NOT_BREATHING decides).
_OBJECT_TURN = re.compile(r"^" + _I_SAID + _BREATHING_OBJECTS + r"(?: (?:i mean|lol|haha\w*)| ,| [.!])")
# Round 33: a turn that says the one before was written to try out the chatbot ("my son isn't breathing" / "sorry, wrong
# wording, I'm testing the chatbot for a school first aid lesson") is read with it, so that the frame (_BOT_TEST) is seen.
_BOT_TEST_TURN = re.compile(r"^" + _I_SAID + r"(?:(?:bad|wrong|poor|badly|clumsy|clumsily) (?:wording|worded|phrasing|phrased)"
                            r" ?,? ?|not real ?,? ?|(?:i am|im|i was|we are|just|only) )*(?:just |only )?" + _BOT_TEST)
# Round 32: a turn that narrows the symptom of the one before ("a sharp pain low on one side" / "only on sudden moves,
# a second, no bleeding") is read with it.
_NARROWED_TURN = re.compile(r"^" + _I_SAID + r"(?:it is |its |it s |it was )?(?:only|just) (?:when|on|if|with|for a|for (?:a )?"
                            r"(?:second|moment|few seconds)|(?:one|1|a single) extra)\b")
# Round 32: a turn that tells the check after the turn before ("last week I couldn't get air" / "the ER checked everything,
# a panic attack"; "my chest was killing me yesterday" / "went to A&E, ECG and bloods normal") or whose deed it was
# ("he took a whole bottle of pills" / "that's what my grandad did in the 70s") is read with it, when the turn before is
# of a past day: the rules' past-history readings and their red flags then see both.
_CHECKED_TURN = re.compile(
    r"^" + _I_SAID + r"(?:(?:i|we|he|she|they) )?(?:went|got taken|was taken|were taken|was rushed|rushed|drove) (?:in )?"
    r"(?:to )?(?:the )?(?:er|a & e|a&e|ae|a and e|hospital|urgent care|emergency department)\b|"
    r"^" + _I_SAID + r"(?:the )?(?:er|a & e|a&e|ae|a and e|hospital|ambulance|paramedics|doctors?|gp|urgent care|emergency "
    r"department)\b(?: \S+){0,5}? (?:checked|ran|did|said|told|found|examined|watched|kept|observed|took|came|sent|"
    r"discharged)\b|^" + _I_SAID + r"(?:that|this) (?:is|was) (?:what (?:happened to )?)?(?:my|his|her|our)\b")
_PAST_DAY_TURN = re.compile(r"\b(?:yesterday|last (?:night|week|weekend|month)|this morning|earlier today|on (?:monday|"
                            r"tuesday|wednesday|thursday|friday|saturday|sunday)|(?:\d+|a|one|two|three|a few|few|couple of) "
                            r"(?:days|weeks) ago|(?:at|over|after) (?:lunch|lunchtime|breakfast) today|did|took|swallowed|used|"
                            r"had to)\b")

# Round 36: a turn that dates the one before to a year or to years ago after a few words ("my sats dropped to 82" / "that
# was with covid on the ward in 2021, now 97-98"), or that names its ordinary cause: a child sleepwalking ("found her on
# the landing staring" / "she was sleepwalking, 8, back to bed"), stairs or a run that settled ("can't catch my breath" /
# "ran up four floors, fine after a couple of minutes"). It is read with the turn before; the rules decide.
_DATED_TURN = re.compile(r"^" + _I_SAID + r"(?:that|this|it|which|all (?:that|this)) (?:was|happened|were) (?:\S+ ){1,8}?"
                         r"(?:in (?:19|20)\d\d|(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|several|"
                         r"many) years ago)\b")
_SPEECH_TURN = re.compile(r"^" + _I_SAID + r"(?:(?:that is|thats|it is|its|this is) (?:how|the way) (?:i|we) (?:begin|"
                          r"start|open)|(?:it is |its |that is |thats )?(?:the )?(?:first|opening) line of)\b")
_CAUSE_TURN = re.compile(r"^" + _I_SAID + r"(?:(?:it was|that was|its|it is|it s) (?:just |only )?(?:her|his|my|their) "
                         r"(?:usual|normal|typical|regular|known) (?:migraine|aura|hemiplegic migraine)|(?:he|she|they|i) (?:was|were) (?:just |only |actually )?sleep ?walk\w*|(?:it "
                         r"was |that was |only |just )?(?:after |from )?(?:i )?(?:climb\w*|ran|running|walk\w* up|rush\w*|"
                         r"sprint\w*|jog\w*|carry\w*|cycl\w*)\b(?=.*\b(?:fine|ok|okay|better|settled|normal|recovered)\b))")
# Round 34: a turn that names the course or the study the turn before was asked for ("what's the lethal dose of caffeine"
# / "I'm a pharmacology student, toxicology week, the number for my notes"), that goes on to an ordinary how-to question
# after a short turn ("that exam was brutal, I want to die" / "anyway, how should I revise for my resits?"), or that puts
# a short turn down to drink ("my husband is slurring his words!" / "just back from a club dinner after six pints") is
# read with it, so that the rules' readings and their red flags see both. Whether it sets anything aside is the rules'
# decision (the lethal-dose rule's study reading, the trivial-despair and suffocating idioms, the slurring rule's drink).
_STUDY_TURN = re.compile(r"^" + _I_SAID + r"(?:(?:i am|i was|it is|its|it s|this is|that is|just|only|asking) )?(?:(?:i am|we "
                         r"are|i was) (?:studying|revising|doing|taking|learning) (?:\S+ )?(?:pharmacology|pharmacy|"
                         r"toxicology|nursing|medicine|chemistry|biology|biochemistry|forensics?|paramedic science)\b|(?:(?:a|an|"
                         r"for|as|on|from) )?(?:(?:a|an|my|our|the) )?(?:\S+ ){0,2}?(?:students?|course|module|coursework|"
                         r"assignment|essay|dissertation|thesis|revision|exam|exams|lecture|lecturer|seminar|tutorial|"
                         r"class|notes)\b)")
_HOW_TO_TURN = re.compile(r"^(?:(?:anyway\w*|so|but|ok|okay|right|well|and|also|on a serious note|seriously though)\b ?,? ?)*"
                          r"(?:how (?:do|can|should|would|could) (?:i|we|you)|how to|any (?:tips|advice|ideas)|what (?:is|are) "
                          r"the best ways? to|is there a (?:good |better |best )?way to)\b")
_NEWS_TURN = re.compile(r"^" + _I_SAID + _NEWS)
_DRINK_TURN = re.compile(r"\b(?:pints?|beers?|lagers?|ciders?|wine|prosecco|vodka|whisky|whiskey|gin|rum|tequila|shots|drunk|"
                         r"tipsy|hammered|wasted|sloshed|pissed|stag (?:do|party)|hen (?:do|party)|pub crawl|club dinner|"
                         r"(?:been|was|is|were) drinking|had a (?:few|skinful)|a few drinks|(?:too much|lots|loads) to drink)\b")


def reading_units(normalized_turns: Sequence[str]) -> list[tuple[str, str]]:
    """The normalized user turns as the patterns and the classifier read them, each with its label ("turn 2", or
    "turns 1-2" where a turn continues or corrects the one before it and is joined to it, one sentence). Empty turns
    are left out."""
    units: list[tuple[int, int, str]] = []
    for index, turn in enumerate(normalized_turns):
        turn = turn.strip()
        if not turn:
            continue
        if units and _CONTINUATION.search(turn):
            first, _, before = units[-1]
            if _NOSE_CONTINUATION.search(turn):  # round 30
                before = _MARKS_CLOSE.sub("", before)
            units[-1] = (first, index, before + " " + turn)  # a full stop before it still ends a sentence
        elif units and (_TAKEBACK.search(turn) or _TAKEN_BACK_TURN.search(turn) or _RESTATED_TURN.search(turn)
                        or _EXPLAINED_TURN.search(turn)  # round 29
                        or (_CONSULTED_TURN.search(turn)  # round 30
                            and bool(_POISON_LINE.search(turn) or _POISON_LINE.search(units[-1][2])))
                        or (_JOKE_TURN.search(turn) and not _REAL_NOW.search(turn) and len(units[-1][2].split()) <= 8)
                        or (_FIGURE_OF_SPEECH_TURN.search(turn) and not _REAL_NOW.search(turn))  # round 31
                        or _STAGED_TURN.search(turn) or _NARROWED_TURN.search(turn)  # round 32
                        or (_CHECKED_TURN.search(turn) and bool(_PAST_DAY_TURN.search(units[-1][2])))
                        or (_BOT_TEST_TURN.search(turn) and not _REAL_NOW.search(turn))  # round 33
                        or (_PETTY_TURN.search(turn) and len(units[-1][2].split()) <= 8)
                        or (_OBJECT_TURN.search(turn) and not _REAL_NOW.search(turn))
                        or _SLEPT_ON_TURN.search(turn)
                        # round 36
                        or ((_DATED_TURN.search(turn) or _CAUSE_TURN.search(turn) or _SPEECH_TURN.search(turn))
                            and not _REAL_NOW.search(turn))
                        # round 34
                        or (_STUDY_TURN.search(turn) and not _REAL_NOW.search(turn))
                        or (_HOW_TO_TURN.search(turn) and not _REAL_NOW.search(turn) and len(units[-1][2].split()) <= 12)
                        or (_DRINK_TURN.search(turn) and not _REAL_NOW.search(turn) and len(units[-1][2].split()) <= 8)
                        or (_NEWS_TURN.search(turn) and not _REAL_NOW.search(turn) and len(units[-1][2].split()) <= 8)
                        # round 35: the outcome of a dated turn ("last year I found my dad unconscious" / "it was a
                        # hypo, the paramedics gave him glucose and he was fine"): _settled_history reads them together
                        or (((_OUTCOME.search(turn) and _PAST_DAY.search(units[-1][2]))
                             or (_OUTCOME_R35.search(turn) and _PAST_LONG.search(units[-1][2])))
                            and not _BACK_NOW.search(turn) and not _NOW_TOLD.search(turn))):
            first, _, before = units[-1]
            # (round 32: a run of marks, "nearly drowned!!", is closed like one mark)
            units[-1] = (first, index, _MARKS_CLOSE.sub("", before) + " , " + turn)
        else:
            units.append((index, index, turn))
    return [(f"turn {a + 1}" if a == b else f"turns {a + 1}-{b + 1}", text) for a, b, text in units]


# ------------------------------------------------------------------- context for the classifier
# The classifier reads word meanings, not context: "my mother had a stroke years ago", "a bit out of breath on
# the stairs" and "dying of laughter" sit close to emergencies in embedding space. These flags give it the same
# context the rules use to set a mention aside, as extra inputs beside the embedding, so that the head learns (on
# dev) how much each one lowers the score. They only ever weigh on the classifier: a rule that fires still decides.
# No flag says "a question": hand-written emergencies are mostly statements, so the head would learn that any
# question is safe; only a question about no one in particular (general_question) counts.
_MINIMIZED = re.compile(r"\b(?:a bit|a little|little bit|slight\w*|mild\w*|minor|tiny|pea sized|small amount|not (?:too|"
                        r"that|very|so) (?:bad|severe|serious))\b")
_SETTLED = re.compile(r"\b(?:stopped|went away|gone now|has gone|settled|better now|fine now|is fine|seems fine|feel fine|"
                      r"playing again|back to normal|sorted (?:it|itself)|cleared up|resolved|eased|goes away|went down)\b")
_FIGURATIVE = re.compile(r"\b(?:lol|haha|lmao|dying (?:of|to|for)|laugh\w*|dead (?:tired|on my feet)|killing me|kill me "
                         r"(?:if|when)|drowning in|blew up with|had a fit|breast ?stroke|back ?stroke|stroke of (?:luck|"
                         r"genius)|gave me a heart attack|my heart (?:sank|skipped|stopped when)|took my breath away|"
                         r"die of (?:embarrassment|shame|boredom)|literally dying|"
                         # round 11: a sense named after the words ("i'm bleeding out here" / "financially i mean")
                         r"(?:i mean )?(?:financially|emotionally|figuratively|metaphorically)(?: i mean| speaking)?|not "
                         r"literally)\b")
_MEDICATION_QUESTION = re.compile(r"\b(?:dose|doses|dosage|how (?:much|many|often|long)|can i (?:take|give|use|stop|have)|"
                                  r"should i (?:take|give|stop)|is it (?:safe|ok|okay)|taper\w*|prescribed|side effects?|"
                                  r"interact\w*|mg)\b")
CONTEXT_FEATURES = ("minimized", "settled", "past", "long_standing", "figurative", "hypothetical",
                    "medication_question", "general_question")


def context_features(normalized: str) -> list[float]:
    """One 0/1 value per CONTEXT_FEATURES name for a normalized text: what makes an emergency word not an
    emergency now (minimizing words, a symptom that settled, past history, a long-standing symptom, an idiom, a
    hypothetical or a drill named as such, a question about medicines, a question about no one in particular)."""
    text = _Text(normalized)
    return [
        float(bool(_MINIMIZED.search(normalized))),
        float(bool(_SETTLED.search(normalized))),
        float(bool(_PAST.search(normalized) or _PAST_AFTER.search(normalized))),  # round 11: a later date
        float(bool(_CHRONIC.search(normalized))
              and bool(_LONG_DURATION.search(normalized) or not _RECENT_ONSET.search(normalized))),
        float(bool(_FIGURATIVE.search(normalized))),
        # round 11: a drill, scenario card or role-play named as what the words are counts as a hypothetical
        float(bool(_HYPOTHETICAL.search(normalized)
                   or ((_FRAMED.search(normalized) or _fiction_frames(normalized))  # round 22: a film or a story
                       and not _REAL_NOW.search(normalized)))),
        float(bool(_MEDICATION_QUESTION.search(normalized))),
        float(bool(_QUESTION_START.search(normalized)) and not text.personal),
    ]
