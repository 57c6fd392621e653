"""Python writes interop entries through the SDK's @cache(interop=...) decorator.

stdin: {"redisUrl", "namespace", "encryption": null | {"tenant": uuid | null}, "ttl"?,
        "cases": [{"id", "operation", "params", "args", "pythonCall"?, "value"}]}
        (master key, when encrypting: CACHEKIT_MASTER_KEY)
stdout: {"sdkVersion", "written": [{"id", "key", "storedHex", "ttl"} | {"id", "error"}],
         "keysInRedis": [every key under "{namespace}:", as SCAN finds them]}

Each case's function returns the case's value; the SDK stores it under the key it computes.
The key reported per case is the SDK's own computation for the call, and the script checks the
entry is really there; keysInRedis lists what the decorator actually wrote.
"""

from __future__ import annotations

from typing import Any, Callable


from interop_common import call_of, decorate, from_tagged, interop_key_of, open_session, reply


def returning(value: Any) -> Callable[..., Any]:
    def compute(*_args: Any, **_kwargs: Any) -> Any:
        return value

    return compute


def main() -> None:
    request, namespace, backend, client = open_session()
    written: list[dict[str, Any]] = []
    for case in request["cases"]:
        try:
            function = decorate(request, case, backend, returning(from_tagged(case["value"])))
            args, kwargs = call_of(case)
            function(*args, **kwargs)
            key = interop_key_of(namespace, case)
            stored = client.get(key)
            if stored is None:
                raise RuntimeError(f"the decorator returned but nothing is stored under {key}")
            written.append({"id": case["id"], "key": key, "storedHex": stored.hex(), "ttl": client.ttl(key)})
        except Exception as error:  # reported per case, so one refusal does not hide the others
            written.append({"id": case["id"], "error": f"{type(error).__name__}: {error}"})
    keys = sorted(k.decode() for k in client.scan_iter(match=f"{namespace}:*", count=1000))
    reply({"written": written, "keysInRedis": keys})


if __name__ == "__main__":
    main()
