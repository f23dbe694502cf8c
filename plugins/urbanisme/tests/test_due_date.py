"""A planning file's request is due on its legal deadline: the queue, the
request page and the plugin's panel say the same date (never "—")."""
from datetime import timedelta

from grc_core.plugin_api import Request, db, local_date
from grc_core.plugin_api.testing import in_commune

from plugins.urbanisme.dossier import today
from plugins.urbanisme.tests.helpers import dossier_of, file, good_data, setup_town, signed_in


def test_the_request_is_due_on_the_legal_deadline(app):
    town = setup_town(app)
    request_id, errors = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", today() - timedelta(days=3)))
    assert not errors
    stored = dossier_of(app, town, request_id)
    with in_commune(app, town.id):
        due_at = db.session.get(Request, request_id).due_at
    assert local_date(due_at) == stored.legal_deadline  # its last day, in the commune's time
    page = signed_in(app, "instructeur@a.fr").get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    due = page.split('id="due">')[1].split("</dd>")[0]
    assert stored.legal_deadline.strftime("%d/%m/%Y") in due and "—" not in due
