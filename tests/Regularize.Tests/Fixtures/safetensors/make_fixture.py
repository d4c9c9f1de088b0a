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

Run with Debian's Python, which has PyTorch:  /usr/bin/python3 make_fixture.py
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {torch.float32: ("F32", 4), torch.float16: ("F16", 2), torch.bfloat16: ("BF16", 2), torch.float64: ("F64", 8)}


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
