"""Translated names for the written-reply signals and ratings shown in the back office."""

from django.utils.translation import gettext_lazy as _

SIGNAL_LABELS = {
    "greeting": _("Greeting"),
    "closing": _("Closing"),
    "customer_name": _("Uses the customer's name"),
    "thanks": _("Thanks"),
    "apology": _("Apology"),
    "empathy": _("Empathy"),
    "ownership": _("Ownership"),
    "next_step": _("Concrete next step"),
    "alternative_offered": _("Offers an alternative"),
    "blame": _("Blame or arguing"),
    "condescension": _("Condescension"),
    "shouting": _("Shouting"),
}
RATING_LABELS = {
    "courtesy": _("Courtesy"),
    "empathy": _("Empathy"),
    "ownership": _("Ownership"),
    "clarity": _("Clarity"),
    "overall": _("Overall"),
}
SOURCE_LABELS = {
    "questionnaire": _("Questionnaire"),
    "sjt": _("Judgement scenarios"),
    "reply": _("Written reply"),
    "interview": _("Interviews"),
}

MEASUREMENT_FLAG_LABELS = {
    "weak_item_total": _("Weak link to its competency"),
    "raises_alpha_if_deleted": _("Scale better without it"),
    "negative_slope": _("Keyed the wrong way?"),
    "dif_b": _("Language difference (B)"),
    "dif_c": _("Language difference (C)"),
}
