"""Python reads entries another SDK wrote, through the SDK's @cache(interop=...) decorator.

stdin: {"redisUrl", "namespace", "encryption": null | {"tenant": uuid | null},
        "cases": [{"id", "operation", "params", "args", "pythonCall"?}]}
        (master key, when encrypting: CACHEKIT_MASTER_KEY)
stdout: {"sdkVersion", "results": [{"id", "key", "present", "storedHex", "hit",
         "value"?, "reencodedHex"?, "miss"?}]}

Every function body raises: a value can only come back from the cache entry, never from a
recomputation. `hit: false` means the body ran, i.e. the SDK found no entry or could not read
it (decode or authentication failure, which the SDK treats as a miss). `reencodedHex` is the
SDK's own interop encoding of the value it read, to compare with the bytes the writer stored.
"""

from __future__ import annotations

from typing import Any, Callable

from cachekit.interop import encode_interop_value

from interop_common import call_of, decorate, interop_key_of, open_session, reply, to_tagged


class FunctionBodyRan(Exception):
    """The decorated function was called: the value did not come from the cache."""


def failing(case_id: str) -> Callable[..., Any]:
    def compute(*_args: Any, **_kwargs: Any) -> Any:
        raise FunctionBodyRan(f"case {case_id}: the function body ran, so the cache had no readable entry")

    return compute


def main() -> None:
    request, namespace, backend, client = open_session()
    results: list[dict[str, Any]] = []
    for case in request["cases"]:
        key = interop_key_of(namespace, case)
        # Looked at before the call: a miss on an unreadable entry may evict it.
        stored = client.get(key)
        result: dict[str, Any] = {"id": case["id"], "key": key, "present": stored is not None, "storedHex": stored.hex() if stored is not None else None}
        function = decorate(request, case, backend, failing(case["id"]))
        args, kwargs = call_of(case)
        try:
            value = function(*args, **kwargs)
            result.update(hit=True, value=to_tagged(value), reencodedHex=encode_interop_value(value).hex())
        except FunctionBodyRan as miss:
            result.update(hit=False, miss=str(miss))
        results.append(result)
    reply({"results": results})


if __name__ == "__main__":
    main()
