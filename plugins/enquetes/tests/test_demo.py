"""The demo commune's surveys (issue 18, « done when »): closing surveys on
its own types with answers spread over two years, a barometer sent and
answered, and the perceived-quality figures on its strategic dashboard."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grc_core.plugin_api import Commune, db, utcnow
from grc_core.plugin_api.testing import build_test_app, grc_cli, in_commune, login
from plugins.enquetes.models import Barometer, BarometerAnswer, SurveyInvitation, SurveySetting


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = build_test_app(tmp_path_factory, plugins=["enquetes"], name="enquetes_demo", own_database=True)
    result = app.test_cli_runner().invoke(grc_cli(), ["demo"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_demo_commune_has_surveys_answers_and_figures(demo):
    with demo.app_context():
        commune = db.session.scalar(select(Commune).order_by(Commune.id))
        commune_id, slug = commune.id, commune.slug
    with in_commune(demo, commune_id):
        assert db.session.scalar(select(func.count(SurveySetting.id))) >= 3
        answered = db.session.scalars(select(SurveyInvitation.answered_at).where(
            SurveyInvitation.score.is_not(None))).all()
        assert len(answered) >= 40
        # Spread over two years (SQLite reads moments back without their zone: UTC).
        assert min(a.replace(tzinfo=None) for a in answered) < (utcnow() - timedelta(days=600)).replace(tzinfo=None)
        scores = db.session.scalars(select(SurveyInvitation.score).where(SurveyInvitation.score.is_not(None))).all()
        assert set(scores) == {1, 2, 3, 4, 5}
        assert db.session.scalar(select(func.count(SurveyInvitation.id)).where(SurveyInvitation.comment != "")) >= 5
        # Sent on each type's channel, or by e-mail saying why (no mobile, no SMS consent, no portal account).
        assert {s.channel for s in db.session.scalars(select(SurveySetting))} == {"email", "sms", "portal"}
        sent = db.session.execute(select(SurveyInvitation.channel, SurveyInvitation.fallback).where(
            SurveyInvitation.sent_at.is_not(None))).all()
        assert {"email", "sms"} <= {channel for channel, _ in sent}
        assert {fallback for channel, fallback in sent if channel == "email"} - {""}
        barometer = db.session.scalar(select(Barometer))
        assert barometer.status == "sent"
        assert db.session.scalar(select(func.count(BarometerAnswer.id))) >= 5
    client = demo.test_client()
    login(client, "dgs@villeneuve-sur-loire.fr", "demo-grc-2026")  # the DGS: the demo's password, one step
    html = client.get("/admin/dashboards/strategic/?period=12m").get_data(as_text=True)
    mean = re.search(r'data-widget="enquetes.satisfaction.strategic".*?data-value="([^"]*)"', html, re.S).group(1)
    assert 2.5 < float(mean) < 4.5
    page = client.get(f"/admin/enquetes/barometer-results/{barometer.id}").get_data(as_text=True)
    assert "Baromètre de la propreté" in page
