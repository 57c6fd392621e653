"""Shared plumbing of the live interop scripts: JSON in on stdin, JSON out on stdout.

The Node test suite (__test__/interop/python-live.test.ts) describes calls and values in
tagged JSON, because plain JSON cannot say "this 2 is a float", "these are bytes" or "this is a
datetime". Tags are one-key objects:

  {"$int": "18446744073709551615"}  an integer beyond JSON's exact range
  {"$float": "2.0"}                 a float, even an integral one
  {"$bytes": "00ff"}                bytes, as hex
  {"$datetime": "2024-05-06T07:08:09.123000+00:00"}  a tz-aware datetime (isoformat)
  {"$date": "2024-05-06"}           a calendar date
  {"$time": "07:08:09"}             a time of day
  {"$uuid": "…"}                    a UUID (arguments only)
  {"$set": [...]}                   a set (arguments only)

Every value this module emits goes through to_tagged, so the Node side sees exactly which
Python types the SDK handed back.
"""

from __future__ import annotations

import inspect
import json
import sys
from datetime import date, datetime, time
from typing import Any, Callable, NamedTuple
from uuid import UUID

import cachekit
import redis
from cachekit import cache
from cachekit.backends import RedisBackend
from cachekit.interop import bind_flat_args, generate_interop_key

MAX_EXACT_JSON_INT = 2**53 - 1

_PARAMETER = inspect.Parameter


def read_request() -> dict[str, Any]:
    """The request the Node side wrote to stdin."""
    return json.load(sys.stdin)


def reply(payload: dict[str, Any]) -> None:
    """Writes the one JSON document the Node side parses. Logs go to stderr, never here."""
    payload = {"sdkVersion": cachekit.__version__, **payload}
    sys.stdout.write(json.dumps(payload, ensure_ascii=True))
    sys.stdout.flush()


def from_tagged(value: Any) -> Any:
    """Tagged JSON → Python value."""
    if isinstance(value, list):
        return [from_tagged(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, body), = value.items()
            if tag == "$int":
                return int(body)
            if tag == "$float":
                return float(body)
            if tag == "$bytes":
                return bytes.fromhex(body)
            if tag == "$datetime":
                return datetime.fromisoformat(body)
            if tag == "$date":
                return date.fromisoformat(body)
            if tag == "$time":
                return time.fromisoformat(body)
            if tag == "$uuid":
                return UUID(body)
            if tag == "$set":
                return {from_tagged(v) for v in body}
            if tag.startswith("$"):
                raise ValueError(f"unknown tag {tag!r}")
        return {k: from_tagged(v) for k, v in value.items()}
    return value


def to_tagged(value: Any) -> Any:
    """Python value → tagged JSON, keeping the type visible (floats are always tagged)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -MAX_EXACT_JSON_INT <= value <= MAX_EXACT_JSON_INT else {"$int": str(value)}
    if isinstance(value, float):
        return {"$float": repr(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": bytes(value).hex()}
    # datetime before date: a datetime is a date.
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, UUID):
        return {"$uuid": str(value)}
    if isinstance(value, (set, frozenset)):
        return {"$set": [to_tagged(v) for v in value]}
    if isinstance(value, (list, tuple)):
        return [to_tagged(v) for v in value]
    if isinstance(value, dict):
        return {str(k) if isinstance(k, str) else f"<{type(k).__name__} key {k!r}>": to_tagged(v) for k, v in value.items()}
    return {"$unexpected": f"{type(value).__name__}: {value!r}"}


def signature_of(params: list[dict[str, Any]]) -> inspect.Signature:
    """A signature of positional-or-keyword parameters, some with defaults (tagged JSON)."""
    return inspect.Signature(
        [
            _PARAMETER(p["name"], _PARAMETER.POSITIONAL_OR_KEYWORD, default=from_tagged(p["default"]) if "default" in p else _PARAMETER.empty)
            for p in params
        ]
    )


def call_of(case: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The positional and keyword arguments of a case's Python call."""
    call = case.get("pythonCall") or {"args": case["args"]}
    return from_tagged(call.get("args", [])), {k: from_tagged(v) for k, v in call.get("kwargs", {}).items()}


def interop_key_of(namespace: str, case: dict[str, Any]) -> str:
    """The interop key the SDK computes for a case's call (its own binding and key functions)."""
    args, kwargs = call_of(case)
    flat = bind_flat_args(signature_of(case["params"]), tuple(args), kwargs)
    return generate_interop_key(namespace, case["operation"], flat)


def make_backend(redis_url: str) -> RedisBackend:
    """An explicit RedisBackend: interop mode refuses the env-detected, tenant-prefixing one."""
    return RedisBackend(redis_url=redis_url)


class Session(NamedTuple):
    """What a read or write script works with: the request, its namespace, the SDK's backend and
    a raw client to look at what is stored."""

    request: dict[str, Any]
    namespace: str
    backend: RedisBackend
    client: Any


def open_session() -> Session:
    """Reads the request from stdin and connects to the Redis it names, both ways."""
    request = read_request()
    return Session(request, request["namespace"], make_backend(request["redisUrl"]), redis.Redis.from_url(request["redisUrl"]))


def decorate(request: dict[str, Any], case: dict[str, Any], backend: RedisBackend, body: Callable[..., Any]) -> Callable[..., Any]:
    """`body` under the SDK's public decorator in interop mode, with the case's signature.

    L1 is off so every call goes to Redis: a read must come from the entry the other SDK wrote.
    """
    body.__signature__ = signature_of(case["params"])  # type: ignore[attr-defined]
    options: dict[str, Any] = {
        "interop": case["operation"],
        "namespace": request["namespace"],
        "backend": backend,
        "l1_enabled": False,
    }
    if request.get("ttl"):
        options["ttl"] = request["ttl"]
    encryption = request.get("encryption")
    if encryption:
        # The master key comes from CACHEKIT_MASTER_KEY; the tenant is the shared deployment UUID,
        # or, when none is given, the SDK's single-tenant default (the literal "default").
        options.update(encryption=True, single_tenant_mode=True)
        if encryption.get("tenant"):
            options["deployment_uuid"] = encryption["tenant"]
    else:
        options["encryption"] = False
    return cache(**options)(body)
