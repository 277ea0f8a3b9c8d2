"""Simulated candidates: what a phone browser does, over plain HTTP/1.1 keep-alive.

Each candidate opens the link, consents, answers every item one autosave at a time with a
think time between answers, changes a few answers, and submits. Like the page's script, it
retries an autosave that failed (connection refused while a server restarts, a 5xx) until it is
acknowledged; every request's latency and outcome is recorded. What counts as *acknowledged* is
a 200 to an autosave: that answer must be in the database afterwards.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REPLY_TEXT = (
    "Dear customer, I am sorry that your parcel is late. I have checked your order and it "
    "will arrive tomorrow before noon; I will call you if anything changes. Kind regards"
)


@dataclass
class Stats:
    """Latencies (seconds) of autosaves, and failures, shared by all candidate threads."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    window: list[tuple[float, float]] = field(default_factory=list)  # (time, latency)

    def ok(self, latency: float) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.window.append((time.monotonic(), latency))

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors += 1
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


@dataclass
class Outcome:
    token: str
    answers: dict[str, tuple[object, list[object]]] = field(default_factory=dict)
    """key -> (last acknowledged value, values sent later without acknowledgement)"""
    submitted: bool = False
    failed: str = ""


class Browser:
    """One candidate's connection: cookies, CSRF token, reconnects after a server restart."""

    def __init__(self, base_url: str, *, timeout: float = 30) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, headers=None
    ) -> tuple[int, str, dict[str, str]]:
        """One request; like a browser, resend once if a kept-alive connection was closed."""
        reused = self.conn is not None
        try:
            return self._request(method, path, form, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            if not reused:
                raise
            return self._request(method, path, form, headers)

    def _request(
        self, method: str, path: str, form: dict[str, str] | None = None, headers=None
    ) -> tuple[int, str, dict[str, str]]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        body = urllib.parse.urlencode(form) if form is not None else None
        all_headers = {"Accept-Language": "en", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=all_headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, text, {k.lower(): v for k, v in response.getheaders()}


def run_candidate(
    *,
    base_url: str,
    token: str,
    keys: list[str],
    reply_key: str,
    think: float,
    stats: Stats,
    rng: random.Random,
    deadline: float,
    submit: bool = True,
) -> Outcome:
    outcome = Outcome(token=token)
    browser = Browser(base_url)

    def until_ok(method: str, path: str, form=None, headers=None, ok=(200, 302), kind=""):
        kind = (
            kind
            or f"{method} {path.rstrip('/').split('/')[-1] if path.count('/') > 3 else 'landing'}"
        )
        delay = 0.2
        while time.monotonic() < deadline:
            try:
                status, text, _ = browser.request(method, path, form, headers)
            except (OSError, http.client.HTTPException) as exc:
                stats.error(f"{kind}:{type(exc).__name__}")
            else:
                if status in ok:
                    return text
                stats.error(f"{kind}:{status}")
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        raise TimeoutError(f"{method} {path} never succeeded")

    try:
        landing = until_ok("GET", f"/a/{token}/")
        csrf = CSRF_INPUT.search(landing)
        if not csrf:
            raise RuntimeError("no CSRF token on the landing page")
        until_ok("POST", f"/a/{token}/", {"consent": "yes", "csrfmiddlewaretoken": csrf.group(1)})
        headers = {"X-CSRFToken": browser.cookies.get("csrftoken", ""), "HX-Request": "true"}
        order = list(keys)
        changes = rng.sample(order, k=max(1, len(order) // 10))
        for key in [*order, *changes]:
            value: object = REPLY_TEXT if key == reply_key else rng.randint(1, 5)
            acked, later = outcome.answers.get(key, (None, []))
            attempts: list[object] = []
            while time.monotonic() < deadline:
                attempts.append(value)
                start = time.monotonic()
                try:
                    status, _text, _ = browser.request(
                        "POST", f"/a/{token}/answer/", {"key": key, key: str(value)}, headers
                    )
                except (OSError, http.client.HTTPException) as exc:
                    stats.error(f"answer:{type(exc).__name__}")
                    time.sleep(0.3)
                    continue
                if status == 200:
                    stats.ok(time.monotonic() - start)
                    outcome.answers[key] = (value, [])
                    break
                stats.error(f"answer:{status}")
                if status < 500:
                    break  # refused for a reason (not a fault): not acknowledged, not retried
                time.sleep(0.3)
            else:
                outcome.answers.setdefault(key, (acked, later))[1].extend(attempts)
            if think:
                time.sleep(rng.uniform(0.5, 1.5) * think)
        if submit:
            review = until_ok("GET", f"/a/{token}/review/")
            csrf = CSRF_INPUT.search(review)
            form = {"csrfmiddlewaretoken": csrf.group(1) if csrf else ""}
            until_ok("POST", f"/a/{token}/submit/", form, kind="submit")
            outcome.submitted = True
    except Exception as exc:  # recorded and reported; the accounting still checks the database
        outcome.failed = f"{type(exc).__name__}: {exc}"
    return outcome


def run_candidates(
    *,
    servers: list[str],
    tokens: list[str],
    keys: list[str],
    reply_key: str,
    think: float,
    stats: Stats,
    max_seconds: float,
    seed: int = 2026,
    ramp_seconds: float = 5.0,
) -> list[Outcome]:
    """All candidates at once (one thread each), spread over the servers round-robin."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def one(index: int, token: str) -> None:
        time.sleep(ramp_seconds * index / max(1, len(tokens)))
        result = run_candidate(
            base_url=servers[index % len(servers)],
            token=token,
            keys=keys,
            reply_key=reply_key,
            think=think,
            stats=stats,
            rng=random.Random(seed + index),
            deadline=deadline,
        )
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=one, args=(i, t), daemon=True) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def steady_rate(window: list[tuple[float, float]]) -> float:
    """Autosaves per second while every candidate is busy: between the 10th and the 90th
    percentile of completion times, so the ramp-up and the last stragglers do not count."""
    times = sorted(t for t, _ in window)
    if len(times) < 10:
        return float("nan")
    first, last = times[len(times) // 10], times[len(times) * 9 // 10]
    return (len(times) * 8 // 10) / (last - first) if last > first else float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
