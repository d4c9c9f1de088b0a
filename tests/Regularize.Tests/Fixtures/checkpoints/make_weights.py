#!/usr/bin/python3
"""Write the fixture of ModelWeightsInteropTests: PyTorch weights for a small MLP as safetensors, and PyTorch's outputs.

The model (Regularize builds the same one, so the names must agree):

  torch.nn.Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Dropout(0.3), Linear(8, 8), LayerNorm(8), Tanh(), Linear(8, 3))

It is initialised with torch.manual_seed(7); its LayerNorm affine parameters are perturbed (so that they matter) and
BatchNorm's running statistics are trained on five random batches. Then, in eval mode, the outputs for a fixed input
are recorded.

Files written (the safetensors format by hand, with struct + json, as Fixtures/safetensors/make_fixture.py does;
the Python `safetensors` package is not installed here):

  torch_mlp.safetensors       model.state_dict() under PyTorch's names and in its dtypes: every float tensor F32,
                              BatchNorm's num_batches_tracked I64.
  torch_mlp_f16.safetensors   the same with every float tensor converted by .half() (F16), num_batches_tracked I64.
  torch_mlp_bf16.safetensors  the same with every float tensor converted by .bfloat16() (BF16).
                              These three are the targets of ModelWeightsRoundTripTests: Regularize, given the F32
                              weights, must write each of them byte for byte (names sorted, packed in that order,
                              header padded with spaces, as write_safetensors below lays them out).
  torch_mlp_half.safetensors  every weight matrix as BF16 and every other tensor as F16 (num_batches_tracked F32); the
                              outputs for it come from the same model with its weights rounded that way.
  torch_mlp.expected.json     the input, and the eval-mode outputs of both models (float32 values).

Run with Debian's Python, which has PyTorch:  /usr/bin/python3 make_weights.py

The other direction, checked by hand (CI has no Python): `/usr/bin/python3 make_weights.py --check FILE` reads FILE,
a weights file written by Regularize's ModelWeights.Save or a training checkpoint (tensors under "model."), with a
hand-written parser, loads it into the PyTorch model with load_state_dict(strict=True) and compares the eval-mode
outputs with torch_mlp.expected.json. ModelWeightsTests.SavedWeightsForThePythonCheck writes such a file.
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = {torch.float32: ("F32", "f"), torch.float16: ("F16", "e"), torch.bfloat16: ("BF16", None), torch.int64: ("I64", "q")}
DTYPES = {"F32": (torch.float32, "f", 4), "F16": (torch.float16, "e", 2), "BF16": (torch.bfloat16, None, 2), "I64": (torch.int64, "q", 8)}


def raw_bytes(t):
    t = t.contiguous().flatten()
    name, code = CODES[t.dtype]
    if code is None:  # bfloat16: its 16-bit patterns
        return struct.pack(f"<{t.numel()}h", *t.view(torch.int16).tolist())
    return struct.pack(f"<{t.numel()}{code}", *t.tolist())


def write_safetensors(path, tensors, metadata):
    """Header: names sorted, data packed in that order; header padded with spaces to a multiple of 8."""
    header, data, offset = {"__metadata__": metadata}, b"", 0
    for name in sorted(tensors):
        t = tensors[name]
        blob = raw_bytes(t)
        header[name] = {"dtype": CODES[t.dtype][0], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        data += blob
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def build():
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Dropout(0.3),
        torch.nn.Linear(8, 8), torch.nn.LayerNorm(8), torch.nn.Tanh(), torch.nn.Linear(8, 3))


def main():
    torch.manual_seed(7)
    model = build()
    with torch.no_grad():
        model[5].weight.add_(0.1 * torch.randn(8))
        model[5].bias.add_(0.1 * torch.randn(8))
        model.train()
        for _ in range(5):
            model(torch.randn(16, 4) * 2 + 0.5)
    model.eval()
    x = torch.randn(6, 4)

    native = {k: v.detach().clone() for k, v in model.state_dict().items()}
    assert native["1.num_batches_tracked"].dtype == torch.int64
    write_safetensors(os.path.join(HERE, "torch_mlp.safetensors"), native, {"format": "pt"})
    for suffix, dtype in (("f16", torch.float16), ("bf16", torch.bfloat16)):
        converted = {k: v if v.dtype == torch.int64 else v.to(dtype) for k, v in native.items()}
        write_safetensors(os.path.join(HERE, f"torch_mlp_{suffix}.safetensors"), converted, {"format": "pt"})
    state = {k: v.to(torch.float32) for k, v in native.items()}
    with torch.no_grad():
        y = model(x)

    half = {k: v.to(torch.bfloat16 if v.dim() == 2 else torch.float16) for k, v in state.items()}
    write_safetensors(os.path.join(HERE, "torch_mlp_half.safetensors"), half, {"format": "pt"})
    rounded = build()
    rounded.load_state_dict({k: v.to(torch.float32) for k, v in half.items()})
    rounded.eval()
    with torch.no_grad():
        y_half = rounded(x)

    expected = {
        "names": list(state.keys()),
        "input": {"shape": list(x.shape), "values": x.flatten().tolist()},
        "output": {"shape": list(y.shape), "values": y.flatten().tolist()},
        "output_half": {"shape": list(y_half.shape), "values": y_half.flatten().tolist()},
        "num_batches_tracked": int(model[1].num_batches_tracked),
    }
    with open(os.path.join(HERE, "torch_mlp.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def read_safetensors(path):
    """A hand parser: 8-byte length, JSON header, then F32, F16, BF16 or I64 data (what Regularize writes)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        dtype, code, size = DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        if code is None:  # bfloat16: 16-bit patterns
            bits = struct.unpack(f"<{(end - begin) // 2}h", data[begin:end])
            tensors[name] = torch.tensor(bits, dtype=torch.int16).view(torch.bfloat16).reshape(e["shape"])
        else:
            values = struct.unpack(f"<{(end - begin) // size}{code}", data[begin:end])
            tensors[name] = torch.tensor(values, dtype=dtype).reshape(e["shape"])
    return tensors, metadata


def check(path):
    tensors, metadata = read_safetensors(path)
    if "regularize.checkpoint" in metadata:
        info = json.loads(metadata["regularize.checkpoint"])
        print("checkpoint, format version", info["version"], "progress", info["progress"])
        tensors = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    for name, t in tensors.items():
        # A weights file keeps PyTorch's dtypes; a training checkpoint stores every model tensor as F32.
        want = torch.int64 if name.endswith("num_batches_tracked") and "regularize.checkpoint" not in metadata else None
        assert want is None or t.dtype == want, f"{name} is {t.dtype}, PyTorch keeps it as {want}"
    model = build()
    model.load_state_dict(tensors, strict=True)  # copies F16/BF16 values into the float32 parameters
    model.eval()
    with open(os.path.join(HERE, "torch_mlp.expected.json")) as f:
        expected = json.load(f)
    x = torch.tensor(expected["input"]["values"]).reshape(expected["input"]["shape"])
    with torch.no_grad():
        y = model(x).flatten()
    want = torch.tensor(expected["output"]["values"])
    if any(t.dtype in (torch.float16, torch.bfloat16) for t in tensors.values()):
        print("weights were rounded to 16 bits: comparing with a tolerance of 5e-2")
        assert torch.allclose(y, want, atol=5e-2, rtol=0), "outputs differ"
        print("OK:", len(tensors), "tensors loaded strictly")
        return
    print("max |difference| from PyTorch's own outputs:", float((y - want).abs().max()))
    assert torch.allclose(y, want, atol=2e-6, rtol=0), "outputs differ"
    print("OK:", len(tensors), "tensors loaded strictly")


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        main()
