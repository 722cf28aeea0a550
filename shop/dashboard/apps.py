"""Oscar's dashboard app, forked to close it to everyone but the network coordinators (`shop.dashboard.access`).

Forking it also makes Oscar load this package's overrides of its dashboard sub-apps' modules (such as
`shop/dashboard/catalogue/forms.py`): Oscar looks for them under the dashboard app's own package.
"""

import oscar.apps.dashboard.apps as apps
from django.urls import URLPattern


class DashboardConfig(apps.DashboardConfig):
    name = "shop.dashboard"

    def post_process_urls(self, urlpatterns):
        from shop.dashboard.access import coordinators_only  # read with the URLs, once the apps are loaded

        # Oscar calls this for the dashboard's own patterns and, recursively, for each sub-app's included ones.
        urlpatterns = super().post_process_urls(urlpatterns)
        for pattern in urlpatterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = coordinators_only(pattern.callback)
        return urlpatterns
