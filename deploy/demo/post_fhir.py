#!/usr/bin/env python3
"""A FHIR client, as far as the demo needs one: POSTs each FHIR R4 JSON file to a FHIR
endpoint, a transaction or batch Bundle to the base URL and any other resource to
BASE/<resourceType>, and prints each answer's HTTP status.

    post_fhir.py http://HOST:PORT FILE.json...

Exits 1 when an answer is not 2xx (printing the OperationOutcome's diagnostics) or none
comes; 2 for usage errors or a file that is not a JSON resource.
"""
import json
import sys
import urllib.error
import urllib.request

TIMEOUT_S = 15


def target(base, path):
    with open(path, "rb") as f:
        body = f.read()
    resource = json.loads(body)
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if not isinstance(kind, str) or not kind:
        raise ValueError(f"{path}: not a FHIR resource (no resourceType)")
    url = base.rstrip("/") + ("/" if kind == "Bundle" else "/" + kind)
    return url, kind, body


def diagnostics(body):
    try:
        outcome = json.loads(body)
        return "; ".join(issue.get("diagnostics", "") for issue in outcome.get("issue", []))
    except (ValueError, AttributeError):
        return body[:200].decode("utf-8", "replace")


def main(argv):
    if len(argv) < 3 or not argv[1].startswith("http://"):
        print("usage: post_fhir.py http://HOST:PORT FILE.json...", file=sys.stderr)
        return 2
    for path in argv[2:]:
        try:
            url, kind, body = target(argv[1], path)
        except (OSError, ValueError) as error:
            print(f"post_fhir.py: {error}", file=sys.stderr)
            return 2
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
                print(f"{path}: POST {kind}: {answer.status} {answer.reason}")
        except urllib.error.HTTPError as error:
            print(f"{path}: POST {kind}: {error.code} {error.reason}: {diagnostics(error.read())}",
                  file=sys.stderr)
            return 1
        except (urllib.error.URLError, OSError) as error:
            print(f"{path}: POST {kind}: no answer: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
