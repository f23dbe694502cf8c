"""Campaigns (issue 19): a public-service e-mail campaign to every citizen
with an e-mail address, sent to a local SMTP server (aiosmtpd) — target:
100,000 recipients in ≤ 10 minutes with two workers, memory flat.

    python -m bench.campaign_bench [--citizens 170000] [--database-url URL] [--reuse]

Two phases, as production runs them:

1. the campaign's job (``campagnes.send``, one job per campaign): the
   segment evaluated, one recipient row per person, then batches of 200
   e-mails written to the outbox, each batch one transaction;
2. the outbox delivered by two worker processes at once (``send_pending``
   in a loop, as two queue workers run ``outbox.send``), each claiming
   its messages 50 at a time under a lease (``claim_batch``: ``FOR UPDATE
   SKIP LOCKED`` on PostgreSQL) and recording each one as sent before the
   next leaves, to an aiosmtpd server listening on 127.0.0.1 in this
   process.

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


def run_job(url: str, log) -> dict:
    """Phase 1: a campaign created and approved, its job run in this process."""
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Commune, Membership, Segment, utcnow
    from grc_core.tenancy import enable_plugin, use_commune
    from plugins.campagnes import sending
    from plugins.campagnes.models import Campaign

    app = seeding.bench_app(url)
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


def deliver(url: str, port: int, queue) -> None:
    """Phase 2, one worker: deliver due outbox messages until none is left."""
    from grc_core.notifications import send_pending

    app = seeding.bench_app(url)
    app.config["GRC"].update({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                              "MAIL_USERNAME": ""})
    sent = failed = 0
    samples = []
    with app.app_context():
        while True:
            done, missed = send_pending(limit=500)
            sent, failed = sent + done, failed + missed
            samples.append(rss_mb())
            if done + missed == 0:
                break
    queue.put((sent, failed, samples[0], max(samples)))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=170_000)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
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

    job = run_job(url, log)
    if args.job_only:
        print(f"| job (recipients + outbox), {job['sent']:,} e-mails | {job['seconds']:.1f} s | "
              f"RSS {job['rss_first']:.0f} → {job['rss_peak']:.0f} MB |")
        return

    from aiosmtpd.controller import Controller
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per connection otherwise
    box = Counter()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        workers = [context.Process(target=deliver, args=(url, controller.port, queue)) for _ in range(args.workers)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        results = [queue.get() for _ in workers]
        for worker in workers:
            worker.join()
        seconds = time.perf_counter() - started
    finally:
        controller.stop()
    sent = sum(r[0] for r in results)
    log(f"  delivery: {sent:,} sent, {sum(r[1] for r in results)} failed, {box.received:,} received "
        f"by the SMTP server in {seconds:.1f} s with {args.workers} workers")
    total = job["seconds"] + seconds
    print()
    print(f"{backend} — campaign of {job['sent']:,} e-mails ({args.citizens:,} citizens); target "
          f"{TARGET_SECONDS} s for 100,000")
    print(f"| job (recipients + outbox) | {job['seconds']:.1f} s | RSS {job['rss_first']:.0f} → "
          f"{job['rss_peak']:.0f} MB |")
    for number, (done, _failed, first, peak) in enumerate(results, 1):
        print(f"| worker {number} | {done:,} e-mails | RSS {first:.0f} → {peak:.0f} MB |")
    print(f"| delivery ({args.workers} workers) | {seconds:.1f} s | {sent / seconds:.0f} e-mails/s |")
    print(f"| total | {total:.1f} s | {job['sent'] / total:.0f} e-mails/s |")


if __name__ == "__main__":
    main()
