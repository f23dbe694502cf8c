"""The request page around the next action: the workflow's stepper, its
diagram (server-side SVG, escaped; also on the workflow editor), the primary
action first, closing actions apart with a confirmation, required comments
explained, and the deadline in words."""
import re
from datetime import timedelta

from sqlalchemy import update

from grc_core.extensions import db
from grc_core.models import Request, Workflow
from grc_core.plugin_api.testing import in_commune, make_agent
from grc_core.workflows.diagram import diagram_svg, layout, transition_rows
from test_request_page import VERSION, page, post
from test_request_page import town  # noqa: F401  (fixture)
from test_requests import WORKFLOW, signed_in

XSS = "<script>alert(1)</script>"


def test_the_layout_puts_states_in_rows_by_steps_from_the_start():
    boxes, width, height = layout(WORKFLOW)
    rows = {box.code: box.y for box in boxes}
    assert rows["nouvelle"] < rows["en_cours"] < rows["attente"]
    assert rows["close"] == max(rows.values()) > rows["attente"]  # outcomes on the last row
    assert all(0 <= box.x and box.x + 170 <= width for box in boxes) and height > max(rows.values())


def test_the_diagram_escapes_labels_and_marks_the_current_state():
    definition = {**WORKFLOW, "states": [*WORKFLOW["states"],
                                         {"code": "orpheline", "label": XSS, "kind": "open", "visible": True}]}
    svg = str(diagram_svg(definition, current="en_cours", title=f"Circuit {XSS}"))
    assert XSS not in svg and "&lt;script&gt;" in svg
    assert svg.count('data-current="true"') == 1 and 'data-state="en_cours" data-current="true"' in svg
    assert svg.count("<path d=") == 1 + 4  # the arrow head, then prendre, attendre, clore ×2
    assert "<title>Demander une pièce</title>" in svg
    assert ("En cours", "Clore", "Close") in transition_rows(definition)


def test_the_page_shows_the_stepper_with_the_current_state(app, town):
    html = page(signed_in(app, "agent@a.fr"), town.request)
    stepper = html.split('id="stepper"')[1].split("</ol>")[0]
    assert re.findall(r"<li[^>]*>(?:<span[^>]*>[^<]*</span>)?([^<]+)</li>", stepper) == [
        "Nouvelle", "En cours", "En attente"]  # the closed state is an outcome, not a step
    assert '<li aria-current="step">Nouvelle</li>' in stepper
    assert 'id="workflow-diagram"' in html and 'data-state="nouvelle" data-current="true"' in html


def test_the_primary_action_comes_first_and_closing_asks(app, town):
    client = signed_in(app, "agent@a.fr")
    version = VERSION.search(page(client, town.request)).group(1)
    post(client, town.request, "transition", {"transition": "prendre", "version": version})
    html = page(client, town.request)
    buttons = re.findall(r'<button type="submit" name="transition" value="(\w+)"[^>]*data-role="(\w+)"', html)
    assert buttons == [("attendre", "primary"), ("clore", "closing")]
    assert re.search(r'value="clore"[^>]*btn-outline-success[^>]*data-grc-confirm="« Clore »: this closes', html)
    assert '<li class="grc-step-done"><span class="sr-only">done: </span>Nouvelle</li>' in html
    # "Demander une pièce" needs a comment: the page says so next to the comment box.
    assert 'aria-describedby="comment-help"' in html
    assert "* A comment is required for: Demander une pièce." in html


def test_the_deadline_reads_in_words(app, town):
    with in_commune(app, town.id):
        req = db.session.get(Request, town.request)
        req.due_at = req.received_at - timedelta(days=3)
        db.session.commit()
    html = page(signed_in(app, "agent@a.fr"), town.request)
    due = html.split('id="due">')[1].split("</dd>")[0]
    assert re.search(r'grc-deadline-overdue">\d+ days late</span>', due)


def test_the_workflow_editor_draws_the_diagram(app, town):
    make_agent(app, town.id, "admin@a.fr", "admin")
    with in_commune(app, town.id):
        db.session.execute(update(Workflow).where(Workflow.id == town.workflow).values(label=f"Circuit {XSS}"))
        db.session.commit()
    html = signed_in(app, "admin@a.fr").get(f"/admin/core_workflows/{town.workflow}/").get_data(as_text=True)
    assert 'class="grc-workflow-diagram"' in html and 'data-state="attente"' in html
    assert XSS not in html
