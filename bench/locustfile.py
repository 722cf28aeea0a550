"""Visitors of the shop for `bench/load.py` (Locust): they open the home page, browse the catalogue through
its own filter links, read product pages, and some put a device in the basket and start the checkout.

Product and filter addresses are read from the pages themselves (no list prepared in advance), so the mix
follows whatever the catalogue holds. LOAD_CERTIFICATE names the TLS certificate to trust.
"""

import os
import random
import re

from locust import HttpUser, between, task

PRODUCT = re.compile(r'href="(/boutique/catalogue/[\w-]+_\d+/)"')
FILTER = re.compile(r'href="(/boutique/catalogue/\?[^"]+)"')
ADD = re.compile(r'action="(/boutique/basket/add/\d+/)"')


class Visitor(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.client.verify = os.environ.get("LOAD_CERTIFICATE", True)
        page = self.client.get("/boutique/catalogue/", name="catalogue").text
        self.products = PRODUCT.findall(page) or ["/boutique/catalogue/"]
        self.filters = [link.replace("&amp;", "&") for link in FILTER.findall(page)] or ["/boutique/catalogue/"]

    def _learn(self, html: str):
        self.products = list({*self.products, *PRODUCT.findall(html)})[-200:]
        self.filters = list({*self.filters, *(link.replace("&amp;", "&") for link in FILTER.findall(html))})[-200:]

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(4)
    def catalogue_filtered(self):
        response = self.client.get(random.choice(self.filters), name="catalogue with filters")
        self._learn(response.text)

    @task(4)
    def product(self):
        self.client.get(random.choice(self.products), name="product")

    @task(1)
    def basket_and_checkout(self):
        path = random.choice(self.products)
        page = self.client.get(path, name="product").text
        add = ADD.search(page)
        if not add:
            return  # sold out meanwhile: the page says so, nothing to add
        token = self.client.cookies.get("csrftoken", "")
        headers = {"Referer": self.host + path}
        with self.client.post(
            add.group(1),
            data={"csrfmiddlewaretoken": token, "quantity": 1},
            headers=headers,
            name="add to basket",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"add to basket answered {response.status_code}")
                return
        self.client.get("/boutique/basket/", name="basket")
        self.client.get("/boutique/checkout/", name="checkout start")
