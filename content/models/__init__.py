from .newsletter import Subscriber
from .pages import (
    FormField,
    FormPage,
    HomePage,
    MemberPage,
    NetworkIndexPage,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    PartnersPage,
    StandardPage,
    StoryIndexPage,
    StoryPage,
    StoryPageTag,
)
from .settings import ImpactFigures, OrganisationSettings
from .snippets import Partner

__all__ = [
    "FormField",
    "FormPage",
    "HomePage",
    "ImpactFigures",
    "MemberPage",
    "NetworkIndexPage",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "OrganisationSettings",
    "Partner",
    "PartnersPage",
    "StandardPage",
    "StoryIndexPage",
    "StoryPage",
    "StoryPageTag",
    "Subscriber",
]
