"""The REST API under ``/api/v1/``: see :mod:`grc_core.webapi.rest.views`."""
