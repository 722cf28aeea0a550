"""Where each page type may stand in the tree, so that editors cannot build a site the templates do not expect."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from content.models import (
    FormPage,
    HomePage,
    MemberPage,
    NetworkIndexPage,
    NewsIndexPage,
    NewsPage,
    PartnersPage,
    StandardPage,
    StoryIndexPage,
    StoryPage,
)
from tests import factories
from tests.conftest import ensure_site_tree

SECTION_PAGES = [NetworkIndexPage, PartnersPage, NewsIndexPage, StoryIndexPage]


class PageTreeRulesTest(WagtailPageTestCase):
    def test_home_page_stands_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        for parent in [HomePage, StandardPage, NetworkIndexPage, NewsIndexPage]:
            self.assertCanNotCreateAt(parent, HomePage)

    def test_only_one_home_page_exists(self):
        ensure_site_tree()
        root = Page.get_first_root_node()
        self.assertFalse(HomePage.can_create_at(root))

    def test_home_page_takes_the_sections_standard_pages_and_forms(self):
        # What the admin offers under the home page (the abstract-like base Page is never creatable).
        self.assertEqual(set(HomePage.creatable_subpage_models()), {*SECTION_PAGES, StandardPage, FormPage})

    def test_sections_stand_only_under_the_home_page(self):
        for model in SECTION_PAGES:
            with self.subTest(model=model.__name__):
                self.assertAllowedParentPageTypes(model, {HomePage})

    def test_each_section_exists_at_most_once(self):
        home = ensure_site_tree()
        factories.network_index(home)
        factories.partners_page(home)
        factories.news_index(home)
        factories.story_index(home)
        for model in SECTION_PAGES:
            with self.subTest(model=model.__name__):
                self.assertFalse(model.can_create_at(home))

    def test_member_pages_stand_only_in_the_network(self):
        self.assertAllowedParentPageTypes(MemberPage, {NetworkIndexPage})
        self.assertAllowedSubpageTypes(NetworkIndexPage, {MemberPage})
        self.assertAllowedSubpageTypes(MemberPage, set())

    def test_news_stand_only_under_the_news_index(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertCanNotCreateAt(StoryIndexPage, NewsPage)
        self.assertAllowedSubpageTypes(NewsPage, set())

    def test_stories_stand_only_under_the_story_index(self):
        self.assertAllowedParentPageTypes(StoryPage, {StoryIndexPage})
        self.assertAllowedSubpageTypes(StoryIndexPage, {StoryPage})
        self.assertCanNotCreateAt(NewsIndexPage, StoryPage)
        self.assertAllowedSubpageTypes(StoryPage, set())

    def test_standard_pages_nest_under_the_home_page_or_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_form_pages_stand_under_the_home_page(self):
        self.assertAllowedParentPageTypes(FormPage, {HomePage})
        self.assertAllowedSubpageTypes(FormPage, set())

    def test_partners_page_has_no_children(self):
        self.assertAllowedSubpageTypes(PartnersPage, set())


class HomePageDataMigrationTest(WagtailPageTestCase):
    """content/migrations/0002 replaces Wagtail's welcome page and names both site models."""

    def test_migration_leaves_one_live_home_page_at_the_top_of_the_tree(self):
        home = HomePage.objects.get()
        self.assertEqual((home.depth, home.slug, home.live), (2, "accueil", True))
        self.assertFalse(Page.objects.filter(depth=2, slug="home").exists())
        self.assertEqual(Page.get_first_root_node().get_children().count(), 1)

    def test_migration_points_both_site_models_at_the_public_address(self):
        from django.contrib.sites.models import Site as DjangoSite
        from wagtail.models import Site

        site = Site.objects.get()
        self.assertEqual((site.hostname, site.port, site.is_default_site), ("testserver", 80, True))
        self.assertEqual(site.root_page.specific_class, HomePage)
        self.assertEqual(DjangoSite.objects.get(pk=1).domain, "testserver")
