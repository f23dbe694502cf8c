"""Open311 GeoReport v2: see :mod:`grc_core.webapi.open311.views`."""
