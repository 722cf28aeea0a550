"""The "Rental" menu of the Wagtail admin: today, applications, overdue loans, the rental pool, training programmes.

Two viewsets under /admin/location/: the officer's pages (`rental.admin_views`) and the training
programmes. Every page answers 403 to a user without the permission it needs, and the menu is hidden
from them.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.utils.urlpatterns import decorate_urlpatterns

from reemploi.permissions import forbidden_as_403
from rental import admin_views
from rental.admin_views import MANAGE_PERMISSION
from rental.models import TrainingProgramme


class RentalMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_PERMISSION)


class RentalSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_PERMISSION)


class RentalOfficeViewSet(ViewSet):
    """The rental officer's pages: the queue, an application and its steps, overdue loans, the pool.

    Its URLs keep their global names (`rental_admin_queue`, `rental_admin_application`, …): the viewset has
    no namespace of its own, and the steps are named `rental_admin_step:<slug>`.
    """

    name = "rental_admin"
    url_prefix = "location"
    url_namespace = ""
    icon = "desktop"

    def get_url_name(self, view_name):
        return view_name  # already global

    def get_urlpatterns(self):
        steps = [step.urlpattern("demandes/") for step in admin_views.STEP_VIEWS]
        patterns = [
            path("", admin_views.home, name="rental_admin_home"),
            path("demandes/", admin_views.queue, name="rental_admin_queue"),
            path("demandes/<int:pk>/", admin_views.application_detail, name="rental_admin_application"),
            path("", include((steps, "rental_admin_step"))),
            path("retards/", admin_views.overdue, name="rental_admin_overdue"),
            path("parc/", admin_views.pool, name="rental_admin_pool"),
        ]
        return decorate_urlpatterns(patterns, forbidden_as_403)


class ProgrammeViewSet(ModelViewSet):
    """Training programmes that applicants choose from (staff add, edit and close them)."""

    model = TrainingProgramme
    name = "rental_programmes"
    url_prefix = "location/formations"
    icon = "calendar-alt"
    menu_label = _("Training programmes")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["title", "training_body", "funder", "starts_on", "ends_on", "is_open"]
    list_filter = ["is_open", "funder"]
    search_fields = ["title", "training_body"]
    search_backend_name = None
    ordering = "-starts_on"
    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("training_body"), FieldPanel("funder")]),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("is_open"),
    ]

    def get_urlpatterns(self):
        return decorate_urlpatterns(super().get_urlpatterns(), forbidden_as_403)

    def get_permissions_to_register(self):
        return Permission.objects.filter(content_type=ContentType.objects.get_for_model(self.model))


@hooks.register("register_admin_viewset")
def register_rental_viewsets():
    return [RentalOfficeViewSet(), ProgrammeViewSet()]


@hooks.register("register_admin_menu_item")
def register_rental_menu():
    items = [
        RentalMenuItem(_("Today"), reverse("rental_admin_home"), icon_name="home", order=5),
        RentalMenuItem(_("Applications"), reverse("rental_admin_queue"), icon_name="list-ul", order=10),
        RentalMenuItem(_("Overdue loans"), reverse("rental_admin_overdue"), icon_name="warning", order=20),
        RentalMenuItem(_("Rental pool"), reverse("rental_admin_pool"), icon_name="desktop", order=30),
        RentalMenuItem(
            _("Training programmes"), reverse("rental_programmes:index"), icon_name="calendar-alt", order=40
        ),
    ]
    return RentalSubmenu(_("Rental"), Menu(items=items), icon_name="desktop", name="rental", order=310)
