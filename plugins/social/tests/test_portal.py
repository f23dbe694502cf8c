"""The CCAS's types are confidential (professional secrecy, CASF L133-5):
none is ever on the citizens' portal, not even the social housing request
open to the ``web`` channel — so the plugin has no portal description."""
from __future__ import annotations

from grc_core.plugin_api.testing import make_commune
from plugins.social import plugin
from plugins.social import request_types as rt


def test_no_social_type_is_on_the_portal_even_one_open_to_the_web(app):
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["social"])
    assert "web" in next(t for t in rt.REQUEST_TYPES if t.code == rt.LOGEMENT).channels
    assert all(t.read_permission for t in rt.REQUEST_TYPES)
    client = app.test_client()
    catalogue = client.get("/c/villeneuve/portal/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for declared in rt.REQUEST_TYPES:
        for locale in ("en", "fr"):  # the label is an English source, translated
            with app.test_request_context(headers={"Accept-Language": locale}):
                assert str(declared.label) not in catalogue
        assert client.get(f"/c/villeneuve/portal/procedures/{declared.code}").status_code == 404
    assert not hasattr(plugin, "grc_portal_demarche_info")
