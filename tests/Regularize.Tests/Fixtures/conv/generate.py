#!/usr/bin/python3
"""Reference data for the convolutional ops (tests/Regularize.Tests/Tensors/ConvolutionParityTests.cs).

Run with Debian's interpreter, which has PyTorch 1.13:  /usr/bin/python3 generate.py
It writes reference.json: for each case the float32 inputs (9 significant digits, which round-trip a float32
exactly), an upstream gradient g, and the output y and the gradients of L = sum(y * g) with respect to every input,
computed in float64 from those float32 values, so the stored answers are exact to ~1e-15 and the differences the
C# tests see are their own float32 rounding.

Shapes are odd on purpose (7x6, 9x8, ...), with stride 2, padding, dilation, groups, depthwise, "same" padding with
an even kernel (padded asymmetrically) and batch 1.
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(20261202)


def f32(t):
    return t.float().double()


def randn(*shape, scale=1.0):
    return f32(scale * torch.randn(*shape, generator=gen))


def rec(t):
    return {"shape": list(t.shape), "data": [float(f"{v:.9g}") for v in t.detach().float().reshape(-1).tolist()]}


def exact(t):
    return [float(f"{v:.12g}") for v in t.detach().reshape(-1).tolist()]


def run(fn, inputs):
    """y = fn(*inputs); returns y, g and the gradient of sum(y*g) for every input that requires one."""
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    y = fn(*leaves)
    g = randn(*y.shape)
    (y * g).sum().backward()
    return y, g, [t.grad for t in leaves]


def conv_case(name, n, c, h, w, o, k, stride=1, padding=0, dilation=1, groups=1, bias=True):
    kh, kw = (k, k) if isinstance(k, int) else k
    x = randn(n, c, h, w)
    wt = randn(o, c // groups, kh, kw, scale=0.5)
    inputs = [x, wt] + ([randn(o, scale=0.5)] if bias else [])
    fn = lambda x, w, b=None: F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    y, g, grads = run(fn, inputs)
    case = {"name": name, "stride": pair(stride), "dilation": pair(dilation), "groups": groups,
            "x": rec(x), "weight": rec(wt), "g": rec(g), "y": exact(y), "yShape": list(y.shape),
            "dx": exact(grads[0]), "dweight": exact(grads[1])}
    if isinstance(padding, str):
        case["paddingMode"] = padding
    else:
        case["padding"] = pair(padding)
    if bias:
        case["bias"] = rec(inputs[2])
        case["dbias"] = exact(grads[2])
    return case


def pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def pool_case(name, kind, n, c, h, w, ties=False, **kw):
    x = randn(n, c, h, w)
    if ties:
        x = torch.round(x * 1.5)  # small integers: many equal values inside a window
    fn = {"max": lambda t: F.max_pool2d(t, **kw),
          "avg": lambda t: F.avg_pool2d(t, **kw),
          "adaptive": lambda t: F.adaptive_avg_pool2d(t, kw["output_size"])}[kind]
    y, g, grads = run(fn, [x])
    case = {"name": name, "kind": kind, "x": rec(x), "g": rec(g), "y": exact(y), "yShape": list(y.shape), "dx": exact(grads[0])}
    for key, value in kw.items():
        case[key] = value if isinstance(value, bool) else pair(value)
    return case


def batchnorm_case(name, n, c, h, w, training):
    x = f32(randn(n, c, h, w) * 1.5 + 0.7)
    gamma = f32(1 + 0.3 * torch.randn(c, generator=gen))
    beta = randn(c, scale=0.3)
    rm0 = randn(c, scale=0.2)
    rv0 = f32(1 + 0.5 * torch.rand(c, generator=gen))
    rm, rv = rm0.clone(), rv0.clone()
    fn = lambda x, gm, bt: F.batch_norm(x, rm, rv, gm, bt, training=training, momentum=0.1, eps=1e-5)
    y, g, grads = run(fn, [x, gamma, beta])
    return {"name": name, "training": training, "x": rec(x), "weight": rec(gamma), "bias": rec(beta),
            "runningMean": rec(rm0), "runningVar": rec(rv0), "g": rec(g), "y": exact(y),
            "dx": exact(grads[0]), "dweight": exact(grads[1]), "dbias": exact(grads[2]),
            "runningMeanAfter": exact(rm), "runningVarAfter": exact(rv)}


def cnn_case():
    """A small CNN in training mode: parameters and buffers by PyTorch's names, logits, gradients, running stats."""
    import torch.nn as nn
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6), nn.ReLU(), nn.AvgPool2d(2),
        nn.Conv2d(6, 6, 3, padding=1, groups=6), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() == 1:
                p.copy_(f32(1 + 0.3 * torch.randn(p.shape, generator=gen)))
            else:
                p.copy_(f32(0.5 * torch.randn(p.shape, generator=gen)))
    params = {name: rec(p) for name, p in model.named_parameters()}
    x = randn(3, 1, 9, 8)
    classes = torch.tensor([2, 0, 1])
    model.train()
    logits = model(x)
    loss = F.cross_entropy(logits, classes)
    loss.backward()
    return {"params": params, "x": rec(x), "classes": classes.tolist(), "logits": exact(logits), "loss": float(loss),
            "grads": {name: exact(p.grad) for name, p in model.named_parameters()},
            "buffers": {name: exact(b) for name, b in model.named_buffers()}}


data = {
    "cnn": cnn_case(),
    "torch": torch.__version__,
    "conv": [
        conv_case("3x3 pad 1", 2, 3, 7, 6, 4, 3, padding=1),
        conv_case("batch 1, stride 2, kernel 3x2, pad (1,2), no bias", 1, 3, 9, 7, 5, (3, 2), stride=2, padding=(1, 2), bias=False),
        conv_case("dilation 2, pad 2", 2, 2, 9, 8, 3, 3, padding=2, dilation=2),
        conv_case("groups 2, stride 2, pad 1", 2, 4, 7, 7, 6, 3, stride=2, padding=1, groups=2),
        conv_case("depthwise 3 -> 6, pad 1", 2, 3, 6, 5, 6, 3, padding=1, groups=3),
        conv_case("same, even kernel 4x4", 2, 2, 7, 6, 3, 4, padding="same"),
        conv_case("same, 3x3 dilation 2", 1, 2, 8, 7, 3, 3, padding="same", dilation=2),
        conv_case("valid 1x1", 2, 5, 5, 3, 4, 1, padding="valid"),
        conv_case("stride (2,1), dilation (1,2), pad (0,1)", 2, 3, 8, 9, 4, (2, 3), stride=(2, 1), padding=(0, 1), dilation=(1, 2)),
        conv_case("one input channel, 32 outputs, pad 1 (the first layer)", 2, 1, 9, 8, 32, 3, padding=1),
    ],
    "pool": [
        pool_case("max 2x2", "max", 2, 3, 7, 6, kernel_size=2),
        pool_case("max 3x3 stride 2 pad 1", "max", 2, 2, 7, 9, kernel_size=3, stride=2, padding=1),
        pool_case("max 3x2 stride 1 dilation 2", "max", 1, 2, 8, 7, kernel_size=(3, 2), stride=1, dilation=2),
        pool_case("max 2x2 with ties", "max", 2, 2, 6, 6, ties=True, kernel_size=2),
        pool_case("max 3x3 stride 1 with ties (overlap)", "max", 1, 2, 6, 7, ties=True, kernel_size=3, stride=1, padding=1),
        pool_case("avg 3x3 stride 2 pad 1", "avg", 2, 2, 7, 9, kernel_size=3, stride=2, padding=1),
        pool_case("avg 3x3 stride 2 pad 1 without pad count", "avg", 2, 2, 7, 9, kernel_size=3, stride=2, padding=1, count_include_pad=False),
        pool_case("avg 2x3 stride (1,2)", "avg", 1, 3, 6, 8, kernel_size=(2, 3), stride=(1, 2)),
        pool_case("adaptive global", "adaptive", 2, 3, 7, 5, output_size=1),
        pool_case("adaptive 3x2", "adaptive", 2, 2, 7, 5, output_size=(3, 2)),
    ],
    "batchnorm": [
        batchnorm_case("training", 3, 4, 5, 3, True),
        batchnorm_case("training, batch 1", 1, 3, 4, 5, True),
        batchnorm_case("eval", 2, 3, 4, 5, False),
    ],
}

with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(data, f, separators=(",", ":"))
print("wrote reference.json", os.path.getsize(os.path.join(HERE, "reference.json")), "bytes, torch", torch.__version__)
