"""What else in a post speaks for a closed deal, or against one, beyond the clause the
rules read it from.

The rules find a win word and a name beside it; text nobody foresaw passes that test
too: "the poll is closed: tacos won", "our competitor won the DWP contract", "we signed
with Gong for call recording". So a sure reading needs more than the clause: something
that backs it (an amount, what was sold, a cheer, a CRM stage) unless the name is
unmistakably a customer's, and nothing in the message that says it is someone else's
win, the team buying, a hire, a prize or a digest. And wins worded in ways the rules do
not read ("got Bunnings over the line", "the LOA came in", "Pitch WON") are still signs
worth asking the poster about. Pure and linear in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabularies import Language, fold

# What was sold: a deal said in the words around it.
SOLD = re.compile(
    r"\b(?:deal|contract|agreement|order|po|purchase order|subscription|licen[cs]es?|"
    r"renewal|expansion|upsell|cross-sell|retainer|sow|msa|seats?|plan|tender|grant|"
    r"work order|loa|letter of award|placement|arr|acv|mrr|tcv|tier|package|edition|"
    r"rollout|roll-out|framework|term|multi-?year|(?:sole |preferred )?supplier|new matter|"
    r"matter opened|engagement letter|letter of appointment|gift agreement|"
    r"(?<![\d,.])\d[\d,.]{0,12}\s?(?:grand|lakhs?|crores?)|"
    r"(?<!\d)\d{1,3}[- ]?(?:year|yr|month|mo)s?)\b",
    re.I,
)
# A cheer: how people announce a win.
CHEER = re.compile(
    r":(?:tada|bell|trophy|champagne|moneybag|money_with_wings|moneybag|dollar|rocket|fire|"
    r"muscle|raised_hands|partying_face|confetti_ball|clap|handshake|star-struck|boom|"
    r"100|medal|first_place_medal|sports_medal|gong|fireworks|sparkles|heavy_dollar_sign|"
    r"dancer|man_dancing|celebrate|party[\w-]*|crown|gem|star2?)[\w-]*:|"
    r"[🎉🔔🏆🍾💰🚀🔥💪🙌🥳🎊👏🤝💸💵🥇✨✅]|:white_check_mark:|!{2,}|"
    r"\b(?:woo+hoo+|yay+|boom|huge|thrilled|delighted|pleased to (?:share|announce|inform)|"
    r"happy to (?:share|announce|inform)|excited to|great news|good news|cracking|"
    r"let'?s go+|get in|kudos|congrats|congratulations|well done|nice one|finally|"
    r"it'?s official|officially)\b",
    re.I,
)


def _words_for(*alternatives: str) -> re.Pattern[str]:
    """One pattern for many ways of saying a thing, each a whole word or phrase."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.I)


# Someone else's win, the team buying, a hire, a prize, a digest: not a sale of ours.
ELSEWHERE = _words_for(
    r"competitors? (?:just |has |have )?(?:won|signed|closed|landed|got)",
    r"competitor news",
    r"(?:to|with) (?:a |the |our )?competitor",
    r"(?:to|with) the competition",
    r"rivals?",
    r"another firm",
    r"went with (?:a |another |the )?(?:competitor|someone else)",
    r"their (?:series [a-e]|funding|round|ipo)",
    r"series [a-e]",
    r"raised (?:a|an|another|their|\$)",
    r"funding round",
    r"closed (?:a|an|their|its) [^.;!?]{0,20}round",
    r"closed their",
    r"(?:we|i) (?:bought|purchased|subscribed) (?:up )?(?:with|from|to)",
    r"renewal of our|procurement signed",
    r"heard (?:that )?[\w.&-]+ (?:just )?(?:signed|won|closed|landed)",
    r"rumou?red",
    r"everyone (?:gets|keeps|has)",
    r"please use",
    r"start using",
    r"switch(?:ing|ed)? (?:over )?to",
    r"for (?:call recording|internal use)",
    r"licen[cs]es? for (?:the|our) team",
    r"our new (?:vendor|tool|provider|supplier)",
    r"(?:our|a|the|new) vendor(?!-)",
    r"out of [\w'’ ]{0,20}budget",
    r"(?:the|our) new [\w ]{0,20}office",
    r"for our (?:own )?(?:[\w-]+ ){0,3}(?:dinner|party|offsite|off-site|anniversary|"
    r"kick-?off|conference|reception|christmas|meetup|meet-up|away ?day)",
    r"for our (?:own )?(?:[\w-]+ ){0,3}(?:event|launch|team|staff|clients?)",
    r"(?:on )?the company card",
    r"organi[sz]ers?|exhibitors?",
    r"lease on (?:the|our)|moving in|move-in|our (?:new )?office",
    r"office lease|lease for (?:the|our) (?:new )?(?:office|premises)",
    r"(?:as|to be) our (?:new )?(?:crm|erp|system of record)",
    r"bye(?:[ -]bye)?,? (?:excel|spreadsheets)|no more spreadsheets",
    r"(?:placed |put )?(?:our |an |the |a )?(?:[\w-]+ )?order (?:is )?(?:placed |in |confirmed )?"
    r"with (?!us\b)",
    r"placed our order|ordered [^.;!?]{0,40}\bfrom\b|our order",
    r"vendor (?:portal|onboarding|registration|set-?up|form)",
    r"closed our (?:[\w-]+ )?(?:round|seed|series|funding|raise|extension)|led by",
    r"accepted (?:the|our) offer",
    r"our new (?:vp|head|director|cfo|cto|coo|ceo|chief)",
    r"(?:booth|stand|ballroom|band|marquee) (?:is )?booked|booked (?:the |a |our )?[\w ]{0,20}"
    r"(?:booth|stand|ballroom|band)",
    r"renewed our|our (?:[\w-]+ ){0,2}licen[cs]es|our subscription",
    r"our new (?:[\w-]+ )?(?:designer|engineer|developer|hire|manager|intern|colleague|"
    r"teammate|recruit|ae|sdr|bdr|se|csm)",
    r"joins (?:on|next|the team)|starts on|first day",
    r"employee share|share option|esop|employment (?:contract|agreement)",
    r"(?:price|pricing|discount|deal[- ]desk|internal) approvals?",
    r"signed (?:off )?by (?:management|finance|legal|the cfo|our)",
    r"free\b[^.;!?]{0,20}\b(?:pilot|trial|poc)",
    r"new hire",
    r"offer letter",
    r"offers? signed",
    r"starts (?:on )?(?:monday|tuesday|wednesday|thursday|friday|next)",
    r"joins us",
    r"joining us",
    r"(?:new|an|our new|hired an?|welcome our new) (?:SDR|BDR|AE|SE)",
    r"spiffs?",
    r"reseller agreement|partner agreement|new partner",
    r"payment received|instal+ment|invoice paid",
    r"awarded a place on|place on the [\w ]{0,30}framework",
    r"customers'? choice|peer insights|magic quadrant|finalist",
    r"quiz|league|tournament|sweepstake|raffle|hackathon|lottery|fantasy|step challenge",
    r"5-a-side",
    r"award for",
    r"best workplace",
    r"(?<![:\w])(?:pencil|medal|accolade)s?(?!:)",
    r"of the (?:month|quarter|year)",
    r"leaderboard",
    r"win rate",
    r"0 won",
)
# A booking system or CRM moving a deal to its won stage: "Event moved to Definite".
STAGE_MOVED = re.compile(
    r"\b(?:changed|moved|set) to \W*(?:definite|confirmed|won|closed[ -]won)\b", re.I
)
# A meeting booker's post: "New meeting booked: Shopee x PayRail intro".
MEETING_BOOKED = re.compile(
    r"(?::[a-z0-9_+'-]+:|\W)*(?:new )?meetings? (?:booked|scheduled)\b", re.I
)
# A sale, but perhaps not ours alone or not done yet: a person settles it.
UNSETTLED = re.compile(
    r"\b(?:(?-i:partners?)(?:'s)?|(?:we|i) signed with|draft|don'?t post|not yet|"
    r"no (?:order|po|signature) yet|"
    r"waiting (?:on|for)|awaiting|pending|fingers crossed)\b|"
    r":(?:roll_eyes|face_with_rolling_eyes|upside_down_face|unamused|eyes):|/s\b",
    re.I,
)

# Ways to say the business was won that the rules do not read surely, worth asking
# about when something backs them: plain ones beside anything that does, ones that also
# mean prizes or purchases beside an amount or what was sold, and everyday words only
# beside an amount ("harlow & co done — £9.5k").
SAYS_A_WIN = _words_for(
    r"signed|signs?(?![-\s](?:off|up|in|out)\b)|sigend|siged|signd|countersigned",
    r"inked|closed|clsoed|clinched|nailed|sealed|awarded|executed",
    r"(?-i:CW)|signde|singed",
    r"new(?:est)? logo",
    r"(?:contract )?award notice|notice of award|letter of award",
    r"over the line|across the line|said yes|green light|go-ahead",
    r"make the deal|done deal|done and dusted|in the bag",
    r"one the (?:deal|contract|tender|bid|account)",  # dictated "won"
    r"went through|came through",
    r"converted (?:in)?to (?:a )?(?:po|order|contract|paid|customer)",
    r"(?:cut|issued|sent|raised|released|placed)\b[^.;!?]{0,20}\b(?:po|purchase order)",
    r"(?:chose|chosen|picked|selected|appointed|went with|hired) us",
    r"(?:is|are|became|become|becomes) (?:now )?(?:a |our )?(?:new(?:est)? )?(?:client|customer)s?",
    r"new (?:subscription|customer|client|logo)",
    r"subscription (?:created|started|activated)",
    r"all (?:signers|parties|recipients) (?:have )?(?:signed|completed)",
    r"(?:got|received|recieved|have|in hand|came in|issued)\b[^.;!?]{0,30}\b(?:po|loa|order|"
    r"contract|deal|business|grant|signature|mandate|letter of award|award letter|award)",
    r"(?:po|loa|order|purchase order|work order|placement|grant|award letter|letter of award)"
    r"\s+(?:is\s+|was\s+|has been\s+)?(?:in|received|recieved|confirmed|approved|placed|arrived)",
    r"(?:deal|contract|renewal|order) (?:is )?(?:done|official|through)",
    # in plain words: how trades, firms and venues say it
    r"(?:gone|going|went) with us|go ahead with us|(?:given|got) (?:us )?the (?:nod|go-ahead)",
    r"said go|greenlit|green-lit|commissioned us|instructed us|engaged us|retained (?:by|us)",
    r"appointed us|letter of appointment|appointment letter|engagement letter",
    r"accepted (?:our|the) (?:quote|proposal|offer|estimate|tender|bid|fee)",
    r"(?:agreement|contract|letter|paperwork|forms?) (?:is |are |has |have )?(?:come |came )?back",
    r"returned the [\w ]{0,25}(?:agreement|contract)",
    r"new matter|matter opened|placement (?:made|confirmed)",
    r"(?:status |event )?(?:changed|moved|set) to \W*(?:definite|confirmed|booked)",
    r"deposit (?:is |has been |was )?(?:paid|in|received|cleared|landed)",
    r"(?:lpo|po|purchase order) (?:is |was )?(?:in|received|arrived)",
    r"came back with (?:the |a |their |our )?(?:po|purchase order|order|contract|signature|yes)",
    r"(?:job|contract|deal|tender|bid|work|account|business)(?:'s| is) ours|it'?s ours",
    r"paid (?:the|a|their) deposit",
    r"sales order (?:\S+ )?(?:approved|created|confirmed)",
)
SAYS_A_WIN_OR_PRIZE = re.compile(
    r"\b(?:won|wins?|secured|bagged|landed|renewed|bought|purchased|locked(?: in)?|funded|"
    r"completed|(?:upsell|expansion|cross-sell|add-on) (?:at|with|for|from)|"
    r"(?:gave|given|giving) us|with us|want us (?:for|as|to)|having us|asked us to|"
    r"we(?:'re| are) doing (?:their|the)|booked for|have taken|took)\b",
    re.I,
)
SAYS_IT_IS_DONE = re.compile(
    r"\b(?:done|confirmed|booked|placed|accepted|committed|extended|upgraded|expanded|ordered|"
    r"sign(?:ed)? up|siged up|signed off|fixed|we(?:'ve| have) got|we got the|"
    r"(?:we|they)(?:'re| are) (?:in|on|on board|onboard)|(?:are|is) in(?=\s*(?:[!.,:;]|$)))\b",
    re.I,
)

# A cheer and a price, with nothing else said: how some teams post a win.
CHEERED_PRICE = re.compile(
    r":(?:bell|trophy|tada|champagne|moneybag|money_with_wings|partying_face|confetti_ball|"
    r"gong|white_check_mark):|[🔔🏆🎉🍾💰🥳🎊✅]"
)


@dataclass(frozen=True)
class Signs:
    """What a post's words say beside the win the rules read in it."""

    backing: frozenset[str]  # "amount", "sold", "cheer", "stage"
    elsewhere: str | None  # what says the win is not a sale of ours, if anything
    unsettled: str | None  # what leaves it to a person, if anything

    @property
    def backed(self) -> bool:
        return bool(self.backing)


def weigh(text: str, priced: bool, staged: bool, language: Language | None = None) -> Signs:
    """The signs in `text` (plain words, markup read) for and against a sale of ours; a
    post in another language is weighed in its own words as well as English's."""
    folded = fold(text) if language else ""
    backing = {
        kind
        for kind, present in (
            ("amount", priced),
            ("stage", staged or STAGE_MOVED.search(text) is not None),
            ("sold", SOLD.search(text) is not None or _said(language, "sold", folded)),
            ("cheer", CHEER.search(text) is not None or _said(language, "cheer", folded)),
        )
        if present
    }
    against = (
        ELSEWHERE.search(text)
        or MEETING_BOOKED.match(text)
        or (language.elsewhere.search(folded) if language else None)
    )
    unsettled = UNSETTLED.search(text) or (language.unsettled.search(folded) if language else None)
    why_unsettled = unsettled.group().lower() if unsettled else None
    if why_unsettled is None and shouted(text):
        why_unsettled = "shouted: no case tells a name from the rest"
    return Signs(frozenset(backing), against.group().lower() if against else None, why_unsettled)


def _said(language: Language | None, kind: str, folded: str) -> bool:
    """Whether the language's words of `kind` ("sold", "cheer") are in the folded text."""
    if language is None:
        return False
    pattern: re.Pattern[str] = getattr(language, kind)
    return pattern.search(folded) is not None


def shouted(text: str) -> bool:
    letters = [c for c in re.sub(r":[a-z0-9_+'-]+:", " ", text) if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def sounds_like_a_win(clause: str, signs: Signs) -> bool:
    """Whether `clause` says a win in words the rules do not read, backed enough."""
    if SAYS_A_WIN.search(clause):
        return signs.backed
    if SAYS_A_WIN_OR_PRIZE.search(clause):
        return bool(signs.backing & {"amount", "sold", "stage"})
    return "amount" in signs.backing and SAYS_IT_IS_DONE.search(clause) is not None
