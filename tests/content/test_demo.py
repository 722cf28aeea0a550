"""The public site's demo (`content.demo`) builds the site around the registry's member associations, imports
nothing above content, and is idempotent.

The whole platform's demo (`manage.py demo`) is tested in tests/demo/test_demo.py.
"""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from content import demo
from content.models import FormPage, MemberPage, NewsPage, Partner, StoryPage
from content.roles import EDITORS, MODERATORS
from devices.demo import member_ensure
from devices.demo_members import MEMBERS
from devices.models import Association, Device

ABOVE_CONTENT = {"demo", "payments", "rental", "shop"}


def _counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "partners": Partner.objects.count(),
        "images": get_image_model().objects.count(),
    }


@pytest.mark.django_db
def test_content_demo_builds_the_site_and_is_idempotent(home_page):
    for member in MEMBERS:
        member_ensure(member)
    associations_before = Association.objects.count()
    result = demo.load()
    first = _counts()

    assert result["changes"] > 0
    assert MemberPage.objects.count() == 8
    assert MemberPage.objects.filter(association__is_demo=False).get().title == "Déclic"
    declic = MemberPage.objects.get(slug="declic").association
    assert (declic.city, declic.department, declic.offers_rental) == ("Redon", "35", True)
    assert {label.name for label in declic.labels.all()} == {"DEEE", "Ordi 3.0"}
    assert NewsPage.objects.live().count() >= 6 and StoryPage.objects.live().count() >= 3
    assert FormPage.objects.live().count() == 2
    assert Group.objects.filter(name__in=[EDITORS, MODERATORS]).count() == 2
    # The pages present the registry's associations: content creates none of them, nor devices.
    assert set(MemberPage.objects.values_list("association__slug", flat=True)) == {m["slug"] for m in MEMBERS}
    assert Association.objects.count() == associations_before
    assert Device.objects.count() == 0

    again = demo.load()
    assert again["changes"] == 0
    assert _counts() == first


@pytest.mark.parametrize("module", ["demo.py", "demo_data.py"])
def test_content_demo_imports_nothing_above_content(module):
    tree = ast.parse((Path(demo.__file__).parent / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.add(node.module.split(".")[0])
    assert not imported & ABOVE_CONTENT
