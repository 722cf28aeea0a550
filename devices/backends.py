"""Permissions that come from a person's memberships: a role at a member association (technician, shop counter,
rental officer, member administrator) gives the permissions its back office needs.

The roles' permissions are listed in `settings.MEMBER_ROLE_PERMISSIONS`, so the registry does not need to know
the shop's or the rental's permissions. Authentication itself stays with the other backends: this one never
logs anybody in. Which objects a permission reaches is the back offices' business (`devices.scoping`).
"""

from django.conf import settings
from django.contrib.auth.backends import BaseBackend


class MembershipBackend(BaseBackend):
    cache_attribute = "_membership_permissions"

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, self.cache_attribute):
            roles = set(user_obj.memberships.values_list("role", flat=True))
            permissions = set()
            for role in roles:
                permissions.update(settings.MEMBER_ROLE_PERMISSIONS.get(role, ()))
            setattr(user_obj, self.cache_attribute, permissions)
        return getattr(user_obj, self.cache_attribute)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)
