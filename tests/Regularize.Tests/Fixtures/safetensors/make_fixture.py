#!/usr/bin/python3
"""Write interop.safetensors and interop.expected.json, the fixture of SafeTensorsInteropTests.

The safetensors file is written by hand (struct + json), the way the format is specified: an 8-byte
little-endian header length, a JSON header padded with spaces to a multiple of 8 bytes, then the raw
little-endian tensor bytes. Tensors are laid out like the reference implementation lays them out:
by element size, largest first, then by name. Its tensors come from PyTorch:

  linear.weight, linear.bias  F32   an nn.Linear(4, 3) initialised with torch.manual_seed(0)
  half                        F16   values including 65504 (largest), 2^-24 (smallest subnormal), -0, inf
  bfloat                      BF16  seeded normal values and a few exact/edge values
  double                      F64   values whose float32 rounding matters (0.1, underflow to -0, overflow to inf)

interop.expected.json records, for each tensor, its dtype, shape and the float32 values Regularize must
produce, as IEEE bit patterns (exact, NaN/inf-safe) and as readable numbers.

rounding.safetensors, the fixture of SafeTensorsRoundingTests, holds one float32 tensor "source" of values where
rounding to 16 bits is delicate (ties to even, the largest values that stay finite, the first that overflow, half the
smallest subnormal, NaN, ±inf, ±0, float32 subnormals) and seeded normal values, and beside it "f16" = source.half()
and "bf16" = source.bfloat16(), as PyTorch converts them. Its tensors are laid out sorted by name (the layout
Regularize writes), so Regularize, asked to write source as F16 and BF16 under those names, must give the same bytes.

Run with Debian's Python, which has PyTorch:  /usr/bin/python3 make_fixture.py
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {torch.float32: ("F32", 4), torch.float16: ("F16", 2), torch.bfloat16: ("BF16", 2), torch.float64: ("F64", 8)}


def write_sorted(path, tensors, metadata):
    """Names sorted, data packed in that order, header padded with spaces to a multiple of 8."""
    header, data = {"__metadata__": metadata}, b""
    for name in sorted(tensors):
        chunk = raw_bytes(tensors[name])
        header[name] = {"dtype": DTYPES[tensors[name].dtype][0], "shape": list(tensors[name].shape), "data_offsets": [len(data), len(data) + len(chunk)]}
        data += chunk
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)) + header_bytes + data)


def rounding():
    f32max = torch.finfo(torch.float32).max
    edges = [
        1.0, 1 + 2.0 ** -11, 1 + 3 * 2.0 ** -11, 1 + 5 * 2.0 ** -12,      # F16 ties: to even (down), to even (up), not a tie
        65504.0, 65519.99609375, 65520.0, -65520.0, 1e5,                 # F16: largest finite, last below the overflow tie, overflow
        2.0 ** -24, 2.0 ** -25, 3 * 2.0 ** -26, 2.0 ** -26, 1e-8,         # F16 subnormals: smallest, its half (tie to 0), above, below
        1 + 2.0 ** -8, 1 + 3 * 2.0 ** -8, 1 + 2.0 ** -8 + 2.0 ** -20,    # BF16 ties and a near tie
        3.38e38, 3.3961e38, 3.4e38, f32max, -f32max,                      # BF16 near and past its overflow
        1e-40, -1e-45, 1e-38,                                             # float32 subnormals
        0.0, -0.0, float("inf"), float("-inf"), float("nan"), 0.1, -2.5, 3.141592653589793,
    ]
    torch.manual_seed(3)
    source = torch.cat([torch.tensor(edges, dtype=torch.float32), torch.randn(24) * 100]).reshape(3, 19)
    tensors = {"source": source, "f16": source.half(), "bf16": source.bfloat16()}
    write_sorted(os.path.join(HERE, "rounding.safetensors"), tensors, {"format": "pt", "source": "make_fixture.py"})


def raw_bytes(t):
    """The tensor's little-endian bytes, via its bit pattern as an integer tensor."""
    t = t.contiguous()
    if t.dtype == torch.float32:
        return struct.pack(f"<{t.numel()}f", *t.flatten().tolist())
    if t.dtype == torch.float64:
        return struct.pack(f"<{t.numel()}d", *t.flatten().tolist())
    bits = t.view(torch.int16).flatten().tolist()  # F16 and BF16: 16-bit patterns
    return struct.pack(f"<{t.numel()}h", *bits)


def float32_bits(t):
    f = t.to(torch.float32).contiguous().flatten()
    return [b & 0xFFFFFFFF for b in f.view(torch.int32).tolist()]


def readable(t):
    out = []
    for v in t.to(torch.float32).flatten().tolist():
        out.append(v if v == v and abs(v) != float("inf") else str(v))
    return out


def main():
    torch.manual_seed(0)
    linear = torch.nn.Linear(4, 3)
    tensors = {
        "linear.weight": linear.weight.detach().clone(),
        "linear.bias": linear.bias.detach().clone(),
        "half": torch.tensor([[1.0, -2.5, 65504.0, 2.0 ** -24], [-0.0, 0.1, 1000.5, float("inf")]], dtype=torch.float16),
        "bfloat": torch.cat([torch.randn(5), torch.tensor([1.0, -3.0e38, 1.0e-38, 0.1])]).to(torch.bfloat16).reshape(3, 3),
        "double": torch.tensor([0.1, -1e-300, 1e300, 3.141592653589793, 16777217.0, -2.5], dtype=torch.float64),
    }
    metadata = {"format": "pt", "source": "make_fixture.py"}

    order = sorted(tensors, key=lambda n: (-DTYPES[tensors[n].dtype][1], n))
    header = {"__metadata__": metadata}
    data = b""
    for name in order:
        t = tensors[name]
        chunk = raw_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype][0], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(chunk)]}
        data += chunk
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(os.path.join(HERE, "interop.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)) + header_bytes + data)

    expected = {
        "metadata": metadata,
        "order": order,
        "tensors": {
            name: {"dtype": DTYPES[t.dtype][0], "shape": list(t.shape), "float32_bits": float32_bits(t), "values": readable(t)}
            for name, t in tensors.items()
        },
    }
    with open(os.path.join(HERE, "interop.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
    rounding()
