#!/usr/bin/python3
"""Check a safetensors file written by Regularize with an independent, hand-written reader.

Usage: /usr/bin/python3 check_written.py FILE EXPECTED.json

FILE is parsed with struct/json only (no safetensors package): the 8-byte little-endian header length,
the JSON header, then each tensor's bytes, which are compared with PyTorch tensors built from the
values in EXPECTED.json ({"name": {"shape": [...], "values": [...], "dtype": "F32"}}; dtype F32, F16, BF16 or
I64, F32 when absent) converted by PyTorch to that dtype (.half(), .bfloat16(), int64), so a 16-bit file must hold
PyTorch's own rounding bit for bit. Also checks the layout rules
Regularize promises: header padded with spaces to a multiple of 8, tensors sorted by name, packed
without gaps from offset 0 to the end of the file. Not run in CI (CI has no Python); see docs/checkpoints.md.
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": (torch.float32, torch.float32, 4, "f"), "F16": (torch.float16, torch.int16, 2, "h"),
          "BF16": (torch.bfloat16, torch.int16, 2, "h"), "I64": (torch.int64, torch.int64, 8, "q")}


def main(path, expected_path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack_from("<Q", raw, 0)
    assert n % 8 == 0, f"header length {n} is not a multiple of 8"
    header_bytes = raw[8:8 + n]
    assert header_bytes.rstrip(b" ").endswith(b"}"), "the header is not JSON padded with spaces"
    header = json.loads(header_bytes.decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    with open(expected_path) as f:
        expected = json.load(f)

    names = list(header)
    assert names == sorted(names, key=lambda s: s.encode("utf-8")), f"not sorted by name: {names}"
    assert set(names) == set(expected), f"{names} != {sorted(expected)}"
    position = 0
    for name in names:
        info = header[name]
        begin, end = info["data_offsets"]
        dtype_name = expected[name].get("dtype", "F32")
        dtype, bits_dtype, size, code = DTYPES[dtype_name]
        assert info["dtype"] == dtype_name and begin == position, (name, info)
        count = 1
        for d in info["shape"]:
            count *= d
        assert end - begin == size * count, (name, info)
        raw_values = torch.tensor(struct.unpack_from(f"<{count}{code}", data, begin), dtype=bits_dtype)
        values = raw_values.view(dtype).reshape(info["shape"])
        want = torch.tensor(expected[name]["values"], dtype=torch.float32).reshape(expected[name]["shape"]).to(dtype)
        if dtype.is_floating_point:
            same = torch.equal(values.view(bits_dtype), want.view(bits_dtype)) or torch.equal(values, want)
        else:
            same = torch.equal(values, want)
        assert same, f"{name}: {values} != {want}"
        position = end
    assert position == len(data), f"data section is {len(data)} bytes, tensors cover {position}"
    print(f"OK: {len(names)} tensors, metadata {metadata}, {len(raw)} bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
