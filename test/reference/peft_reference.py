#!/usr/bin/env python3
"""Independent reader for the safetensors files, shard indexes and PEFT adapters our TypeScript
writes (test/unit/pretrained/writers.test.ts). Parses the format by its spec with the standard
library and torch only (no safetensors / peft packages), converts float32 inputs with torch's own
.to(bfloat16/float16), and merges adapters as W + lora_alpha / r * B @ A.

Usage (prints one JSON object on stdout):
  peft_reference.py inspect PATH [EXPECT.json]   PATH: a .safetensors file, or a folder with
        model.safetensors[.index.json] or adapter_model.safetensors. EXPECT maps tensor names to
        {"dtype", "bits": [float32 bit patterns]}: torch's conversion of those values is reported.
  peft_reference.py merge ADAPTER_DIR BASE.json  BASE maps module names (…layers.0.self_attn.q_proj)
        to {"shape": [out, in], "bits": [float32 bit patterns]}; prints the merged weights' bits.
  peft_reference.py merge-folder BASE_DIR ADAPTER_DIR OUT_DIR DTYPE   PEFT's merge_and_unload of a whole
        model folder: every base tensor, adapted ones as W + lora_alpha / r * B @ A (float64), written
        as OUT_DIR/model.safetensors in DTYPE (F32|F16|BF16, torch's .to()) with the base config.json;
        prints {"merged": [module names]}.
"""
import json
import os
import struct
import sys

import numpy
import torch

DTYPES = {"F32": (torch.float32, 4, torch.int32), "F16": (torch.float16, 2, torch.int16), "BF16": (torch.bfloat16, 2, torch.int16)}


def fail(msg):
    print(json.dumps({"error": msg}))
    sys.exit(2)


def read_file(path):
    """{name: {dtype, shape, tensor}} and metadata, checking every rule of the format."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        fail(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        fail(f"{path}: header length {n} past the end of the file")
    raw_header = blob[8 : 8 + n]
    header = json.loads(raw_header.decode("utf-8"))
    data = blob[8 + n :]
    meta = header.pop("__metadata__", None)
    spans = []
    out = {}
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            fail(f"{path}: {name} has dtype {dtype}")
        tdtype, size, _ = DTYPES[dtype]
        count = 1
        for d in shape:
            count *= d
        if end - begin != count * size:
            fail(f"{path}: {name} spans {end - begin} bytes, shape {shape} in {dtype} needs {count * size}")
        spans.append((begin, end, name))
        buf = bytearray(data[begin:end])
        t = torch.frombuffer(buf, dtype=tdtype).reshape(shape) if count else torch.empty(shape, dtype=tdtype)
        out[name] = {"dtype": dtype, "shape": list(shape), "tensor": t}
    spans.sort()
    pos = 0
    for begin, end, name in spans:
        if begin != pos:
            fail(f"{path}: {name} starts at {begin}, expected {pos} (gap or overlap)")
        pos = end
    if pos != len(data):
        fail(f"{path}: data section has {len(data)} bytes, tensors cover {pos}")
    return out, meta, {"header_len": n, "header_padded_to_8": n % 8 == 0, "header_ends_with": raw_header[-1:].decode()}


def bits(t):
    return t.contiguous().view(DTYPES[{torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[t.dtype]][2]).reshape(-1).tolist()


def f32_from_bits(b):
    return torch.from_numpy(numpy.array(b, dtype=numpy.uint32).view(numpy.float32).copy())


def inspect(path, expect_file):
    files = {}
    index = None
    if os.path.isdir(path):
        idx = os.path.join(path, "model.safetensors.index.json")
        if os.path.exists(idx):
            with open(idx) as f:
                index = json.load(f)
            for shard in sorted(set(index["weight_map"].values())):
                files[shard] = os.path.join(path, shard)
        else:
            for cand in ("model.safetensors", "adapter_model.safetensors"):
                if os.path.exists(os.path.join(path, cand)):
                    files[cand] = os.path.join(path, cand)
    else:
        files[os.path.basename(path)] = path
    expect = {}
    if expect_file:
        with open(expect_file) as f:
            expect = json.load(f)
    tensors = {}
    file_info = {}
    for short, full in files.items():
        content, meta, info = read_file(full)
        file_info[short] = {"metadata": meta, "names": list(content.keys()), "bytes": os.path.getsize(full), **info}
        for name, t in content.items():
            if name in tensors:
                fail(f"{name} appears in two shards")
            entry = {"file": short, "dtype": t["dtype"], "shape": t["shape"], "bits": bits(t["tensor"])}
            if name in expect:
                src = f32_from_bits(expect[name]["bits"])
                entry["torch_bits"] = bits(src.to(DTYPES[expect[name]["dtype"]][0]))
            tensors[name] = entry
    result = {"files": file_info, "tensors": tensors}
    if index is not None:
        sizes = {name: t["tensor"].numel() * DTYPES[t["dtype"]][1] for f in files.values() for name, t in read_file(f)[0].items()}
        result["index"] = index
        result["data_bytes"] = sum(sizes.values())
        with open(os.path.join(path, "model.safetensors.index.json")) as f:
            result["index_text"] = f.read()
        result["index_as_python_writes_it"] = json.dumps(index, indent=2, sort_keys=True) + "\n"
    print(json.dumps(result))


def merge(adapter_dir, base_file):
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        config = json.load(f)
    tensors, _, _ = read_file(os.path.join(adapter_dir, "adapter_model.safetensors"))
    with open(base_file) as f:
        base = json.load(f)
    scale = config["lora_alpha"] / config["r"]
    merged = {}
    for module, w in base.items():
        W = f32_from_bits(w["bits"]).reshape(w["shape"]).to(torch.float64)
        A = tensors[f"{module}.lora_A.weight"]["tensor"].to(torch.float64)
        B = tensors[f"{module}.lora_B.weight"]["tensor"].to(torch.float64)
        if A.shape[0] != config["r"] or B.shape[1] != config["r"]:
            fail(f"{module}: A {list(A.shape)} / B {list(B.shape)} do not have rank r = {config['r']}")
        merged[module] = bits((W + scale * (B @ A)).to(torch.float32))
    print(json.dumps({"config": config, "merged": merged}))


def load_weights(folder):
    idx = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(idx):
        with open(idx) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
    else:
        shards = ["model.safetensors"]
    out = {}
    for shard in shards:
        content, _, _ = read_file(os.path.join(folder, shard))
        out.update({name: t["tensor"] for name, t in content.items()})
    return out


def write_file(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        dtype = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[t.dtype]
        raw = t.contiguous().view(DTYPES[dtype][2]).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def merge_folder(base_dir, adapter_dir, out_dir, dtype):
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        config = json.load(f)
    adapter, _, _ = read_file(os.path.join(adapter_dir, "adapter_model.safetensors"))
    scale = config["lora_alpha"] / config["r"]
    weights = load_weights(base_dir)
    merged = []
    out = {}
    prefix = "base_model.model."
    for name, W in weights.items():
        module = prefix + name[: -len(".weight")] if name.endswith(".weight") else None
        if module and f"{module}.lora_A.weight" in adapter:
            A = adapter[f"{module}.lora_A.weight"]["tensor"].to(torch.float64)
            B = adapter[f"{module}.lora_B.weight"]["tensor"].to(torch.float64)
            W = (W.to(torch.float64) + scale * (B @ A)).to(torch.float32)
            merged.append(module)
        out[name] = W.to(torch.float32).to(DTYPES[dtype][0])
    adapted = {n[: -len(".lora_A.weight")] for n in adapter if n.endswith(".lora_A.weight")}
    if adapted != set(merged):
        fail(f"adapter modules without a base weight: {sorted(adapted - set(merged))}")
    os.makedirs(out_dir, exist_ok=True)
    write_file(os.path.join(out_dir, "model.safetensors"), out)
    with open(os.path.join(base_dir, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    print(json.dumps({"merged": sorted(merged)}))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "inspect":
        inspect(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif len(sys.argv) == 4 and sys.argv[1] == "merge":
        merge(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "merge-folder":
        merge_folder(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        fail(__doc__)
