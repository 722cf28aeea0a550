from datetime import timedelta

import pytest
from django.utils import timezone

from content.tasks import publish_scheduled_pages
from tests import factories


@pytest.mark.django_db
def test_a_scheduled_news_item_goes_live_when_the_periodic_task_runs(client, home_page):
    index = factories.news_index(home_page)
    news = factories.news_page(index, title="Bilan annuel des ateliers")
    news.unpublish()
    news.refresh_from_db()
    news.go_live_at = timezone.now() - timedelta(minutes=1)
    news.save_revision(approved_go_live_at=news.go_live_at)

    assert "Bilan annuel des ateliers" not in client.get("/actualites/").content.decode()
    publish_scheduled_pages.delay()
    news.refresh_from_db()
    assert news.live
    assert "Bilan annuel des ateliers" in client.get("/actualites/").content.decode()
