#!/usr/bin/python3
"""Reference trajectories of the torch.optim family (RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam,
Rprop, ASGD) for Regularize's parity tests.

Run with Debian's python3-torch (PyTorch 1.13):  /usr/bin/python3 generate.py
Writes optim_family_reference.json beside this script. CI never runs this; the JSON is committed.

Every float array is stored exactly: float32 little-endian bytes, base64-encoded.

Setup, shared by all cases (the same as Fixtures/optim/generate.py):
  * four parameters of lengths 1, 7, 33, 100 (not multiples of any vector width),
    initialised from a seeded normal generator;
  * two parameter groups: parameters 0-1 in group 0, parameters 2-3 in group 1, with different
    learning rates and (where the optimizer has one) weight decays;
  * at step t the gradient of parameter i is  g = noise[t][i] + 0.5 * theta  computed in float32
    (noise stored; the 0.5 * theta term makes the trajectory depend on the weights, so decay matters).
    In float32, 0.5 * theta is exact and the addition rounds once, so C# reproduces g bit for bit;
  * the single-tensor path (foreach=False) of every optimizer.
Checkpoints: parameters and optimizer state after steps 1, 2, 5, 20 and 50; RAdam cases add the last
unrectified step and the first rectified one (rho_t > 5), so both sides of the switch are pinned down.

Options: each case lists its constructor options twice, under "torchOptions" with torch's names and
under "options" with the camelCase names below. Per-group values (lr, weight_decay) are in "groups".
    lr -> learningRate (per group)          weight_decay -> weightDecay (per group)
    alpha -> alpha                          eps -> epsilon
    momentum -> momentum                    centered -> centered
    maximize -> maximize                    lr_decay -> learningRateDecay
    initial_accumulator_value -> initialAccumulatorValue
    rho -> rho                              betas -> beta1, beta2
    momentum_decay -> momentumDecay         etas -> etaMinus, etaPlus
    step_sizes -> stepSizeMin, stepSizeMax  lambd -> lambda
    t0 -> t0
Options a case leaves out take torch 1.13's defaults (listed per optimizer in "defaults").

State: torch's per-parameter state tensors, renamed (STATE_NAMES below). One array per parameter;
torch's 0-dim state tensors (NAdam's mu_product, ASGD's eta and mu) are stored as arrays of length 1.
"step" is stored once per checkpoint as an integer.
    square_avg -> squareAvg        grad_avg -> gradAvg          momentum_buffer -> momentumBuffer
    sum -> sum                     acc_delta -> accDelta        exp_avg -> m
    exp_avg_sq -> v                exp_inf -> expInf            mu_product -> muProduct
    prev -> prev                   step_size -> stepSize        eta -> eta
    mu -> mu                       ax -> ax
"""
import base64
import inspect
import json
import math
import os

import numpy as np
import torch

LENGTHS = [1, 7, 33, 100]
STEPS = 50
CHECKPOINTS = [1, 2, 5, 20, 50]

STATE_NAMES = {
    "square_avg": "squareAvg", "grad_avg": "gradAvg", "momentum_buffer": "momentumBuffer",
    "sum": "sum", "acc_delta": "accDelta", "exp_avg": "m", "exp_avg_sq": "v", "exp_inf": "expInf",
    "mu_product": "muProduct", "prev": "prev", "step_size": "stepSize", "eta": "eta", "mu": "mu", "ax": "ax",
}

OPTION_NAMES = {
    "alpha": "alpha", "eps": "epsilon", "momentum": "momentum", "centered": "centered",
    "maximize": "maximize", "lr_decay": "learningRateDecay",
    "initial_accumulator_value": "initialAccumulatorValue", "rho": "rho",
    "momentum_decay": "momentumDecay", "lambd": "lambda", "t0": "t0",
}
PAIR_NAMES = {"betas": ("beta1", "beta2"), "etas": ("etaMinus", "etaPlus"), "step_sizes": ("stepSizeMin", "stepSizeMax")}

CLASSES = {
    "RMSprop": torch.optim.RMSprop, "Adagrad": torch.optim.Adagrad, "Adadelta": torch.optim.Adadelta,
    "Adamax": torch.optim.Adamax, "NAdam": torch.optim.NAdam, "RAdam": torch.optim.RAdam,
    "Rprop": torch.optim.Rprop, "ASGD": torch.optim.ASGD,
}
# Constructor arguments that are not part of the algorithm.
NOT_OPTIONS = {"self", "params", "lr", "weight_decay", "foreach", "differentiable"}


def b64(t):
    a = t.detach().cpu().numpy().astype('<f4', copy=False).ravel()
    return base64.b64encode(a.tobytes()).decode('ascii')


gen = torch.Generator().manual_seed(20261202)
INIT = [torch.randn(n, generator=gen, dtype=torch.float32) for n in LENGTHS]
NOISE = [torch.randn(STEPS, n, generator=gen, dtype=torch.float32) for n in LENGTHS]

# name, optimizer, constructor options (torch names), group-0 (lr, weight_decay), group-1 (lr, weight_decay)
# weight_decay None: the optimizer has no weight decay (Rprop).
CASES = [
    ("rmsprop", "RMSprop", {}, (1e-2, 0.0), (3e-3, 0.0)),
    ("rmsprop_alpha_eps", "RMSprop", {"alpha": 0.9, "eps": 1e-3}, (1e-2, 0.0), (3e-3, 0.0)),
    ("rmsprop_weight_decay", "RMSprop", {}, (1e-2, 0.1), (3e-3, 0.5)),
    ("rmsprop_momentum", "RMSprop", {"momentum": 0.9}, (1e-2, 0.0), (3e-3, 0.0)),
    ("rmsprop_centered", "RMSprop", {"centered": True}, (1e-2, 0.0), (3e-3, 0.0)),
    ("rmsprop_centered_momentum_weight_decay_maximize", "RMSprop",
     {"alpha": 0.95, "eps": 1e-6, "momentum": 0.5, "centered": True, "maximize": True}, (1e-2, 0.1), (3e-3, 0.5)),
    ("adagrad", "Adagrad", {}, (1e-1, 0.0), (3e-2, 0.0)),
    ("adagrad_lr_decay", "Adagrad", {"lr_decay": 0.05}, (1e-1, 0.0), (3e-2, 0.0)),
    ("adagrad_initial_accumulator_eps", "Adagrad", {"initial_accumulator_value": 0.1, "eps": 1e-3}, (1e-1, 0.0), (3e-2, 0.0)),
    ("adagrad_weight_decay_maximize", "Adagrad", {"maximize": True}, (1e-1, 0.1), (3e-2, 0.5)),
    ("adagrad_all", "Adagrad",
     {"lr_decay": 0.01, "initial_accumulator_value": 0.5, "eps": 1e-6, "maximize": True}, (1e-1, 0.1), (3e-2, 0.5)),
    ("adadelta", "Adadelta", {}, (1.0, 0.0), (0.5, 0.0)),
    ("adadelta_rho_eps", "Adadelta", {"rho": 0.8, "eps": 1e-4}, (1.0, 0.0), (0.5, 0.0)),
    ("adadelta_weight_decay_maximize", "Adadelta", {"rho": 0.95, "maximize": True}, (1.0, 0.1), (2.0, 0.5)),
    ("adamax", "Adamax", {}, (1e-2, 0.0), (3e-3, 0.0)),
    ("adamax_betas_eps", "Adamax", {"betas": (0.8, 0.99), "eps": 1e-2}, (1e-2, 0.0), (3e-3, 0.0)),
    ("adamax_weight_decay_maximize", "Adamax", {"maximize": True}, (1e-2, 0.1), (3e-3, 0.5)),
    ("nadam", "NAdam", {}, (1e-2, 0.0), (3e-3, 0.0)),
    ("nadam_betas_eps", "NAdam", {"betas": (0.8, 0.99), "eps": 1e-3}, (1e-2, 0.0), (3e-3, 0.0)),
    ("nadam_momentum_decay", "NAdam", {"momentum_decay": 0.1}, (1e-2, 0.0), (3e-3, 0.0)),
    ("nadam_weight_decay", "NAdam", {"betas": (0.95, 0.999), "momentum_decay": 0.02}, (1e-2, 0.1), (3e-3, 0.5)),
    ("radam", "RAdam", {}, (1e-2, 0.0), (3e-3, 0.0)),
    ("radam_betas_eps", "RAdam", {"betas": (0.8, 0.75), "eps": 1e-3}, (1e-2, 0.0), (3e-3, 0.0)),
    ("radam_weight_decay", "RAdam", {"betas": (0.9, 0.99)}, (1e-2, 0.1), (3e-3, 0.5)),
    ("rprop", "Rprop", {}, (1e-2, None), (3e-3, None)),
    ("rprop_etas", "Rprop", {"etas": (0.3, 1.5)}, (1e-2, None), (3e-3, None)),
    ("rprop_step_sizes", "Rprop", {"step_sizes": (2e-3, 0.03)}, (1e-2, None), (3e-3, None)),
    ("rprop_maximize", "Rprop", {"etas": (0.4, 1.1), "maximize": True}, (1e-2, None), (3e-3, None)),
    ("asgd", "ASGD", {}, (1e-2, 0.0), (3e-3, 0.0)),
    ("asgd_lambd_alpha_t0", "ASGD", {"lambd": 0.05, "alpha": 0.5, "t0": 10.0}, (1e-1, 0.0), (3e-2, 0.0)),
    ("asgd_weight_decay_maximize", "ASGD", {"lambd": 1e-3, "t0": 3.0, "maximize": True}, (1e-2, 0.1), (3e-3, 0.5)),
]


def radam_switch(options):
    """The last step with rho_t <= 5 and the first with rho_t > 5, computed as torch 1.13 does."""
    beta2 = options.get("betas", (0.9, 0.999))[1]
    rho_inf = 2 / (1 - beta2) - 1
    for step in range(1, STEPS + 1):
        rho_t = rho_inf - 2 * step * (beta2 ** step) / (1 - beta2 ** step)
        if rho_t > 5.:
            return [step - 1, step]
    raise ValueError(f"rho_t never exceeds 5 within {STEPS} steps for beta2={beta2}")


def run(optimizer, options, g0, g1, checkpoints):
    params = [torch.nn.Parameter(t.clone()) for t in INIT]
    groups = []
    for idx, (lr, wd) in ((slice(0, 2), g0), (slice(2, 4), g1)):
        group = {"params": params[idx], "lr": lr}
        if wd is not None:
            group["weight_decay"] = wd
        groups.append(group)
    opt = CLASSES[optimizer](groups, foreach=False, **options)
    out = {}
    for t in range(STEPS):
        with torch.no_grad():
            for i, p in enumerate(params):
                p.grad = NOISE[i][t] + 0.5 * p.detach()
        opt.step()
        if t + 1 in checkpoints:
            state = {}
            steps = set()
            for p in params:
                for key, value in opt.state[p].items():
                    if key == "step":
                        steps.add(int(value.item()) if torch.is_tensor(value) else int(value))
                    else:
                        state.setdefault(STATE_NAMES[key], []).append(b64(value))
            assert len(steps) == 1, steps
            out[str(t + 1)] = {"params": [b64(p) for p in params], "state": state, "step": steps.pop()}
    return out


def camel(options):
    opts = {}
    for k, v in options.items():
        if k in PAIR_NAMES:
            a, b = PAIR_NAMES[k]
            opts[a], opts[b] = float(v[0]), float(v[1])
        else:
            opts[OPTION_NAMES[k]] = v
    return opts


def defaults(optimizer):
    sig = inspect.signature(CLASSES[optimizer].__init__)
    d = {k: p.default for k, p in sig.parameters.items() if k not in NOT_OPTIONS}
    return camel(d)


def main():
    cases = []
    for name, optimizer, options, g0, g1 in CASES:
        checkpoints = sorted(set(CHECKPOINTS) | (set(radam_switch(options)) if optimizer == "RAdam" else set()))
        groups = []
        for params, (lr, wd) in (([0, 1], g0), ([2, 3], g1)):
            group = {"parameters": params, "learningRate": lr}
            if wd is not None:
                group["weightDecay"] = wd
            groups.append(group)
        case = {
            "name": name,
            "optimizer": optimizer,
            "torchOptions": {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()},
            "options": camel(options),
            "groups": groups,
            "checkpointSteps": checkpoints,
            "checkpoints": run(optimizer, options, g0, g1, checkpoints),
        }
        if optimizer == "RAdam":
            case["firstRectifiedStep"] = radam_switch(options)[1]
        cases.append(case)
    out = {
        "generator": "tests/Regularize.Tests/Fixtures/optim_family/generate.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "lengths": LENGTHS,
        "steps": STEPS,
        "checkpoints": CHECKPOINTS,
        "gradient": "g = noise[t][i] + 0.5 * theta, float32",
        "path": "single-tensor (foreach=False)",
        "defaults": {name: defaults(name) for name in CLASSES},
        "stateNames": STATE_NAMES,
        "init": [b64(t) for t in INIT],
        "noise": [b64(t) for t in NOISE],
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_family_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
