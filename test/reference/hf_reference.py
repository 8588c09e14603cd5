#!/usr/bin/env python3
"""Test-side reference for Hugging Face decoder checkpoints, independent of the TypeScript code.

Implements transformers' modeling_llama / qwen2 / qwen3 / mistral equations directly in torch (fp32,
no `transformers` package), and reads/writes safetensors through safetensors_io.py (struct + json, from the spec).

  hf_reference.py write SPEC.json      writes a tiny random checkpoint folder (config.json,
                                       generation_config.json, model.safetensors or shards + index)
  hf_reference.py score DIR INPUT.json  prints JSON {"logprobs": [[null, lp1, ...], ...],
                                       "greedy": [[id, ...], ...]} for INPUT {"sequences": [[ids]],
                                       "prompts": [[ids]], "max_new_tokens": N}

SPEC: {"dir", "architecture", "config": {...config.json fields...}, "dtype": "BF16|F16|F32",
       "shards": 1, "seed": 0, "std": 0.02}
"""
import json
import math
import os
import sys

import torch

torch.set_num_threads(1)



from safetensors_io import DTYPES, load_folder, load_safetensors, save_safetensors  # noqa: E402,F401


# ---------------------------------------------------------------- the network (transformers' equations)

def dims(cfg):
    heads = cfg["num_attention_heads"]
    kv = cfg.get("num_key_value_heads") or heads
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // heads
    return heads, kv, head_dim


def biases(cfg):
    arch = cfg["architectures"][0]
    if arch == "Qwen2ForCausalLM":
        return True, False
    if arch in ("LlamaForCausalLM", "Qwen3ForCausalLM"):
        b = bool(cfg.get("attention_bias", False))
        return b, b
    return False, False


def tensor_shapes(cfg):
    d = cfg["hidden_size"]
    heads, kv, hd = dims(cfg)
    qkv_bias, o_bias = biases(cfg)
    inter = cfg["intermediate_size"]
    shapes = {"model.embed_tokens.weight": [cfg["vocab_size"], d]}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}"
        shapes[f"{p}.input_layernorm.weight"] = [d]
        shapes[f"{p}.self_attn.q_proj.weight"] = [heads * hd, d]
        shapes[f"{p}.self_attn.k_proj.weight"] = [kv * hd, d]
        shapes[f"{p}.self_attn.v_proj.weight"] = [kv * hd, d]
        if qkv_bias:
            shapes[f"{p}.self_attn.q_proj.bias"] = [heads * hd]
            shapes[f"{p}.self_attn.k_proj.bias"] = [kv * hd]
            shapes[f"{p}.self_attn.v_proj.bias"] = [kv * hd]
        if cfg["architectures"][0] == "Qwen3ForCausalLM":
            shapes[f"{p}.self_attn.q_norm.weight"] = [hd]
            shapes[f"{p}.self_attn.k_norm.weight"] = [hd]
        shapes[f"{p}.self_attn.o_proj.weight"] = [d, heads * hd]
        if o_bias:
            shapes[f"{p}.self_attn.o_proj.bias"] = [d]
        shapes[f"{p}.post_attention_layernorm.weight"] = [d]
        shapes[f"{p}.mlp.gate_proj.weight"] = [inter, d]
        shapes[f"{p}.mlp.up_proj.weight"] = [inter, d]
        shapes[f"{p}.mlp.down_proj.weight"] = [d, inter]
    shapes["model.norm.weight"] = [d]
    if not cfg.get("tie_word_embeddings", False):
        shapes["lm_head.weight"] = [cfg["vocab_size"], d]
    return shapes


def inv_freq(cfg, hd):
    base = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    rs = cfg.get("rope_scaling")
    if rs and rs.get("rope_type", rs.get("type")) == "llama3":
        factor, low, high, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
        low_wavelen = old / low
        high_wavelen = old / high
        wavelen = 2 * math.pi / inv
        inv_l = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, inv_l)
    return inv


def rms_norm(x, w, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def forward(cfg, W, ids):
    """Logits [T, V] for one sequence of ids (full causal recompute, no cache)."""
    heads, kv, hd = dims(cfg)
    eps = cfg.get("rms_norm_eps", 1e-6)
    T = len(ids)
    x = W["model.embed_tokens.weight"][torch.tensor(ids)]
    pos = torch.arange(T).float()
    freqs = pos[:, None] * inv_freq(cfg, hd)[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((T, T), float("-inf")).triu(1)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)

        def proj(name, n):
            y = h @ W[p + f"self_attn.{name}.weight"].T
            if p + f"self_attn.{name}.bias" in W:
                y = y + W[p + f"self_attn.{name}.bias"]
            return y.view(T, n, hd).transpose(0, 1)  # [n, T, hd]

        q, k, v = proj("q_proj", heads), proj("k_proj", kv), proj("v_proj", kv)
        if p + "self_attn.q_norm.weight" in W:
            q = rms_norm(q, W[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, W[p + "self_attn.k_norm.weight"], eps)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(heads // kv, dim=0)
        v = v.repeat_interleave(heads // kv, dim=0)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hd) + mask, dim=-1)
        y = (att @ v).transpose(0, 1).reshape(T, heads * hd)
        o = y @ W[p + "self_attn.o_proj.weight"].T
        if p + "self_attn.o_proj.bias" in W:
            o = o + W[p + "self_attn.o_proj.bias"]
        x = x + o
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        gate = h @ W[p + "mlp.gate_proj.weight"].T
        up = h @ W[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ W[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else W["lm_head.weight"]
    return x @ head.T


# ---------------------------------------------------------------- commands

def write(spec):
    cfg = dict(spec["config"])
    cfg["architectures"] = [spec["architecture"]]
    d = spec["dir"]
    os.makedirs(d, exist_ok=True)
    gen = torch.Generator().manual_seed(spec.get("seed", 0))
    dtype = DTYPES[spec.get("dtype", "F32")]
    std = spec.get("std", 0.02)
    tensors = {}
    for name, shape in tensor_shapes(cfg).items():
        if name.endswith("norm.weight") or name.endswith("layernorm.weight"):
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        elif name.endswith(".bias"):
            t = 0.1 * torch.randn(shape, generator=gen)
        else:
            t = std * torch.randn(shape, generator=gen)
        tensors[name] = t.to(dtype)
    shards = spec.get("shards", 1)
    if shards == 1:
        save_safetensors(os.path.join(d, "model.safetensors"), tensors)
    else:
        names = list(tensors)
        per = math.ceil(len(names) / shards)
        weight_map = {}
        for s in range(shards):
            fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: tensors[n] for n in names[s * per:(s + 1) * per]}
            save_safetensors(os.path.join(d, fname), part)
            weight_map.update({n: fname for n in part})
        total = sum(t.numel() * t.element_size() for t in tensors.values())
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    cfg.setdefault("torch_dtype", {"BF16": "bfloat16", "F16": "float16", "F32": "float32"}[spec.get("dtype", "F32")])
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    gen_cfg = {"bos_token_id": cfg.get("bos_token_id"), "eos_token_id": cfg.get("eos_token_id")}
    gen_cfg.update(spec.get("generation", {}))
    with open(os.path.join(d, "generation_config.json"), "w") as f:
        json.dump(gen_cfg, f, indent=2)


def grad(d, inp):
    """Gradients of -sum(weight * log p(token)) over each sequence's response tokens (torch autograd)."""
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    W = {k: v.clone().requires_grad_(True) for k, v in load_folder(d).items()}
    loss = 0.0
    for item in inp["batch"]:
        ids, start, w = item["tokens"], item["promptLength"], item["weight"]
        lp = torch.log_softmax(forward(cfg, W, ids), dim=-1)
        for t in range(start, len(ids)):
            loss = loss - w * lp[t - 1, ids[t]]
    loss.backward()
    json.dump({"loss": loss.item(), "grads": {n: W[n].grad.flatten().tolist() for n in inp["names"]}}, sys.stdout)


def score(d, inp):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    W = load_folder(d)
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
    elif sys.argv[1] == "grad":
        with open(sys.argv[3]) as f:
            grad(sys.argv[2], json.load(f))
    elif sys.argv[1] == "score":
        with open(sys.argv[3]) as f:
            score(sys.argv[2], json.load(f))
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
