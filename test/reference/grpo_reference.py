#!/usr/bin/env python3
"""Test-side reference for a GRPO step's gradients, independent of the TypeScript code.

The Llama-family forward is hf_reference.py's (transformers' equations in torch, fp32). LoRA is
applied in the forward as PEFT merges it: W + (alpha / r) * B @ A on each adapted projection. The loss
is the recipe's token-level GRPO loss,

    loss = sum_seq sum_t ( -w[seq, t] * log p(token_t | tokens_<t) ) / (number of response tokens),

with w the sequence's weight (its advantage) or its per-token weights, and torch autograd gives the
gradients: of every model tensor (full fine-tuning) or of every lora_A / lora_B (LoRA).

  grpo_reference.py write SPECS.json  writes tiny random checkpoints: {"specs": [hf_reference.py write SPEC, ..]}
  grpo_reference.py grad JOBS.json   prints JSON [{"loss", "tokenCount", "grads": {name: [..]}}, ..]

JOBS: {"jobs": [{"dir": model folder, "batch": [{"tokens", "promptLength", "weight", "tokenWeights"?}],
        "lora": null | {"rank", "alpha", "adapters": {module: {"A": [r*in], "B": [out*r]}}}}]}
where module is e.g. "model.layers.0.self_attn.q_proj"; LoRA gradients are named
"{module}.lora_A.weight" / "{module}.lora_B.weight" and flattened row-major like the weights.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_reference import forward, load_folder, write  # noqa: E402

torch.set_num_threads(1)


def job_gradients(job):
    d = job["dir"]
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    base = load_folder(d)
    lora = job.get("lora")
    leaves = {}
    if lora:
        scale = lora["alpha"] / lora["rank"]
        weights = dict(base)  # frozen: no requires_grad
        for module, ab in lora["adapters"].items():
            out_f, in_f = base[module + ".weight"].shape
            A = torch.tensor(ab["A"], dtype=torch.float32).reshape(lora["rank"], in_f).requires_grad_(True)
            B = torch.tensor(ab["B"], dtype=torch.float32).reshape(out_f, lora["rank"]).requires_grad_(True)
            leaves[module + ".lora_A.weight"] = A
            leaves[module + ".lora_B.weight"] = B
            weights[module + ".weight"] = base[module + ".weight"] + scale * (B @ A)
    else:
        leaves = {k: v.clone().requires_grad_(True) for k, v in base.items()}
        weights = leaves
    total = sum(len(s["tokens"]) - s["promptLength"] for s in job["batch"])
    loss = torch.zeros(())
    for s in job["batch"]:
        ids, start = s["tokens"], s["promptLength"]
        lp = torch.log_softmax(forward(cfg, weights, ids), dim=-1)
        n = len(ids) - start
        w = torch.tensor(s["tokenWeights"] if s.get("tokenWeights") is not None else [s["weight"]] * n, dtype=torch.float32)
        # Row t - 1 predicts token t, for the response tokens t = start .. len - 1.
        picked = lp[torch.arange(start - 1, len(ids) - 1), torch.tensor(ids[start:])]
        loss = loss - (w * picked).sum()
    loss = loss / max(total, 1)
    loss.backward()
    return {"loss": loss.item(), "tokenCount": total, "grads": {n: t.grad.flatten().tolist() for n, t in leaves.items()}}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("grad", "write"):
        sys.exit("usage: grpo_reference.py grad JOBS.json | write SPECS.json")
    with open(sys.argv[2]) as f:
        inp = json.load(f)
    if sys.argv[1] == "write":
        for spec in inp["specs"]:
            write(spec)
    else:
        json.dump([job_gradients(j) for j in inp["jobs"]], sys.stdout)
