"""AceReason Studio reward function for verl (standard library only).

verl calls ``compute_score(data_source, solution_str, ground_truth, extra_info=None, **kw)`` for every
rollout (``custom_reward_function.path=<this file>``). The score is computed by the same verifiers the
embedded trainer uses, served by ``acereason serve`` over HTTP:

- math: 1.0 if the last ``\\boxed{}`` after ``</think>`` is equivalent to the reference answer, else 0.0
  (the verifier's options ``extract``, ``precision``, ``strict``, ``allow_set_relation`` can be set in
  ``custom_reward_function.reward_kwargs`` or per sample in ``extra_info``; ``extract`` defaults to
  ``["boxed"]``, the recipe's reward);
- code: 1.0 only if the program passes every test in time, else 0.0.

This differs from verl's built-in sandbox_fusion path, which scores code with partial credit (the
fraction of the first tests passed, ``continuous=True``) and does not split on ``</think>``.

The result is ``{"score": 1.0|0.0, "acereason_id": <prompt id>}``: verl accepts a dict with a "score"
key and writes the extra key into its rollout dumps, which lets ``acereason export verl
--filter-rollouts`` apply the recipe's between-stage filter by prompt id. Math results also carry
``acereason_state`` (correct, wrong, no-answer, gold-unparseable, timeout, error) and
``acereason_verifier_failed`` (1.0 when the verifier could not decide: the 0.0 score is then not a
judgement of the response, and the dumps show it).

Environment: ACEREASON_REWARD_URL (default baked in at export), ACEREASON_REWARD_TOKEN (shared secret,
sent as X-AceReason-Token), ACEREASON_REWARD_TIMEOUT_S (HTTP timeout, default 300).
A service that cannot be reached raises after retries: a silent 0 would poison training.
"""
import json
import os
import time
import urllib.error
import urllib.request

DEFAULT_URL = "__ACEREASON_REWARD_URL__"


def _post(path, body):
    url = os.environ.get("ACEREASON_REWARD_URL", DEFAULT_URL).rstrip("/") + path
    data = json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    token = os.environ.get("ACEREASON_REWARD_TOKEN")
    if token:
        headers["X-AceReason-Token"] = token
    timeout = float(os.environ.get("ACEREASON_REWARD_TIMEOUT_S", "300"))
    last = None
    for attempt in range(4):
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:500]
            if e.code < 500 and e.code != 429:
                raise RuntimeError("AceReason reward service %s answered HTTP %d: %s" % (url, e.code, detail))
            last = "HTTP %d: %s" % (e.code, detail)
        except (urllib.error.URLError, OSError) as e:
            last = str(e)
        if attempt < 3:
            time.sleep(0.5 * (2 ** attempt))
    raise RuntimeError("AceReason reward service %s did not answer after 4 tries: %s" % (url, last))


def _ability(ground_truth, extra_info):
    if isinstance(extra_info, dict) and extra_info.get("ability") in ("math", "code"):
        return extra_info["ability"]
    if isinstance(ground_truth, dict):
        return "code"
    if isinstance(ground_truth, str) and ground_truth.lstrip().startswith("{"):
        try:
            return "code" if "inputs" in json.loads(ground_truth) else "math"
        except ValueError:
            return "math"
    return "math"


MATH_OPTIONS = ("extract", "precision", "strict", "allow_set_relation")
VERIFIER_FAILURES = ("gold-unparseable", "timeout", "error")


def _math_options(extra_info, kwargs):
    options = {"extract": ["boxed"]}
    for source in (kwargs, extra_info if isinstance(extra_info, dict) else {}):
        for key in MATH_OPTIONS:
            if source.get(key) is not None:
                value = source[key]
                options[key] = [m.strip() for m in value.split(",")] if key == "extract" and isinstance(value, str) else value
    return options


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    if _ability(ground_truth, extra_info) == "code":
        truth = json.loads(ground_truth) if isinstance(ground_truth, str) else ground_truth
        item = {
            "response": solution_str,
            "tests": [{"input": str(i), "output": str(o)} for i, o in zip(truth["inputs"], truth["outputs"])],
        }
        if truth.get("fn_name"):
            item["fn_name"] = truth["fn_name"]
        result = _post("/verify/code", [item])[0]
        ok = bool(result.get("passed"))
    else:
        item = {"gold": str(ground_truth), "response": solution_str}
        item.update(_math_options(extra_info, kwargs))
        result = _post("/verify/math", [item])[0]
        ok = bool(result.get("correct"))
    if "error" in result:
        raise RuntimeError("AceReason reward service rejected the item: %s" % result["error"])
    out = {"score": 1.0 if ok else 0.0}
    if "state" in result:
        out["acereason_state"] = result["state"]
        out["acereason_verifier_failed"] = 1.0 if result["state"] in VERIFIER_FAILURES else 0.0
    if isinstance(extra_info, dict) and extra_info.get("id") is not None:
        out["acereason_id"] = str(extra_info["id"])
    return out
