"""Wagtail page types of the public site and the rules of where each may stand in the tree."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.search import index

from content import routing
from content.blocks import BaseStreamBlock
from content.feeds import NewsFeed
from content.models.snippets import Partner
from content.tasks import send_plain_email
from devices.selectors import impact_figures, member_live_figures
from reemploi import map as brittany_map
from reemploi.queue import enqueue
from reemploi.ratelimits import form_rate_limited


class SeoMixin:
    """OpenGraph data for base.html: the page's image when it has one. Also what every page type of the site
    shares in serving: no view restrictions read while no page has any (`content.routing`)."""

    def get_view_restrictions(self):
        if not routing.any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def og_image(self):
        """The sharing picture, or none when its file cannot be read (a lost file, the store down)."""
        image = getattr(self, "image", None)
        if image is None:
            return None
        try:
            return image.get_rendition("fill-1200x630")
        except SourceImageIOError:
            return None


class HomePage(SeoMixin, Page):
    hero_title = models.CharField(_("headline"), max_length=200)
    hero_text = models.TextField(_("mission"), help_text=_("One or two sentences saying what the network does."))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    shop_cta = models.CharField(_("shop invitation"), max_length=200, blank=True)
    rental_cta = models.CharField(_("rental invitation"), max_length=200, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("shop_cta"), FieldPanel("rental_cta")], heading=_("Calls to action")),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        context["impact"] = impact_figures()
        # Lazy: evaluated only when the template's cached fragment has to be rendered again.
        context["latest_news"] = SimpleLazyObject(lambda: list(NewsPage.objects.cards()[:3]))
        context["latest_stories"] = SimpleLazyObject(lambda: list(StoryPage.objects.cards()[:3]))
        context["partners"] = (
            Partner.objects.filter(show_on_home=True).select_related("logo").prefetch_related("logo__renditions")
        )
        return context

    def route(self, request, path_components):
        """The site's pages from the live paths kept per content version (`content.routing`)."""
        return routing.route(self, request, path_components) or super().route(request, path_components)


class NetworkIndexPage(SeoMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.MemberPage"]
    max_count = 1

    class Meta:
        verbose_name = _("network page")

    def live_members(self) -> list:
        members = list(
            routing.public(MemberPage.objects.live().child_of(self))
            .select_related("association")
            .prefetch_related("association__labels")
            .order_by("title")
        )
        for member in members:
            member.map_x, member.map_y = member.map_position()
        return members

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only when the template's fragment (cached per content version) is made.
        context["members"] = SimpleLazyObject(self.live_members)
        context["map"] = brittany_map
        context["map_tiles_url"] = settings.MAP_TILES_URL
        return context


class MemberPage(SeoMixin, Page):
    """A member association of the network: its editorial text around the association's own record.

    The identity, address, contact, hours and services are the association's (`devices.Association`,
    edited once under "Workshop › Member associations"); the page shows them and what is live there.
    """

    association = models.OneToOneField(
        "devices.Association",
        verbose_name=_("member association"),
        on_delete=models.PROTECT,
        null=True,
        related_name="page",
        help_text=_("Address, hours, services and legal identity are edited on the association itself."),
    )
    short_description = models.CharField(_("short description"), max_length=250)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("association"),
        FieldPanel("short_description"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("short_description"),
        index.SearchField("body"),
        index.RelatedFields("association", [index.SearchField("city"), index.SearchField("name")]),
    ]
    parent_page_types = ["content.NetworkIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("member association")

    @classmethod
    def served_queryset(cls):
        """What the page shows of its association, read with the page (`content.routing`)."""
        return cls.objects.select_related("association")

    def map_position(self):
        association = self.association
        if association is None or association.latitude is None or association.longitude is None:
            return None, None
        return brittany_map.project(association.longitude, association.latitude)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        self.map_x, self.map_y = self.map_position()
        context["map"] = brittany_map
        context["member"] = self.association
        if self.association is not None:
            context["live"] = member_live_figures(self.association)
            context["catalogue_url"] = reverse("shop_catalogue") + "?" + urlencode({"retrait": self.association.slug})
        return context


class PartnersPage(SeoMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("partners page")

    @staticmethod
    def partner_groups() -> list:
        partners = Partner.objects.select_related("logo").prefetch_related("logo__renditions")
        groups = {kind: [] for kind in Partner.Kind}
        for partner in partners:
            groups[Partner.Kind(partner.kind)].append(partner)
        return [(kind.label, items) for kind, items in groups.items() if items]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only when the template's fragment (cached per content version) is made.
        context["partner_groups"] = SimpleLazyObject(self.partner_groups)
        return context


class ArticlePageManager(PageManager):
    def cards(self):
        """Live articles, newest first, with what a card shows loaded in bulk."""
        return (
            routing.public(self.get_queryset().live())
            .order_by("-date", "-pk")
            .select_related("image")
            .prefetch_related("image__renditions")
        )


class ArticlePage(SeoMixin, Page):
    """What news items and stories share: a date, an introduction, an image, a body and tags."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("introduction"), max_length=500)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("alternative text of the image"),
        max_length=250,
        blank=True,
        help_text=_("Required when an image is chosen."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = []

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: read only when the cached article fragment is rendered again.
        context["index"] = SimpleLazyObject(self.get_parent)
        return context

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for people who cannot see it.")})


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("content.NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class StoryPageTag(TaggedItemBase):
    content_object = ParentalKey("content.StoryPage", related_name="tagged_items", on_delete=models.CASCADE)


class NewsPage(ArticlePage):
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    parent_page_types = ["content.NewsIndexPage"]
    objects = ArticlePageManager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")


class StoryPage(ArticlePage):
    tags = ClusterTaggableManager(through=StoryPageTag, blank=True, verbose_name=_("tags"))
    parent_page_types = ["content.StoryIndexPage"]
    objects = ArticlePageManager()

    class Meta:
        verbose_name = _("collective story")
        verbose_name_plural = _("collective stories")


class ArticleIndexPage(SeoMixin, RoutablePageMixin, Page):
    """A paginated listing of its articles, filterable by tag."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    max_count = 1
    per_page = 9
    article_model = None
    tag_model = None

    class Meta:
        abstract = True

    def articles(self):
        return self.article_model.objects.cards().child_of(self)

    def tags_in_use(self):
        """Tags of the live, public articles of this index (never those of drafts)."""
        related = f"{self.tag_model._meta.app_label}_{self.tag_model._meta.model_name}_items"
        return (
            Tag.objects.filter(**{f"{related}__content_object__in": self.articles().values("pk")})
            .distinct()
            .order_by("name")
        )

    def paginate(self, request, tag: str):
        articles = self.articles()
        if tag:
            articles = articles.filter(tags__slug=tag)
        paginator = Paginator(articles, self.per_page)
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "").strip()
        # Evaluated only when the template's cached fragment has to be rendered again.
        page_obj = SimpleLazyObject(lambda: self.paginate(request, tag))
        tags = SimpleLazyObject(lambda: list(self.tags_in_use()))
        context.update(articles=page_obj, page_obj=page_obj, current_tag=tag, tags=tags)
        return context


class NewsIndexPage(ArticleIndexPage):
    subpage_types = ["content.NewsPage"]
    article_model = NewsPage
    tag_model = NewsPageTag

    class Meta:
        verbose_name = _("news index")

    @path("")
    def index(self, request):
        return self.render(request, context_overrides={"feed_url": self.url + "rss/"})

    @path("rss/")
    def rss(self, request):
        items = routing.public(NewsPage.objects.live().child_of(self)).order_by("-date", "-pk")
        return NewsFeed(self, items)(request)


class StoryIndexPage(ArticleIndexPage):
    subpage_types = ["content.StoryPage"]
    article_model = StoryPage
    tag_model = StoryPageTag

    class Meta:
        verbose_name = _("stories index")


class StandardPage(SeoMixin, Page):
    """Legal notices, terms of sale, privacy policy, accessibility statement, and other plain pages."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"))
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body"), FieldPanel("last_reviewed")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class FormField(AbstractFormField):
    page = ParentalKey("content.FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(SeoMixin, AbstractEmailForm):
    """A public form (contact, "Donner du matériel"): submissions are stored and e-mailed to staff."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(_("thank-you message"), blank=True, features=["bold", "italic", "link"])

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]), FieldPanel("subject")],
            heading=_("E-mail to staff"),
        ),
    ]
    parent_page_types = ["content.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("form page")

    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and form_rate_limited(request, "page-form"):
            form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
            form.add_error(None, _("Too many submissions from your connection. Please try again in a few minutes."))
            context = self.get_context(request)
            context["form"] = form
            return TemplateResponse(request, self.get_template(request), context, status=429)
        return super().serve(request, *args, **kwargs)

    def send_mail(self, form):
        addresses = [address.strip() for address in self.to_address.split(",") if address.strip()]
        enqueue(
            send_plain_email,
            subject=self.subject or str(self.title),
            body=self.render_email(form),
            to=addresses,
            from_email=self.from_address or settings.DEFAULT_FROM_EMAIL,
        )
