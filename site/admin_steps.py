"""One idiom for "a form and a service on one object" in the back offices: a class per step.

A step names its form, the service that records it and the statuses it applies to. Its form posts to the
step's own URL; a valid form calls the service; a refusal (`ValidationError`) or an invalid form re-displays
the object's page with the input kept and the message on top; success redirects to the object's page.
The registry's device steps, the rental officer's application steps and the shop's order steps are all
subclasses (`devices.admin_views`, `rental.admin_views`, `shop.admin_views`).

`get_queryset()` is where a back office limits which objects a user may act on: an object outside it is
answered with 404, like one that does not exist.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin import messages


def show_refusal(request, form, exc: ValidationError) -> None:
    """A refused or invalid step: its message on top, field errors beside their fields."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    messages.error(request, " ".join(exc.messages))


class ObjectStepView(View):
    http_method_names = ["post"]
    model = None
    permission = ""  # required to post any step of this kind
    url_namespace = ""  # the steps' URLs are named "<url_namespace><slug>"
    lookup_field = "pk"
    object_kwarg = "obj"  # the keyword under which the service takes the object (`device=`, `application=`)
    slug = ""
    label = ""
    form_class = None
    allowed_statuses: tuple[str, ...] = ()
    service = None
    button_class = "button"
    invalid_status = 200

    # --- What the object page needs to show the step ---------------------------------------------------

    @classmethod
    def allows(cls, obj, user=None) -> bool:
        """Whether the page shows this step for `obj` (to `user`, when the step depends on who asks)."""
        return obj.status in cls.allowed_statuses

    @classmethod
    def url(cls, obj) -> str:
        return reverse(f"{cls.url_namespace}{cls.slug}", args=[getattr(obj, cls.lookup_field)])

    @classmethod
    def get_form(cls, obj, data=None, files=None):
        return cls.form_class(data, files, prefix=cls.slug)

    @classmethod
    def urlpattern(cls, route_prefix: str = ""):
        """`<route_prefix><lookup>/<slug>/`, named after the step."""
        converter = "int" if cls.lookup_field == "pk" else "str"
        return path(f"{route_prefix}<{converter}:lookup>/{cls.slug}/", cls.as_view(), name=cls.slug)

    # --- What each back office decides --------------------------------------------------------------

    def get_queryset(self):
        return self.model._default_manager.all()

    def service_kwargs(self, form) -> dict:
        return dict(form.cleaned_data)

    def perform(self, obj, form):
        kwargs = {self.object_kwarg: obj, "actor": self.request.user, **self.service_kwargs(form)}
        return type(self).service(**kwargs)

    def success_message(self, obj, result) -> str:
        obj.refresh_from_db()
        return _("“%(step)s” recorded; status: “%(status)s”.") % {
            "step": self.label,
            "status": obj.get_status_display(),
        }

    def success_url(self, obj) -> str:
        raise NotImplementedError

    def render_page(self, obj, *, bound):
        """The object's page with `bound` = (this step class, its form) re-displayed."""
        raise NotImplementedError

    # --- The request -------------------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, lookup):
        obj = get_object_or_404(self.get_queryset(), **{self.lookup_field: lookup})
        form = self.get_form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(obj, form)
            except ValidationError as exc:
                show_refusal(request, form, exc)
            else:
                messages.success(request, self.success_message(obj, result))
                return redirect(self.success_url(obj))
        else:
            messages.error(request, _("The form has errors: check the highlighted fields."))
        obj.refresh_from_db()
        return self.render_page(obj, bound=(type(self), form))


def steps_shown(step_classes, obj, *, bound=None, user=None) -> list[dict]:
    """The steps `obj`'s status allows (to `user`), in order, each with its form (the bound one after a
    refusal)."""
    bound_step, bound_form = bound or (None, None)
    shown = []
    for step in step_classes:
        if step is bound_step:
            form = bound_form
        elif step.allows(obj) if user is None else step.allows(obj, user):
            form = step.get_form(obj)
        else:
            continue
        shown.append({"view": step, "form": form, "url": step.url(obj), "open": step is bound_step})
    return shown
