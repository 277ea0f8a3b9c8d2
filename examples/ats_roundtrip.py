#!/usr/bin/env python3
"""An applicant-tracking system's round trip through the ServiceFit API, using only the stdlib.

1. creates a job from a template (``POST /api/v1/jobs``),
2. adds a candidate and asks for their invitation link (``POST …/candidates``, ``…/invitation``),
3. takes the assessment as the candidate would, through the candidate pages (plain HTML forms,
   the path that works without JavaScript),
4. waits for the signed ``assessment.scored`` webhook on a local receiver and checks its
   signature,
5. prints the result (``GET /api/v1/candidates/{id}/result``).

Set-up: an admin creates a token with the scopes jobs:read, jobs:write, candidates:read,
candidates:write and results:read, and a webhook for ``assessment.scored`` pointing at
``http://127.0.0.1:<receiver port>/hook`` (both on the Integrations page). Then::

    python examples/ats_roundtrip.py --base-url http://127.0.0.1:8000 --token sf_… \\
        --webhook-secret whsec_… --receiver-port 8765

The task worker must run (``servicefit serve`` or ``make run`` start one) and may reach the
receiver on loopback (``make run`` allows it; otherwise ``SERVICEFIT_OUTBOUND_ALLOW=127.0.0.1``).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.cookiejar
import json
import queue
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERBOSE = False
SKIPPED_FORMS = ("setlang", "withdraw")  # the language switcher and "withdraw my application"
REPLY = (
    "Hello {name},\n\nThank you for writing to us, and I am sorry your order arrived so late. "
    "I understand how frustrating the wait was. I have refunded the delivery fee to your card "
    "today and added a 10% voucher to your account; you will see both within three working "
    "days. If anything else comes up, write to me directly.\n\nKind regards,\nAlex"
)


def api(base: str, token: str, method: str, path: str, body: dict | None = None, key: str = ""):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


class FormParser(HTMLParser):
    """The first POST form of a page: its action, hidden fields, radio groups and text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.in_form = False
        self.done = False
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.textareas: list[str] = []
        self.checkboxes: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if (
            tag == "form"
            and not self.done
            and a.get("method", "").lower() == "post"
            and not any(skip in a.get("action", "") for skip in SKIPPED_FORMS)
        ):
            self.in_form, self.action = True, a.get("action", "")
        elif self.in_form and tag == "input":
            kind, name = a.get("type", "text"), a.get("name", "")
            if kind == "hidden" and name:
                self.hidden[name] = a.get("value", "")
            elif kind == "radio" and name:
                self.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind == "checkbox" and name:
                self.checkboxes.append((name, a.get("value", "on")))
        elif self.in_form and tag == "textarea" and a.get("name"):
            self.textareas.append(a["name"])
        elif self.in_form and tag == "button" and a.get("name"):
            self.buttons.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


class Candidate:
    """A browser without JavaScript: cookies, CSRF token, follows redirects."""

    def __init__(self, base: str, customer_name: str) -> None:
        self.base = base
        self.customer_name = customer_name
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str) -> tuple[str, str]:
        with self.opener.open(url, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, url: str, fields: list[tuple[str, str]]) -> tuple[str, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def take(self, link: str) -> None:
        url, html = self.get(link)
        for _step in range(60):
            if VERBOSE:
                print(f"  candidate at {urllib.parse.urlparse(url).path}", file=sys.stderr)
            if url.rstrip("/").endswith("/review"):
                break
            form = FormParser()
            form.feed(html)
            if form.action is None or url.rstrip("/").endswith("/preview"):
                # the job preview links to the first page (its only form is "withdraw")
                first = _first_page_link(html)
                if first is None:
                    raise RuntimeError(f"no way forward from {url}")
                url, html = self.get(urllib.parse.urljoin(url, first))
                continue
            fields = list(form.hidden.items())
            fields += [(name, "yes") for name, value in form.checkboxes if value in {"yes", "on"}]
            if "consent" not in dict(fields) and "consent" in html:
                fields.append(("consent", "yes"))
            fields += [
                (name, values[len(values) // 2 + 1 if len(values) > 2 else 0])
                for name, values in form.radios.items()
            ]
            fields += [(name, REPLY.format(name=self.customer_name)) for name in form.textareas]
            go = [b for b in form.buttons if b[0] == "go" and b[1] != "back"]
            fields += go[:1] or [("go", "next")]
            url, html = self.post(urllib.parse.urljoin(url, form.action or url), fields)
        else:
            raise RuntimeError("the assessment did not reach the review page")
        form = FormParser()
        form.feed(html)
        submit = urllib.parse.urljoin(url, "../submit/" if not form.action else form.action)
        self.post(submit, list(form.hidden.items()))


def _first_page_link(html: str) -> str | None:
    marker = "/p/"
    at = html.find(marker)
    if at < 0:
        return None
    start = html.rfind('"', 0, at) + 1
    return html[start : html.find('"', at)]


def receiver(port: int, secret: str, events: queue.Queue) -> ThreadingHTTPServer:
    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            parts = dict(
                p.split("=", 1) for p in self.headers.get("ServiceFit-Signature", "").split(",")
            )
            expected = hmac.new(
                secret.encode(), f"{parts.get('t')}.".encode() + body, hashlib.sha256
            )
            ok = hmac.compare_digest(expected.hexdigest(), parts.get("v1", ""))
            fresh = abs(time.time() - int(parts.get("t", 0))) <= 300
            self.send_response(204 if ok and fresh else 400)
            self.end_headers()
            if ok and fresh:
                events.put(json.loads(body))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--webhook-secret", required=True)
    parser.add_argument("--receiver-port", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--verbose", action="store_true", help="show the candidate's pages")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    base = args.base_url.rstrip("/")
    events: queue.Queue = queue.Queue()
    server = receiver(args.receiver_port, args.webhook_secret, events)
    try:
        # An Idempotency-Key names one request: its retries send it again, a new request (the
        # next run) needs a new one, or it gets the first run's answer back.
        run = uuid.uuid4().hex[:12]
        job = api(
            base,
            args.token,
            "POST",
            "/api/v1/jobs",
            {"title": "Support agent (API example)", "template": "email_chat_support"},
            key=f"example-job-{run}",
        )
        print(f"job {job['id']}: {job['title']}")
        person = api(
            base,
            args.token,
            "POST",
            f"/api/v1/jobs/{job['id']}/candidates",
            {"name": "Sam Example", "email": f"sam+{run}@example.com", "language": "en"},
            key=f"example-candidate-{run}",
        )
        link = api(
            base,
            args.token,
            "POST",
            f"/api/v1/candidates/{person['id']}/invitation",
            {"send_email": False},
            key=f"example-invitation-{run}",
        )["url"]
        print(f"candidate {person['id']} invited: {link}")
        Candidate(base, "Sarah Mitchell").take(link)
        print("assessment submitted; waiting for the assessment.scored webhook …")
        deadline = time.monotonic() + args.timeout
        while True:
            event = events.get(timeout=max(0.1, deadline - time.monotonic()))
            if (
                event["type"] == "assessment.scored"
                and event["data"]["candidate_id"] == person["id"]
            ):
                break
        print(f"webhook {event['id']} (signature checked)")
        result = api(base, args.token, "GET", f"/api/v1/candidates/{person['id']}/result")
        print(json.dumps({k: result[k] for k in ("status", "composite", "flags")}, indent=2))
        for c in result["competencies"]:
            print(f"  {c['competency']:<22} {c['score']}")
        return 0 if result["status"] == "scored" else 1
    except queue.Empty:
        print("no assessment.scored webhook arrived in time", file=sys.stderr)
        return 1
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
