#!/usr/bin/python3
"""Reference values for Regularize's functional API (axis reductions, softmax, tanh GELU, loss options).

Run with Debian's python3-torch (PyTorch 1.13):  /usr/bin/python3 generate.py
Writes functional_reference.json beside this script. CI never runs this; the JSON is committed.

Every float array is stored exactly: float32 little-endian bytes, base64-encoded.
Each case records an input x, the op's output y, and the gradient dL/dx for L = sum(w * y) with a stored
uneven weighting w (so a gradient routed to the wrong element cannot cancel out).
"""
import base64
import json
import os

import torch

gen = torch.Generator().manual_seed(20261202)


def b64(t):
    a = t.detach().contiguous().cpu().numpy().astype('<f4', copy=False).ravel()
    return base64.b64encode(a.tobytes()).decode('ascii')


def tensor(t):
    return {"shape": list(t.shape), "data": b64(t)}


def randn(*shape):
    return torch.randn(*shape, generator=gen, dtype=torch.float32)


def weights_like(y):
    return torch.rand(y.shape, generator=gen, dtype=torch.float32) + 0.5


def record(x, f, **extra):
    x = x.clone().requires_grad_(True)
    y = f(x)
    w = weights_like(y)
    (y * w).sum().backward()
    out = {"x": tensor(x), "y": tensor(y), "w": tensor(w), "grad": tensor(x.grad)}
    out.update(extra)
    return out


def main():
    cases = {}

    # Softmax and log-softmax along every axis of a rank-3 tensor, negative axes included.
    x3 = randn(3, 4, 5) * 2
    for dim in [0, 1, 2, -1, -2, -3]:
        cases[f"softmax_dim{dim}"] = record(x3, lambda x: torch.softmax(x, dim), dim=dim)
        cases[f"log_softmax_dim{dim}"] = record(x3, lambda x: torch.log_softmax(x, dim), dim=dim)

    # Sum / mean over several axes at once, with and without keepdim.
    x4 = randn(2, 3, 4, 5)
    for dims in [[0], [1, 3], [-1, 0], [0, 1, 2, 3], [2, -3]]:
        for keep in [False, True]:
            tag = "_".join(str(d) for d in dims) + ("_keep" if keep else "")
            cases[f"sum_{tag}"] = record(x4, lambda x: torch.sum(x, dim=dims, keepdim=keep), dims=dims, keepdim=keep)
            cases[f"mean_{tag}"] = record(x4, lambda x: torch.mean(x, dim=dims, keepdim=keep), dims=dims, keepdim=keep)

    # amax over several axes, on values with ties (a half-integer grid), so the tie-sharing gradient is exercised.
    xt = torch.round(randn(3, 4, 5) * 2) / 2
    for dims in [[1], [0, 2], [-1, -2], [0, 1, 2]]:
        for keep in [False, True]:
            tag = "_".join(str(d) for d in dims) + ("_keep" if keep else "")
            cases[f"amax_{tag}"] = record(xt, lambda x: torch.amax(x, dim=dims, keepdim=keep), dims=dims, keepdim=keep)

    # torch.max(x, dim): values, indices (first maximal element), gradient to that element only.
    for dim in [0, 1, -1]:
        for keep in [False, True]:
            xx = xt.clone().requires_grad_(True)
            values, indices = torch.max(xx, dim=dim, keepdim=keep)
            w = weights_like(values)
            (values * w).sum().backward()
            cases[f"max_dim{dim}" + ("_keep" if keep else "")] = {
                "x": tensor(xx), "y": tensor(values), "w": tensor(w), "grad": tensor(xx.grad),
                "indices": indices.flatten().tolist(), "dim": dim, "keepdim": keep}

    # GELU, both forms, over a wide range (tails included).
    xg = torch.cat([torch.linspace(-12, 12, 241), randn(100) * 3])
    cases["gelu_tanh"] = record(xg, lambda x: torch.nn.functional.gelu(x, approximate="tanh"))
    cases["gelu_none"] = record(xg, lambda x: torch.nn.functional.gelu(x))

    # Cross-entropy: reductions, class weights, ignore_index (default -100 and a class index), label smoothing.
    n, c = 7, 5
    logits = randn(n, c) * 1.5
    class_weights = torch.tensor([0.5, 2.0, 1.0, 0.25, 3.0])
    targets_plain = [0, 4, 2, 2, 1, 3, 4]
    targets_ignored = [0, -100, 2, 2, -100, 3, 4]
    targets_ignore_class = [0, 4, 2, 2, 1, 3, 4]  # ignore_index=2 drops samples 2 and 3
    ce_cases = []
    for reduction in ["mean", "sum", "none"]:
        for weighted in [False, True]:
            for smoothing in [0.0, 0.2]:
                for tname, targets, ignore in [("plain", targets_plain, -100), ("ignored", targets_ignored, -100),
                                               ("ignore_class", targets_ignore_class, 2)]:
                    ce_cases.append((reduction, weighted, smoothing, tname, targets, ignore))
    for reduction, weighted, smoothing, tname, targets, ignore in ce_cases:
        name = f"ce_{reduction}_{'weighted' if weighted else 'unweighted'}_ls{smoothing}_{tname}"
        kw = dict(reduction=reduction, label_smoothing=smoothing, ignore_index=ignore)
        if weighted:
            kw["weight"] = class_weights
        cases[name] = record(logits, lambda x: torch.nn.functional.cross_entropy(x, torch.tensor(targets), **kw).reshape(-1)
                             if reduction != "none" else torch.nn.functional.cross_entropy(x, torch.tensor(targets), **kw),
                             targets=targets, reduction=reduction, label_smoothing=smoothing, ignore_index=ignore,
                             weights=tensor(class_weights) if weighted else None)

    # All samples ignored: the mean is NaN (0/0) in PyTorch.
    with torch.no_grad():
        all_ignored = torch.nn.functional.cross_entropy(logits, torch.tensor([-100] * n))
    cases["ce_all_ignored_mean"] = {"x": tensor(logits), "y": tensor(all_ignored.reshape(1)), "targets": [-100] * n}

    # Elementwise losses without reduction.
    pred = randn(4, 3)
    target = randn(4, 3)
    cases["mse_none"] = record(pred, lambda x: torch.nn.functional.mse_loss(x, target, reduction="none"), target=tensor(target))
    probs = torch.rand(4, 3, generator=gen)
    cases["bce_logits_none"] = record(pred, lambda x: torch.nn.functional.binary_cross_entropy_with_logits(x, probs, reduction="none"),
                                      target=tensor(probs))

    out = {"torch_version": torch.__version__, "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "functional_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path)} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
