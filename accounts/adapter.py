from allauth.account.adapter import DefaultAccountAdapter
from oscar.core.loading import get_class

user_registered = get_class("customer.signals", "user_registered")


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: tells Oscar about sign-ups (allauth does not fire Oscar's signal)."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_registered.send(sender=self.__class__, request=request, user=user)
        return user
