"""Which workshop's stock a basket line draws on.

Oscar's default strategy takes a product's first stock record, which may be a workshop with none left
while another has some. Réemploi takes the record with the most units free; at checkout the buyer's
pickup choice (or the delivery allocation) decides the record for good, under a row lock.
"""

from oscar.apps.partner import strategy


class UseMostAvailableStockRecord:
    def select_stockrecord(self, product):
        records = list(product.stockrecords.all())  # prefetched by Oscar's product querysets
        if not records:
            return None
        return max(records, key=lambda record: (record.net_stock_level, -record.pk))


class Reemploi(UseMostAvailableStockRecord, strategy.StockRequired, strategy.NoTax, strategy.Structured):
    """Prices are what buyers pay: second-hand goods sold under the margin scheme show no separate VAT."""


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return Reemploi(request)
