"""The rating form's address, under a language prefix like every public page."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "feedback"

urlpatterns = [
    path(_("feedback/"), views.feedback, name="send"),
]
