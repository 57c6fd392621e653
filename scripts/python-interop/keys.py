"""The interop keys the Python SDK computes for calls, without touching a cache.

stdin: {"namespace", "calls": [{"id", "operation", "params", "args", "pythonCall"?}]}
stdout: {"sdkVersion", "keys": [{"id", "key", "canonicalArgsHex", "flatArgs"} | {"id", "error"}]}

Uses the SDK's exported interop functions: bind_flat_args (the decorator's argument binding:
keywords to positions, defaults applied), canonical_args_bytes and generate_interop_key.
"""

from __future__ import annotations

from typing import Any

from cachekit.interop import bind_flat_args, canonical_args_bytes, generate_interop_key

from interop_common import call_of, read_request, reply, signature_of, to_tagged


def main() -> None:
    request = read_request()
    keys: list[dict[str, Any]] = []
    for call in request["calls"]:
        try:
            args, kwargs = call_of(call)
            flat = bind_flat_args(signature_of(call["params"]), tuple(args), kwargs)
            keys.append(
                {
                    "id": call["id"],
                    "key": generate_interop_key(request["namespace"], call["operation"], flat),
                    "canonicalArgsHex": canonical_args_bytes(flat).hex(),
                    "flatArgs": to_tagged(flat),
                }
            )
        except Exception as error:
            keys.append({"id": call["id"], "error": f"{type(error).__name__}: {error}"})
    reply({"keys": keys})


if __name__ == "__main__":
    main()
