"""A visitor's rating of a page, as the AgID "modello Comuni" asks every page to offer."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The texts of the rating, word for word those of the AgID "modello Comuni": its validator
# (italia/pa-website-validator-ng, src/storage/municipality/feedbackComponentStructure.ts)
# compares the Italian ones with its own, and tests/test_feedback.py pins them.
RATING_QUESTION = _("How clear is the information on this page?")
POSITIVE_QUESTION = _("What did you like best?")
NEGATIVE_QUESTION = _("Where did you have the most trouble?")


class FeedbackAnswer(models.TextChoices):
    """The reasons the AgID "modello Comuni" rating asks for, after a good or a poor rating."""

    CLEAR = "clear", _("The information was clear")
    COMPLETE = "complete", _("The information was complete")
    ON_TRACK = "on-track", _("I always understood I was going the right way")
    NO_PROBLEMS = "no-problems", _("I had no technical problems")
    OTHER_GOOD = "other-good", _("Other")
    UNCLEAR = "unclear", _("At times the information was not clear")
    INCOMPLETE = "incomplete", _("At times the information was not complete")
    LOST = "lost", _("At times I did not understand whether I was going the right way")
    TECHNICAL = "technical", _("I had technical problems")
    OTHER_BAD = "other-bad", _("Other")
    # Offered before the texts followed AgID's word for word: kept so that the ratings given
    # with them keep their label, never offered again.
    FOUND = "found", _("I found what I was looking for")
    EASY = "easy", _("The page was easy to use")
    NOT_FOUND = "not-found", _("I did not find what I was looking for")


POSITIVE_ANSWERS = [
    FeedbackAnswer.CLEAR,
    FeedbackAnswer.COMPLETE,
    FeedbackAnswer.ON_TRACK,
    FeedbackAnswer.NO_PROBLEMS,
    FeedbackAnswer.OTHER_GOOD,
]
NEGATIVE_ANSWERS = [
    FeedbackAnswer.UNCLEAR,
    FeedbackAnswer.INCOMPLETE,
    FeedbackAnswer.LOST,
    FeedbackAnswer.TECHNICAL,
    FeedbackAnswer.OTHER_BAD,
]
# Ratings up to this one are poor: the form asks what went wrong rather than what went well.
LAST_POOR_RATING = 3


class Feedback(models.Model):
    """A visitor's rating of a public page: how clear its information was, from 1 to 5."""

    path = models.CharField(_("page"), max_length=500)
    language = models.CharField(_("language"), max_length=15)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    answer = models.CharField(_("reason"), max_length=20, choices=FeedbackAnswer, blank=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        # The table keeps the name it had when the ratings were part of the networks app.
        db_table = "networks_feedback"
        ordering = ["-created_at"]
        verbose_name = _("page rating")
        verbose_name_plural = _("page ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="networks_feedback_rating_1_to_5",
                violation_error_message=_("Choose from 1 to 5 stars."),
            ),
        ]

    def __str__(self):
        return f"{self.path} ({self.rating}/5)"
