"""Campaigns (issue 19): a public-service e-mail campaign to every citizen
with an e-mail address, sent to a local SMTP server (aiosmtpd) — target:
100,000 recipients in ≤ 10 minutes with two workers, memory flat.

    python -m bench.campaign_bench [--citizens 170000] [--database-url URL] [--reuse]

Two workers, as production runs them with two queue workers:

1. worker 1 runs the campaign's job (``campagnes.send``, one job per
   campaign): the segment evaluated, one recipient row per person, then
   batches of 200 e-mails written to the outbox, each batch one
   transaction — whose commit queues ``outbox.send`` in production;
2. worker 2 delivers from the first batch committed (``send_pending`` in a
   loop, as a queue worker runs ``outbox.send``), and worker 1 joins it
   when the job is done; each claims its messages 50 at a time under a
   lease (``claim_batch``: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and
   records each one as sent before the next leaves, to an aiosmtpd server
   listening on 127.0.0.1 in this process.

``--sequential`` measures the job first, then the delivery by both workers
(the figures of this bench before 2026-12-07 afternoon).

Memory: the resident set of each process is sampled after every batch;
"flat" means its peak does not grow with the number of recipients (compare
two scales). The population is bench/seed.py's (about 60 % of citizens
have an e-mail address).
"""
from __future__ import annotations

import argparse
import logging
import multiprocessing
import resource
import socket
import time

from . import seed as seeding
from .requests_bench import database_has

TARGET_SECONDS = 600
EVERYONE = {"match": "any", "items": [
    {"criterion": "core.age", "params": {"min_age": 18}},
    {"not": {"criterion": "core.age", "params": {"min_age": 18}}}]}


def rss_mb() -> float:
    """The current resident set (Linux), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1_048_576


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counter:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 2.0.0 Ok"


def run_job(url: str, log, app=None) -> dict:
    """A campaign created and approved, its job run in this process (in
    ``app`` when given)."""
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Commune, Membership, Segment, utcnow
    from grc_core.tenancy import enable_plugin, use_commune
    from plugins.campagnes import sending
    from plugins.campagnes.models import Campaign

    app = app or seeding.bench_app(url)
    peaks = []
    with app.app_context():
        commune = db.session.scalar(select(Commune).order_by(Commune.id))
        enable_plugin(commune, "campagnes")
        db.session.commit()
        with use_commune(commune.id):
            admin = db.session.scalar(select(Membership).where(Membership.role == "admin"))
            segment = db.session.scalar(select(Segment).where(Segment.name == "Bench : tout le monde")) or Segment(
                name="Bench : tout le monde", definition=EVERYONE, created_by_id=admin.user_id)
            campaign = Campaign(name="Bench", purpose="Mesure", legal_basis="public_task", segment=segment,
                                channels="email", subject="Travaux à {commune}",
                                body="Bonjour {prenom} {nom},\nles travaux commencent lundi.\n",
                                status="sending", author_id=admin.user_id, site_url="http://localhost/",
                                started_at=utcnow())
            db.session.add(campaign)
            db.session.commit()
            real = sending.send_batch

            def sampled(*args, **kwargs):
                done = real(*args, **kwargs)
                peaks.append(rss_mb())
                return done
            sending.send_batch = sampled
            started = time.perf_counter()
            result = sending.send_job(campaign_id=campaign.id)
            seconds = time.perf_counter() - started
            sending.send_batch = real
            counts = sending.counts(campaign)["all"]
    log(f"  job: {result['sent']:,} e-mails to the outbox in {seconds:.1f} s; {counts}")
    return {"sent": result["sent"], "seconds": seconds, "rss_first": peaks[0] if peaks else 0,
            "rss_peak": max(peaks) if peaks else 0}


def deliver(url: str, port: int, queue, job_done=None, app=None) -> None:
    """One worker: deliver due outbox messages until none is left — and,
    while the campaign's job still writes (``job_done`` not set), wait for
    its next batch (a queue worker would get the ``outbox.send`` its commit
    queues). In ``app`` when given."""
    from grc_core.notifications import send_pending

    app = app or seeding.bench_app(url)
    app.config["GRC"].update({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                              "MAIL_USERNAME": ""})
    sent = failed = 0
    samples = []
    with app.app_context():
        while True:
            writing = job_done is not None and not job_done.is_set()
            done, missed = send_pending(limit=500)
            sent, failed = sent + done, failed + missed
            samples.append(rss_mb())
            if done + missed == 0:
                if not writing:
                    break
                time.sleep(0.2)
    queue.put(("worker", sent, failed, samples[0], max(samples), time.perf_counter()))


def job_then_deliver(url: str, port: int, queue, job_done) -> None:
    """Worker 1: the campaign's job, then delivery beside worker 2 — in the
    same application: building another one meanwhile would parse Python
    (Werkzeug's URL rules) while worker 2 compiles its messages' templates
    (Jinja's lexer parses number literals with ``ast``), and CPython 3.11's
    AST constructor is not thread-safe (the smoke test's workers are threads)."""
    app = seeding.bench_app(url)
    job = run_job(url, lambda line: print(line, flush=True), app=app)
    job_done.set()
    queue.put(("job", job, time.perf_counter()))
    deliver(url, port, queue, app=app)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=170_000)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
    parser.add_argument("--sequential", action="store_true",
                        help="the job first, then the delivery (not from the job's first batch)")
    parser.add_argument("--job-only", action="store_true",
                        help="measure the campaign's job alone (its memory at another scale), not the delivery")
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url or seeding.default_database_url())
    log = lambda line: print(line, flush=True)  # noqa: E731
    backend = "PostgreSQL" if seeding.is_postgresql(url) else "SQLite"
    log(f"== {backend}, {args.citizens:,} citizens")
    if not (args.reuse and database_has(url, args.requests)):
        for line in seeding.seed(url, args.citizens, args.requests, reset=True, log=log).lines():
            log(line)
    else:
        seeding.complete_schema(url, log)
    # The seed's own e-mails are history (sent long ago): only the campaign's are delivered here.
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE outbox_message SET status = 'sent' WHERE status = 'pending'"))
    engine.dispose()

    if args.job_only:
        job = run_job(url, log)
        print(f"| job (recipients + outbox), {job['sent']:,} e-mails | {job['seconds']:.1f} s | "
              f"RSS {job['rss_first']:.0f} → {job['rss_peak']:.0f} MB |")
        return

    from aiosmtpd.controller import Controller
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per connection otherwise
    box = Counter()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    try:
        if args.sequential:
            job = run_job(url, log)
            job_ended = started = time.perf_counter()
            workers = [context.Process(target=deliver, args=(url, controller.port, queue))
                       for _ in range(args.workers)]
        else:
            # Worker 1 runs the job then delivers; the others deliver from its first commit.
            job_done = context.Event()
            workers = [context.Process(target=job_then_deliver, args=(url, controller.port, queue, job_done))]
            workers += [context.Process(target=deliver, args=(url, controller.port, queue, job_done))
                        for _ in range(args.workers - 1)]
            started = time.perf_counter()
        for worker in workers:
            worker.start()
        results = []
        while len(results) < len(workers):
            item = queue.get()
            if item[0] == "job":
                job, job_ended = item[1], item[2]
            else:
                results.append(item[1:])
        for worker in workers:
            worker.join()
        ended = max(result[4] for result in results)
    finally:
        controller.stop()
    sent = sum(r[0] for r in results)
    seconds = ended - started
    delivery = ended - job_ended  # after the job (sequential: all of it)
    total = seconds + (job["seconds"] if args.sequential else 0)
    mode = "job, then delivery" if args.sequential else "delivery from the job's first batch"
    log(f"  delivery: {sent:,} sent, {sum(r[1] for r in results)} failed, {box.received:,} received "
        f"by the SMTP server; {mode}; {args.workers} workers")
    print()
    print(f"{backend} — campaign of {job['sent']:,} e-mails ({args.citizens:,} citizens), {mode}; target "
          f"{TARGET_SECONDS} s for 100,000")
    print(f"| job (recipients + outbox) | {job['seconds']:.1f} s | RSS {job['rss_first']:.0f} → "
          f"{job['rss_peak']:.0f} MB |")
    for number, (done, _failed, first, peak, _ended) in enumerate(results, 1):
        print(f"| worker {number} | {done:,} e-mails | RSS {first:.0f} → {peak:.0f} MB |")
    print(f"| delivery after the job ({args.workers} workers) | {delivery:.1f} s | |")
    print(f"| total, job start to last e-mail | {total:.1f} s | {sent / total:.0f} e-mails/s; "
          f"{total * 100_000 / max(sent, 1):.0f} s per 100,000 |")

if __name__ == "__main__":
    main()
