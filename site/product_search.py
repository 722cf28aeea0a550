"""The site search (`content`) shows products too, found as the shop's catalogue finds them. Neither app
imports the other: the shop registers its search here when it starts (`shop.apps`), the site search asks."""

_search = None


def register(search) -> None:
    """`search(query) -> list of products`: the shop's catalogue search."""
    global _search
    _search = search


def products_found(query: str) -> list:
    return _search(query) if _search is not None else []
