#!/usr/bin/env python3
"""PyTorch baseline for bench/pretrained.bench.ts: the same checkpoint folder, fp32, one thread
(BENCH_TORCH_THREADS=N for N).
Prints JSON {"load_s", "peak_rss_mb", "sample_tokens_per_s", "score_tokens_per_s"}.
Usage: bench_torch.py DIR BATCH PROMPT_LEN NEW_TOKENS SCORE_ROWS SCORE_LEN [TEMPERATURE TOP_P]
       bench_torch.py train DIR ROWS LENGTH STEPS
         full fine-tuning with torch.optim.AdamW: prints {"step_s": [...], "peak_rss_mb"}"""
import json
import math
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from hf_reference import dims, inv_freq, load_folder, rms_norm, rotate_half  # noqa: E402

torch.set_num_threads(int(os.environ.get("BENCH_TORCH_THREADS", "1")))


class Model:
    def __init__(self, cfg, W):
        self.cfg, self.W = cfg, W
        self.heads, self.kv, self.hd = dims(cfg)
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        self.inv = inv_freq(cfg, self.hd)
        self.head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else W["lm_head.weight"]

    def step(self, ids, start, cache):
        """ids [B, T] at positions start..start+T-1; cache: list of (k, v) [B, kv, L, hd] or None. Returns hidden [B, T, d]."""
        W, B, T = self.W, ids.shape[0], ids.shape[1]
        x = W["model.embed_tokens.weight"][ids]
        pos = torch.arange(start, start + T).float()
        emb = torch.cat([pos[:, None] * self.inv[None, :]] * 2, dim=-1)
        cos, sin = emb.cos(), emb.sin()
        L = start + T
        mask = torch.full((T, L), float("-inf")).triu(start + 1)
        new_cache = []
        for i in range(self.cfg["num_hidden_layers"]):
            p = f"model.layers.{i}."
            h = rms_norm(x, W[p + "input_layernorm.weight"], self.eps)

            def proj(name, n):
                y = h @ W[p + f"self_attn.{name}.weight"].T
                if p + f"self_attn.{name}.bias" in W:
                    y = y + W[p + f"self_attn.{name}.bias"]
                return y.view(B, T, n, self.hd).transpose(1, 2)

            q, k, v = proj("q_proj", self.heads), proj("k_proj", self.kv), proj("v_proj", self.kv)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if cache is not None:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            new_cache.append((k, v))
            g = self.heads // self.kv
            att = torch.softmax(q.reshape(B, self.kv, g * T, self.hd) @ k.transpose(2, 3) / math.sqrt(self.hd) + mask.repeat(g, 1), dim=-1)
            y = (att @ v).reshape(B, self.heads, T, self.hd).transpose(1, 2).reshape(B, T, -1)
            x = x + y @ W[p + "self_attn.o_proj.weight"].T
            h = rms_norm(x, W[p + "post_attention_layernorm.weight"], self.eps)
            x = x + (torch.nn.functional.silu(h @ W[p + "mlp.gate_proj.weight"].T) * (h @ W[p + "mlp.up_proj.weight"].T)) @ W[p + "mlp.down_proj.weight"].T
        return rms_norm(x, W["model.norm.weight"], self.eps), new_cache


def draw(logits, temperature, top_p, gen):
    """Nucleus sampling of one token per row (temperature 0: argmax)."""
    if temperature <= 0:
        return logits.argmax(-1, keepdim=True)
    probs = torch.softmax(logits / temperature, dim=-1)
    if top_p < 1:
        sorted_p, order = probs.sort(dim=-1, descending=True)
        keep = sorted_p.cumsum(-1) - sorted_p < top_p
        sorted_p = sorted_p * keep
        return order.gather(-1, torch.multinomial(sorted_p, 1, generator=gen))
    return torch.multinomial(probs, 1, generator=gen)


def train(d, rows, length, steps):
    """Full fine-tuning steps (forward, backward, AdamW) on random tokens; the loss is -Σ log p over all positions."""
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    W = {k: v.float().requires_grad_(True) for k, v in load_folder(d).items()}
    m = Model(cfg, W)
    opt = torch.optim.AdamW(list(W.values()), lr=1e-5)
    gen = torch.Generator().manual_seed(0)
    times = []
    for _ in range(steps):
        seqs = torch.randint(0, cfg["vocab_size"], (rows, length + 1), generator=gen)
        t0 = time.time()
        h, _ = m.step(seqs[:, :-1], 0, None)
        flat, targets = h.reshape(-1, h.shape[-1]), seqs[:, 1:].reshape(-1)
        loss = 0
        for c in range(0, flat.shape[0], 64):  # chunks of logits, as ours
            lp = torch.log_softmax(flat[c:c + 64] @ m.head.T, dim=-1)
            loss = loss - lp.gather(-1, targets[c:c + 64, None]).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.time() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"step_s": times, "peak_rss_mb": peak}, sys.stdout)


def main():
    if sys.argv[1] == "train":
        return train(sys.argv[2], *map(int, sys.argv[3:6]))
    d, batch, plen, new, rows, slen = sys.argv[1], *map(int, sys.argv[2:7])
    temperature = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
    top_p = float(sys.argv[8]) if len(sys.argv) > 8 else 1.0
    t0 = time.time()
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    m = Model(cfg, load_folder(d))
    load_s = time.time() - t0
    V = cfg["vocab_size"]
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        ids = torch.randint(0, V, (batch, plen), generator=gen)
        t0 = time.time()
        h, cache = m.step(ids, 0, None)
        for s in range(new):
            nxt = draw(h[:, -1] @ m.head.T, temperature, top_p, gen)
            h, cache = m.step(nxt, plen + s, cache)
        sample_tps = batch * new / (time.time() - t0)
        seqs = torch.randint(0, V, (rows, slen), generator=gen)
        t0 = time.time()
        h, _ = m.step(seqs[:, :-1], 0, None)
        flat = h.reshape(-1, h.shape[-1])
        for c in range(0, flat.shape[0], 64):  # chunks of logits, as ours
            torch.log_softmax(flat[c:c + 64] @ m.head.T, dim=-1)
        score_tps = rows * slen / (time.time() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"load_s": load_s, "peak_rss_mb": peak, "sample_tokens_per_s": sample_tps, "score_tokens_per_s": score_tps}, sys.stdout)


if __name__ == "__main__":
    main()
