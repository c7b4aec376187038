"""Runs inside .venv-openbadges (not the project's environment): 1EdTech's Open Badges 2.0 validator, offline.

Reads {"assertion": url, "email": address, "responses": {url: {"body": text, "content_type": type}}} on stdin;
every fetch the validator makes is answered from "responses" (or the JSON-LD context shipped with the package);
anything else is refused. Prints the validator's report as JSON.
"""

import json
import sys

import responses
from openbadges import verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT, OPENBADGES_CONTEXT_V2_URI


def main():
    job = json.load(sys.stdin)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, OPENBADGES_CONTEXT_V2_URI, json=OPENBADGES_CONTEXT_V2_DICT)
        for url, answer in job["responses"].items():
            mock.add(
                responses.GET,
                url,
                body=answer["body"],
                status=answer.get("status", 200),
                content_type=answer["content_type"],
            )
        result = verify(job["assertion"], recipient_profile={"email": job["email"]})
    report = result["report"]
    json.dump(
        {
            "valid": report["valid"],
            "errorCount": report["errorCount"],
            "messages": [
                {"level": m.get("messageLevel"), "name": m.get("name"), "result": m.get("result")}
                for m in report["messages"]
            ],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
