"""Helpers of the network tests: the back offices' URLs, read from the URL configuration."""

from django.urls import URLResolver, get_resolver


def back_office_urls(prefixes: tuple[str, ...]) -> list[tuple[str, str, list[str]]]:
    """(route, namespaced name, argument names) of every named URL whose route starts with one of `prefixes`
    (e.g. "admin/atelier/"), from the URL configuration, so that a URL added later is found too."""

    def walk(resolver, prefix="", namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            else:
                route = prefix + str(pattern.pattern)
                if route.startswith(prefixes) and pattern.name:
                    yield route, namespace + pattern.name, list(pattern.pattern.converters)

    return sorted(walk(get_resolver()))
