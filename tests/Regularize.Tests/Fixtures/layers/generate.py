#!/usr/bin/python3
"""Reference data for GroupNorm and DropPath (tests/Regularize.Tests/Nn/GroupNormTests.cs, DropPathTests.cs).

Run with Debian's interpreter, which has PyTorch 1.13 and torchvision 0.14 (apt: python3-torchvision):
    /usr/bin/python3 generate.py
It writes layers_reference.json. Every float array is stored exactly: float32 little-endian bytes, base64-encoded.

group_norm: for each case the float32 input x, weight and bias (when affine), a weighting w, and, computed in float64
from those float32 values with torch.nn.functional.group_norm, the output y and the gradients of L = sum(w * y) with
respect to x, weight and bias (rounded once to float32), so the differences the C# tests see are their own float32
rounding. Shapes include groups = 1 (a LayerNorm over C, H, W), groups = C (instance norm), rank 2 and rank 3 inputs,
no affine map, and an input far from zero mean.

residual: a ResNet basic block (body conv-bn-relu-conv-bn, shortcut 1x1 conv-bn with stride 2) then ReLU, in
training mode, with its state dict (the names Residual must give), output, gradients and running statistics.

stochastic_depth: torchvision.ops.stochastic_depth in training mode on a float32 input, in both modes, from fixed
torch seeds. Our generator is not torch's, so the tests check the formula, not the draws: each example's output is
either all zeros or exactly input * (1/(1 - p)) as torchvision computes it in float32.
"""
import base64
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import stochastic_depth

HERE = os.path.dirname(os.path.abspath(__file__))
gen = torch.Generator().manual_seed(20261202)


def b64(t):
    a = t.detach().cpu().float().numpy().astype('<f4', copy=False).ravel()
    return base64.b64encode(a.tobytes()).decode('ascii')


def rec(t):
    return {"shape": list(t.shape), "data": b64(t)}


def randn(*shape, mean=0.0, std=1.0):
    return (mean + std * torch.randn(*shape, generator=gen, dtype=torch.float32)).float()


def group_norm_case(name, shape, groups, affine=True, eps=1e-5, mean=0.0, std=1.0):
    c = shape[1]
    x = randn(*shape, mean=mean, std=std)
    w = (0.5 + torch.rand(*shape, generator=gen, dtype=torch.float32)).float()
    case = {"groups": groups, "eps": eps, "x": rec(x), "w": rec(w)}
    leaves = [x.double().requires_grad_(True)]
    if affine:
        gamma = randn(c, mean=1.0, std=0.5)
        beta = randn(c, std=0.5)
        case["weight"] = rec(gamma)
        case["bias"] = rec(beta)
        leaves += [gamma.double().requires_grad_(True), beta.double().requires_grad_(True)]
    y = F.group_norm(leaves[0], groups, leaves[1] if affine else None, leaves[2] if affine else None, eps)
    (y * w.double()).sum().backward()
    case["y"] = rec(y)
    case["dx"] = rec(leaves[0].grad)
    if affine:
        case["dweight"] = rec(leaves[1].grad)
        case["dbias"] = rec(leaves[2].grad)
    return name, case


def stochastic_depth_case(name, shape, p, mode, seed):
    x = randn(*shape)
    torch.manual_seed(seed)
    y = stochastic_depth(x, p, mode, training=True)
    return name, {"p": p, "mode": mode, "x": rec(x), "y": rec(y)}


class Block(torch.nn.Module):
    """A ResNet basic block with a projection shortcut, named as Regularize's Residual names its children."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.body = nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
                                  nn.Conv2d(4, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4))
        self.shortcut = nn.Sequential(nn.Conv2d(3, 4, 1, stride=2, bias=False), nn.BatchNorm2d(4))

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


def residual_case():
    """The block then ReLU, in training mode: float32 weights by state-dict name, the output and every gradient of
    L = sum(w * y) in float64, and the buffers after that one step."""
    torch.manual_seed(7)
    model = torch.nn.Sequential(Block(), torch.nn.ReLU())
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() == 1:
                p.copy_(randn(*p.shape, mean=1.0, std=0.3))
            elif p.dim() == 1:
                p.copy_(randn(*p.shape, std=0.3))
    state = {k: v.clone() for k, v in model.state_dict().items()}
    x = randn(2, 3, 7, 6)
    w = randn(2, 4, 4, 3)
    model = model.double()
    xd = x.double().requires_grad_(True)
    y = model(xd)
    (y * w.double()).sum().backward()
    return {"state": {k: rec(v) for k, v in state.items()},
            "state_names": list(state.keys()),
            "x": rec(x), "w": rec(w), "y": rec(y), "dx": rec(xd.grad),
            "grads": {k: rec(p.grad) for k, p in model.named_parameters()},
            "buffers_after": {k: rec(v) for k, v in model.state_dict().items() if k.endswith("running_mean") or k.endswith("running_var")}}


def main():
    group_norm = dict([
        group_norm_case("groups2_nchw", [3, 6, 5, 7], 2),
        group_norm_case("groups1_layernorm", [2, 4, 3, 5], 1),
        group_norm_case("groupsC_instancenorm", [2, 5, 4, 3], 5, eps=1e-3),
        group_norm_case("rank2_noaffine", [4, 6], 3, affine=False),
        group_norm_case("rank3_offset", [2, 8, 9], 4, mean=3.0, std=2.0),
        group_norm_case("groups8_c32", [2, 32, 6, 5], 8),
    ])
    depth = dict([
        stochastic_depth_case("row_p0.3", [64, 3, 2, 2], 0.3, "row", 1),
        stochastic_depth_case("row_p0.7", [32, 5], 0.7, "row", 2),
        stochastic_depth_case("batch_p0.5_seed3", [6, 2, 3], 0.5, "batch", 3),
        stochastic_depth_case("batch_p0.5_seed5", [6, 2, 3], 0.5, "batch", 5),
        stochastic_depth_case("row_p1", [5, 3], 1.0, "row", 5),
    ])
    out = {"generator": "generate.py, torch " + torch.__version__, "group_norm": group_norm, "stochastic_depth": depth,
           "residual": residual_case()}
    with open(os.path.join(HERE, "layers_reference.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
