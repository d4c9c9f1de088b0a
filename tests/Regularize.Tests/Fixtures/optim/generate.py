#!/usr/bin/python3
"""Reference trajectories of torch.optim (SGD, Adam, AdamW) for Regularize's parity tests.

Run with Debian's python3-torch (PyTorch 1.13):  /usr/bin/python3 generate.py
Writes optim_reference.json beside this script. CI never runs this; the JSON is committed.

Every float array is stored exactly: float32 little-endian bytes, base64-encoded.

Setup, shared by all cases:
  * four parameters of lengths 1, 7, 33, 100 (not multiples of any vector width),
    initialised from a seeded normal generator;
  * two parameter groups: parameters 0-1 in group 0, parameters 2-3 in group 1, with different
    learning rates and weight decays;
  * at step t the gradient of parameter i is  g = noise[t][i] + 0.5 * theta  computed in float32
    (noise stored; the 0.5 * theta term makes the trajectory depend on the weights, so decay matters).
    In float32, 0.5 * theta is exact and the addition rounds once, so C# reproduces g bit for bit.
"""
import base64
import json
import os

import numpy as np
import torch

LENGTHS = [1, 7, 33, 100]
STEPS = 50
CHECKPOINTS = [1, 2, 5, 20, 50]


def b64(t):
    a = t.detach().cpu().numpy().astype('<f4', copy=False).ravel()
    return base64.b64encode(a.tobytes()).decode('ascii')


gen = torch.Generator().manual_seed(20261125)
INIT = [torch.randn(n, generator=gen, dtype=torch.float32) for n in LENGTHS]
NOISE = [torch.randn(STEPS, n, generator=gen, dtype=torch.float32) for n in LENGTHS]

# name, optimizer, constructor options (torch names), group-0 (lr, weight_decay), group-1 (lr, weight_decay)
CASES = [
    ("sgd", "Sgd", {}, (0.1, 0.0), (0.05, 0.0)),
    ("sgd_momentum", "Sgd", {"momentum": 0.9}, (0.1, 0.0), (0.05, 0.0)),
    ("sgd_momentum_dampening", "Sgd", {"momentum": 0.9, "dampening": 0.3}, (0.1, 0.0), (0.05, 0.0)),
    ("sgd_nesterov", "Sgd", {"momentum": 0.9, "nesterov": True}, (0.1, 0.0), (0.05, 0.0)),
    ("sgd_weight_decay", "Sgd", {}, (0.1, 0.01), (0.05, 0.1)),
    ("sgd_momentum_weight_decay", "Sgd", {"momentum": 0.9}, (0.1, 0.01), (0.05, 0.1)),
    ("sgd_nesterov_weight_decay_maximize", "Sgd", {"momentum": 0.5, "nesterov": True, "maximize": True}, (0.02, 0.01), (0.01, 0.1)),
    ("adam", "Adam", {}, (1e-2, 0.0), (3e-3, 0.0)),
    ("adam_betas_eps", "Adam", {"betas": (0.8, 0.99), "eps": 1e-6}, (1e-2, 0.0), (3e-3, 0.0)),
    ("adam_weight_decay", "Adam", {}, (1e-2, 0.1), (3e-3, 0.5)),
    ("adam_amsgrad", "Adam", {"amsgrad": True}, (1e-2, 0.0), (3e-3, 0.0)),
    ("adam_amsgrad_weight_decay_maximize", "Adam", {"amsgrad": True, "maximize": True}, (1e-2, 0.1), (3e-3, 0.5)),
    ("adamw", "AdamW", {}, (1e-2, 0.01), (3e-3, 0.0)),
    ("adamw_weight_decay", "AdamW", {}, (1e-2, 0.1), (3e-3, 0.5)),
    ("adamw_amsgrad", "AdamW", {"amsgrad": True}, (1e-2, 0.1), (3e-3, 0.5)),
    ("adamw_maximize", "AdamW", {"maximize": True, "betas": (0.8, 0.99)}, (1e-2, 0.1), (3e-3, 0.5)),
]

STATE_NAMES = {"momentum_buffer": "momentumBuffer", "exp_avg": "m", "exp_avg_sq": "v", "max_exp_avg_sq": "vMax"}


def run(optimizer, options, g0, g1):
    params = [torch.nn.Parameter(t.clone()) for t in INIT]
    groups = [
        {"params": params[0:2], "lr": g0[0], "weight_decay": g0[1]},
        {"params": params[2:4], "lr": g1[0], "weight_decay": g1[1]},
    ]
    cls = {"Sgd": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}[optimizer]
    kwargs = dict(options)
    if optimizer == "Sgd":
        kwargs.setdefault("lr", g0[0])
    opt = cls(groups, foreach=False, **kwargs)
    checkpoints = {}
    for t in range(STEPS):
        with torch.no_grad():
            for i, p in enumerate(params):
                p.grad = NOISE[i][t] + 0.5 * p.detach()
        opt.step()
        if t + 1 in CHECKPOINTS:
            state = {}
            step = 0
            for i, p in enumerate(params):
                for key, value in opt.state[p].items():
                    if key == "step":
                        step = int(value.item()) if torch.is_tensor(value) else int(value)
                    elif value is not None:
                        state.setdefault(STATE_NAMES[key], []).append(b64(value))
            checkpoints[str(t + 1)] = {"params": [b64(p) for p in params], "state": state, "step": step}
    return checkpoints


def main():
    cases = []
    for name, optimizer, options, g0, g1 in CASES:
        opts = {}
        for k, v in options.items():
            if k == "betas":
                opts["beta1"], opts["beta2"] = v
            elif k == "eps":
                opts["epsilon"] = v
            elif k == "amsgrad":
                opts["amsGrad"] = v
            else:
                opts[k] = v
        cases.append({
            "name": name,
            "optimizer": optimizer,
            "options": opts,
            "groups": [
                {"parameters": [0, 1], "learningRate": g0[0], "weightDecay": g0[1]},
                {"parameters": [2, 3], "learningRate": g1[0], "weightDecay": g1[1]},
            ],
            "checkpoints": run(optimizer, options, g0, g1),
        })
    out = {
        "generator": "tests/Regularize.Tests/Fixtures/optim/generate.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "lengths": LENGTHS,
        "steps": STEPS,
        "checkpoints": CHECKPOINTS,
        "gradient": "g = noise[t][i] + 0.5 * theta, float32",
        "init": [b64(t) for t in INIT],
        "noise": [b64(t) for t in NOISE],
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
