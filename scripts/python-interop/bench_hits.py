"""Times the official Python SDK on the same Redis as the Node benchmark (benches/vs-python.bench.mjs).

stdin: {"redisUrl", "namespace", "calls"}
stdout: {"sdkVersion", "l1HitUs", "l2HitUs"}: median microseconds per call over batches, one caller.

The record is the Node benchmark's 1 KB user record (benches/lib/payload.js), rebuilt here.
"""

from __future__ import annotations

import statistics
import time

import cachekit
from cachekit import cache

from interop_common import make_backend, read_request, reply


def user_payload(user_id: int) -> dict:
    return {
        "id": user_id,
        "name": f"User {user_id}",
        "email": f"user{user_id}@example.com",
        "active": True,
        "createdAt": "2026-01-02T03:04:05.678Z",
        "roles": ["reader", "writer", "reviewer"],
        "profile": {
            "bio": "Writes about caching, distributed systems and the occasional cat. " * 4,
            "location": "Lisbon",
            "website": "https://example.com/users/profile",
            "followers": 1234,
            "following": 567,
        },
        "tags": [f"tag-{i}" for i in range(20)],
        "scores": [i * 1.5 for i in range(20)],
    }


def median_us_per_call(fn, calls: int, batch: int = 100) -> float:
    samples = []
    for _ in range(max(1, calls // batch)):
        started = time.perf_counter()
        for _ in range(batch):
            fn(42)
        samples.append((time.perf_counter() - started) / batch * 1e6)
    return statistics.median(samples)


def main() -> None:
    request = read_request()
    backend = make_backend(request["redisUrl"])
    namespace = request["namespace"]

    @cache(backend=backend, namespace=f"{namespace}-l1", ttl=3600)
    def with_l1(user_id: int) -> dict:
        return user_payload(user_id)

    @cache(backend=backend, namespace=f"{namespace}-l2", ttl=3600, l1_enabled=False)
    def l2_only(user_id: int) -> dict:
        return user_payload(user_id)

    calls = int(request.get("calls", 20000))
    for fn in (with_l1, l2_only):
        for _ in range(200):
            fn(42)  # warm: stored, and the connection open
    reply(
        {
            "sdkVersion": cachekit.__version__,
            "l1HitUs": median_us_per_call(with_l1, calls),
            "l2HitUs": median_us_per_call(l2_only, calls // 4),
        }
    )


if __name__ == "__main__":
    main()
