import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class
from wagtail import hooks

user_registered = get_class("customer.signals", "user_registered")
logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: tells Oscar about sign-ups (allauth does not fire Oscar's signal), and keeps a sign-up
    or a password reset when the mail server does not answer (allauth sends its e-mails in the request)."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Said with what to do: the lock is per account (5 failures) and per address (30, for the trainees of a
        # training centre or a Mission locale who share one public address).
        "too_many_login_attempts": _(
            "Too many failed attempts to log in to this account, or from your connection. Wait five minutes, "
            "or choose a new password with “Forgot your password?”."
        ),
    }

    def send_mail(self, template_prefix, email, context):
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as error:
            logger.error("account e-mail %s to %s not sent: %s", template_prefix, email, error)
            if self.request is not None:
                messages.error(
                    self.request,
                    _(
                        "We could not send you the e-mail just now: our mail server does not answer. Nothing is "
                        "lost: ask for it again in a few minutes."
                    ),
                )

    def get_login_redirect_url(self, request):
        """Where a login without a `next` lands: the first portal an app's `login_landing` hook gives for the user
        (a donor's people on the donor portal, a relay partner's on the relay portal), else the home page."""
        for hook in hooks.get_hooks("login_landing"):
            if url := hook(request.user):
                return url
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_registered.send(sender=self.__class__, request=request, user=user)
        return user
