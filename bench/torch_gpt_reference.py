"""PyTorch on the same CPU and shapes as bench/trainer.bench.ts (the demo-sized GPT: pre-LayerNorm,
GELU MLP, learned positions, untied head): training tokens/s (forward, backward, Adam step on a
batch of 16 x 127 predicted positions) and KV-cache sampling tokens/s at batch 16 and 64 (8-token
prompts, 120 new tokens, temperature 0.7). Prints one JSON line. Usage:
  python3 bench/torch_gpt_reference.py [--threads N] [--vocab 80 --width 128 --layers 4 --heads 4 --context 128]
"""
import argparse, json, math, time
import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--threads', type=int, default=1)
p.add_argument('--vocab', type=int, default=80)
p.add_argument('--width', type=int, default=128)
p.add_argument('--layers', type=int, default=4)
p.add_argument('--heads', type=int, default=4)
p.add_argument('--context', type=int, default=128)
p.add_argument('--batch', type=int, default=16)
p.add_argument('--steps', type=int, default=3)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
V, D, L, H, T = a.vocab, a.width, a.layers, a.heads, a.context
hd = D // H


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(D); self.qkv = torch.nn.Linear(D, 3 * D); self.proj = torch.nn.Linear(D, D)
        self.ln2 = torch.nn.LayerNorm(D); self.fc = torch.nn.Linear(D, 4 * D); self.out = torch.nn.Linear(4 * D, D)

    def forward(self, x, cache=None):
        B, S, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        q, k, v = (t.view(B, S, H, hd).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            if cache.get('k') is not None:
                k = torch.cat([cache['k'], k], 2); v = torch.cat([cache['v'], v], 2)
            cache['k'], cache['v'] = k, v
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        if S > 1:  # causal mask over the new positions (torch 1.13 has no scaled_dot_product_attention)
            Lk = k.shape[2]
            mask = torch.ones(S, Lk, dtype=torch.bool).tril(Lk - S)
            att = att.masked_fill(~mask, float('-inf'))
        y = torch.softmax(att, -1) @ v
        x = x + self.proj(y.transpose(1, 2).reshape(B, S, D))
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate='tanh'))


class GPT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = torch.nn.Embedding(V, D); self.wpe = torch.nn.Embedding(T, D)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(L)); self.lnf = torch.nn.LayerNorm(D)
        self.head = torch.nn.Linear(D, V, bias=False)

    def forward(self, idx, pos0=0, caches=None):
        S = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(pos0, pos0 + S))
        for i, b in enumerate(self.blocks):
            x = b(x, None if caches is None else caches[i])
        return self.head(self.lnf(x))


m = GPT()
opt = torch.optim.Adam(m.parameters(), lr=1e-4)
idx = torch.tensor([[(1 + i * 7 + j * 3) % V for j in range(T)] for i in range(a.batch)])
weights = torch.tensor([1.0 if i % 2 else -1.0 for i in range(a.batch)])


def train_step():
    logits = m(idx[:, :-1])
    lp = torch.log_softmax(logits, -1).gather(-1, idx[:, 1:, None]).squeeze(-1)
    loss = -(lp * weights[:, None]).sum() / lp.numel()
    opt.zero_grad(); loss.backward(); opt.step()


train_step()
times = []
for _ in range(a.steps):
    t0 = time.perf_counter(); train_step(); times.append(time.perf_counter() - t0)
train_tok_s = a.batch * (T - 1) / sorted(times)[len(times) // 2]


@torch.no_grad()
def sample(n, new=120, temp=0.7):
    prompts = torch.tensor([[(1 + i + j * 5) % V for j in range(8)] for i in range(n)])
    caches = [dict() for _ in range(L)]
    logits = m(prompts, 0, caches)[:, -1]
    pos = prompts.shape[1]
    for _ in range(new):
        probs = torch.softmax(logits / temp, -1)
        nxt = torch.multinomial(probs, 1)
        logits = m(nxt, pos, caches)[:, -1]
        pos += 1
    return n * new


def sample_rate(n):
    sample(min(n, 4), new=4)
    t0 = time.perf_counter(); toks = sample(n); return toks / (time.perf_counter() - t0)


print(json.dumps({'backend': f'pytorch {torch.__version__} ({a.threads} thread{"s" if a.threads > 1 else ""})',
                  'train_tok_s': round(train_tok_s, 1), 'sample16_tok_s': round(sample_rate(16), 1),
                  'sample64_tok_s': round(sample_rate(64), 1)}))
