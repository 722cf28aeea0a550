"""The site with its public media served from MEDIA_ROOT in front of it, as the TLS proxy does in production
without a bucket (Django itself never serves media there). For Lighthouse, whose product page has photos."""

from django.conf import settings
from whitenoise import WhiteNoise

from reemploi.wsgi import application as site

application = WhiteNoise(site)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
