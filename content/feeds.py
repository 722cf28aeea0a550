import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed


class NewsFeed(Feed):
    """RSS 2.0 feed of the latest news items, served at /actualites/rss/."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page, news_items):
        super().__init__()
        self.index_page = index_page
        self.news_items = news_items

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index_page.title

    def link(self):
        return self.index_page.get_url(self.request)

    def description(self):
        return self.index_page.search_description or self.index_page.title

    def items(self):
        return self.news_items[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        """The item's own date (set by the editors, shown on the site), at noon local time — not when the page
        was first published, which is the same moment for a batch of pages imported or published together."""
        if item.date:
            return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(12)))
        return item.first_published_at
