from oscar.apps.customer.abstract_models import AbstractUser


class User(AbstractUser):
    """The platform's user: the e-mail address is the login (Oscar, allauth and Wagtail agree on it)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
