"""urbanisme_0003 numbers the files of an upgraded database as if they had been filed with numbers."""
from datetime import date

import flask_migrate
import pytest
from sqlalchemy import select, text

from grc_core.plugin_api import db
from grc_core.plugin_api.testing import build_test_app, in_commune

from plugins.urbanisme.models import Dossier
from plugins.urbanisme.tests.helpers import file, good_data, setup_town


@pytest.fixture(scope="module")
def migrated_app(tmp_path_factory):
    """An app with only this plugin, on its own database (it goes down and up again)."""
    app = build_test_app(tmp_path_factory, plugins=["urbanisme"], name="urbanisme_migration", own_database=True)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_upgrade_numbers_existing_files_in_deposit_order(migrated_app):
    app = migrated_app
    town = setup_town(app)
    other = setup_town(app, "Ajaccio", "2A004", "ajaccio", suffix="b.fr")
    filed = {}
    for name, kind, deposit, extra in [
        ("dp_late", "urbanisme.dp", "2026-02-10", {}),
        ("dp_early", "urbanisme.dp", "2026-01-05", {}),
        ("pcmi", "urbanisme.pcmi", "2026-01-06", {}),
        ("dp_2025", "urbanisme.dp", "2025-12-30", {}),
        ("modificatif", "urbanisme.modificatif", "2026-01-07", {"autorisation_initiale": "pc 045 901 24 00012"}),
        ("modificatif_2", "urbanisme.modificatif", "2026-01-08", {"autorisation_initiale": "PC 045 901 24 00012"}),
        ("daact", "urbanisme.daact", "2026-01-20", {"date_achevement": "2026-01-10"}),
    ]:
        filed[name], errors = file(app, town, kind, good_data(kind, deposit, **extra))
        assert not errors
    filed["corsica"], _ = file(app, other, "urbanisme.dp", good_data("urbanisme.dp", "2026-01-09"))
    with app.app_context():
        flask_migrate.downgrade(revision="urbanisme_0002")
        # As the plugin stored them before: the initial number as typed, the DAACT's completion date.
        db.session.execute(text("UPDATE urbanisme_dossier SET initial_reference = 'pc 045 901 24 00012' "
                                "WHERE procedure = 'permis_modificatif'"))
        db.session.execute(text("UPDATE urbanisme_dossier SET daact_date = :day WHERE procedure = 'daact'"),
                           {"day": date(2026, 1, 10)})
        db.session.commit()
        flask_migrate.upgrade(revision="heads")

    def stored(commune, name):
        with in_commune(app, commune.id):
            dossier = db.session.scalar(select(Dossier).where(Dossier.request_id == filed[name]))
            return dossier.file_number, dossier.initial_reference, dossier.daact_date, dossier.conformity_deadline

    assert stored(town, "dp_early")[0] == "DP 045 901 26 00001"
    assert stored(town, "dp_late")[0] == "DP 045 901 26 00002"
    assert stored(town, "dp_2025")[0] == "DP 045 901 25 00001"
    assert stored(town, "pcmi")[0] == "PC 045 901 26 00001"
    assert stored(town, "modificatif")[:2] == ("PC 045 901 24 00012 M01", "PC 045 901 24 00012")
    assert stored(town, "modificatif_2")[0] == "PC 045 901 24 00012 M02"
    assert stored(town, "daact") == (None, "PC 045 901 24 00012", date(2026, 1, 20), date(2026, 4, 20))
    assert stored(other, "corsica")[0] == "DP 02A 004 26 00001"
    # The counters go on from there.
    later, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-02-11"))
    third, _ = file(app, town, "urbanisme.modificatif",
                    good_data("urbanisme.modificatif", "2026-02-12", autorisation_initiale="PC 045 901 24 00012"))
    with in_commune(app, town.id):
        numbers = db.session.scalars(select(Dossier.file_number).where(Dossier.request_id.in_((later, third)))
                                     .order_by(Dossier.request_id)).all()
    assert numbers == ["DP 045 901 26 00003", "PC 045 901 24 00012 M03"]
