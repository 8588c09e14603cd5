#!/usr/bin/env python3
"""Test-side reference for GPT2LMHeadModel folders, independent of the TypeScript code.

Implements transformers' modeling_gpt2 equations directly in torch (fp32, no `transformers`
package): learned position embeddings, pre-LayerNorm blocks, Conv1D layers (y = x @ W + b with W
[in, out]), c_attn split into q | k | v along the last dim and each of those into heads of
n_embd / n_head contiguous columns, tanh GELU ("gelu_new"), ln_f, and the head (lm_head.weight
[V, d], or wte when tie_word_embeddings, the default). Reads and writes safetensors with struct + json
from the format's spec.

  gpt2_reference.py write SPEC.json      writes a random GPT-2 checkpoint folder laid out as
                                         transformers' originals can be: SPEC {"dir", "config", "dtype",
                                         "seed", "std", "base_only" (names without "transformer."),
                                         "buffers" (each layer's attn.bias / attn.masked_bias),
                                         "lm_head" (a tied checkpoint that still carries lm_head.weight)}
  gpt2_reference.py score DIR INPUT.json  prints JSON {"logprobs": [[null, lp1, ...], ...],
                                         "greedy": [[id, ...], ...]} for INPUT {"sequences": [[ids]],
                                         "prompts": [[ids]], "max_new_tokens": N}
"""
import json
import math
import os
import sys

import torch

torch.set_num_threads(1)

from safetensors_io import DTYPES, load_folder, save_safetensors  # noqa: E402


# ---------------------------------------------------------------- the network (modeling_gpt2's equations)

def inner_dim(cfg):
    return cfg.get("n_inner") or 4 * cfg["n_embd"]


def tensor_shapes(cfg):
    d, V, inner = cfg["n_embd"], cfg["vocab_size"], inner_dim(cfg)
    shapes = {"transformer.wte.weight": [V, d], "transformer.wpe.weight": [cfg["n_positions"], d]}
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}"
        shapes.update({
            f"{p}.ln_1.weight": [d], f"{p}.ln_1.bias": [d],
            f"{p}.attn.c_attn.weight": [d, 3 * d], f"{p}.attn.c_attn.bias": [3 * d],
            f"{p}.attn.c_proj.weight": [d, d], f"{p}.attn.c_proj.bias": [d],
            f"{p}.ln_2.weight": [d], f"{p}.ln_2.bias": [d],
            f"{p}.mlp.c_fc.weight": [d, inner], f"{p}.mlp.c_fc.bias": [inner],
            f"{p}.mlp.c_proj.weight": [inner, d], f"{p}.mlp.c_proj.bias": [d],
        })
    shapes["transformer.ln_f.weight"] = [d]
    shapes["transformer.ln_f.bias"] = [d]
    if not cfg.get("tie_word_embeddings", True):
        shapes["lm_head.weight"] = [V, d]
    return shapes


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def conv1d(x, W, name):
    return x @ W[name + ".weight"] + W[name + ".bias"]


def forward(cfg, W, ids):
    """Logits [T, V] of one sequence, positions 0..T-1, causal."""
    d, H = cfg["n_embd"], cfg["n_head"]
    hd = d // H
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    T = len(ids)
    ids_t = torch.tensor(ids)
    x = W["transformer.wte.weight"][ids_t] + W["transformer.wpe.weight"][torch.arange(T)]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}"
        h = layer_norm(x, W[f"{p}.ln_1.weight"], W[f"{p}.ln_1.bias"], eps)
        q, k, v = conv1d(h, W, f"{p}.attn.c_attn").split(d, dim=-1)
        q, k, v = (m.view(T, H, hd).permute(1, 0, 2) for m in (q, k, v))  # _split_heads: [H, T, hd]
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min))
        y = (torch.softmax(scores, dim=-1) @ v).permute(1, 0, 2).reshape(T, d)  # _merge_heads
        x = x + conv1d(y, W, f"{p}.attn.c_proj")
        h = layer_norm(x, W[f"{p}.ln_2.weight"], W[f"{p}.ln_2.bias"], eps)
        x = x + conv1d(gelu_new(conv1d(h, W, f"{p}.mlp.c_fc")), W, f"{p}.mlp.c_proj")
    x = layer_norm(x, W["transformer.ln_f.weight"], W["transformer.ln_f.bias"], eps)
    head = W["transformer.wte.weight"] if cfg.get("tie_word_embeddings", True) else W["lm_head.weight"]
    return x @ head.T


def with_prefix(W):
    """A base-model-only file (GPT2Model's names) as GPT2LMHeadModel's: transformers adds 'transformer.'."""
    if any(n.startswith("transformer.") for n in W):
        return W
    return {n if n.startswith("lm_head.") else "transformer." + n: t for n, t in W.items()}


# ---------------------------------------------------------------- commands

def write(spec):
    cfg = dict(spec["config"])
    cfg["architectures"] = ["GPT2LMHeadModel"]
    cfg.setdefault("model_type", "gpt2")
    d = spec["dir"]
    os.makedirs(d, exist_ok=True)
    gen = torch.Generator().manual_seed(spec.get("seed", 0))
    dtype = DTYPES[spec.get("dtype", "F32")]
    std = spec.get("std", 0.02)
    tensors = {}
    for name, shape in tensor_shapes(cfg).items():
        if ".ln_" in name and name.endswith(".weight"):
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        elif name.endswith(".bias"):
            t = 0.1 * torch.randn(shape, generator=gen)
        else:
            t = std * torch.randn(shape, generator=gen)
        tensors[name] = t.to(dtype)
    if spec.get("lm_head") and cfg.get("tie_word_embeddings", True):
        tensors["lm_head.weight"] = tensors["transformer.wte.weight"].clone()
    if spec.get("buffers"):
        n = cfg["n_positions"]
        for i in range(cfg["n_layer"]):
            tensors[f"transformer.h.{i}.attn.bias"] = torch.tril(torch.ones(n, n)).view(1, 1, n, n).to(dtype)
            tensors[f"transformer.h.{i}.attn.masked_bias"] = torch.tensor(-1e4).to(dtype)
    if spec.get("base_only"):
        tensors = {n: t for n, t in tensors.items() if not n.startswith("lm_head.")}
        tensors = {n[len("transformer."):]: t for n, t in tensors.items()}
    save_safetensors(os.path.join(d, "model.safetensors"), tensors)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(d, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": cfg.get("bos_token_id"), "eos_token_id": cfg.get("eos_token_id")}, f, indent=2)


def score(d, inp):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    assert cfg["architectures"] == ["GPT2LMHeadModel"], cfg["architectures"]
    assert cfg.get("activation_function", "gelu_new") in ("gelu_new", "gelu_pytorch_tanh")
    W = with_prefix(load_folder(d))
    out = {"logprobs": [], "greedy": []}
    with torch.no_grad():
        for ids in inp.get("sequences", []):
            lp = torch.log_softmax(forward(cfg, W, ids).double(), dim=-1)
            out["logprobs"].append([None] + [lp[t - 1, ids[t]].item() for t in range(1, len(ids))])
        for prompt in inp.get("prompts", []):
            seq = list(prompt)
            for _ in range(inp.get("max_new_tokens", 0)):
                seq.append(int(forward(cfg, W, seq)[-1].argmax().item()))
            out["greedy"].append(seq[len(prompt):])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        with open(sys.argv[2]) as f:
            write(json.load(f))
    elif sys.argv[1] == "score":
        with open(sys.argv[3]) as f:
            score(sys.argv[2], json.load(f))
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
