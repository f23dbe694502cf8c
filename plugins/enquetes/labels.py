"""How the survey's codes read on pages (French after translation)."""
from flask_babel import lazy_gettext as _l

SCORE_LABELS = {1: _l("Very dissatisfied"), 2: _l("Dissatisfied"), 3: _l("Fairly satisfied"), 4: _l("Satisfied"),
                5: _l("Very satisfied")}
# Faces beside the words: a picture for who reads less easily, hidden from screen readers.
SCORE_FACES = {1: "😠", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
RESOLVED_LABELS = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No"), "": _l("not said")}
# Inside a sentence (the history, the service's alert): « Problem solved: partly ».
RESOLVED_WORDS = {"yes": _l("yes"), "partly": _l("partly"), "no": _l("no"), "": _l("not said")}
BAD_ACTION_LABELS = {"none": _l("Nothing"), "alert": _l("Alert the service by e-mail"),
                     "reopen": _l("Reopen the request")}
STATUS_LABELS = {"pending": _l("to send"), "sent": _l("sent, no answer yet"), "answered": _l("answered"),
                 "skipped": _l("not sent")}
ANSWER_CHANNEL_LABELS = {"web": _l("Online (e-mail link)"), "paper": _l("Paper"), "phone": _l("Phone")}
AGE_BAND_LABELS = {"-25": _l("under 25"), "25-39": _l("25 to 39"), "40-59": _l("40 to 59"), "60-74": _l("60 to 74"),
                   "75+": _l("75 and over"), "": _l("age not known")}
SURVEY_CHANNEL_LABELS = {"email": _l("E-mail"), "sms": _l("SMS (to a mobile number, else by e-mail)"),
                         "portal": _l("Citizen portal (for an account, else by e-mail)")}
SURVEY_CHANNEL_SHORT_LABELS = {"email": _l("by e-mail"), "sms": _l("by SMS"), "portal": _l("on the portal")}
# Why a closing survey went by e-mail rather than the setting's channel.
FALLBACK_LABELS = {"no_mobile": _l("no mobile number"), "no_sms_consent": _l("no SMS consent"),
                   "no_account": _l("no portal account"), "no_portal_consent": _l("no consent to the surveys"),
                   "": ""}
