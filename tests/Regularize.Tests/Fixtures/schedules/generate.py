#!/usr/bin/env python3
"""Reference values for Regularize's schedules, from torch.optim.lr_scheduler.

Run with a Python that has PyTorch (checked in with 1.13):
    /usr/bin/python3 tests/Regularize.Tests/Fixtures/schedules/generate.py
It writes torch_schedules.json next to this script. Each case drives a dummy
optimizer (one scalar parameter, no gradient needed) and records, for every
step t = 0 .. steps-1, what the scheduler left in the group:
  lr        get_last_lr()[g] (the chainable / recursive computation)
  closed    _get_closed_form_lr()[g] where the scheduler has one
  momentum  group['momentum'] or group['betas'][0] where the scheduler cycles it
ReduceLROnPlateau cases also record the metric fed at each step and the
scheduler's internals (best, num_bad_epochs, cooldown_counter) after it.
Doubles are written with repr() so that they round-trip exactly.
"""
import json
import math
import os
import warnings

import torch
from torch.optim import SGD, Adam
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")
STEPS = 240


def sgd(lrs, momentum=0.9):
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    return SGD(groups, lr=lrs[0], momentum=momentum)


def adam(lrs):
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    return Adam(groups, lr=lrs[0], betas=(0.9, 0.999))


def run(make, steps=STEPS, momentum=None, closed=False, epochs=None):
    """make() returns (optimizer, scheduler); record values after construction and each step."""
    opt, sch = make()
    ngroups = len(opt.param_groups)
    rec = {"lr": [[] for _ in range(ngroups)]}
    if closed:
        rec["closed"] = [[] for _ in range(ngroups)]
    if momentum:
        rec["momentum"] = [[] for _ in range(ngroups)]

    def snapshot():
        for g, group in enumerate(opt.param_groups):
            rec["lr"][g].append(sch.get_last_lr()[g])
            if closed:
                rec["closed"][g].append(sch._get_closed_form_lr()[g])
            if momentum == "momentum":
                rec["momentum"][g].append(group["momentum"])
            elif momentum == "beta1":
                rec["momentum"][g].append(group["betas"][0])

    snapshot()
    for t in range(1, steps):
        opt.step()
        if epochs is None:
            sch.step()
        else:
            sch.step(epochs[t])
        snapshot()
    if epochs is not None:
        rec["epochs"] = epochs[:steps]
    return rec


def plateau(lrs, metrics, **kw):
    opt = sgd(lrs)
    sch = S.ReduceLROnPlateau(opt, **kw)
    rec = {"metrics": metrics, "lr": [[] for _ in lrs], "best": [], "num_bad_epochs": [], "cooldown_counter": []}
    for m in metrics:
        opt.step()
        sch.step(m)
        for g, group in enumerate(opt.param_groups):
            rec["lr"][g].append(group["lr"])
        rec["best"].append(sch.best)
        rec["num_bad_epochs"].append(sch.num_bad_epochs)
        rec["cooldown_counter"].append(sch.cooldown_counter)
    return rec


def plateau_metrics():
    """A loss that falls, stalls, creeps by less than the relative threshold, falls again, wiggles."""
    out = []
    v = 1.0
    for t in range(120):
        if t < 10:
            v *= 0.9
        elif t < 25:
            v *= 0.9995  # improvements smaller than a 1e-2 relative threshold
        elif t < 35:
            v *= 0.95
        elif t < 60:
            v = v * (1.0 + 0.002 * math.sin(t))  # noise around a plateau
        elif t < 70:
            v *= 0.97
        else:
            v = v * (1.0 + 0.001 * math.cos(3 * t))
        out.append(v)
    return out


def main():
    cases = {}

    cases["step"] = run(lambda: (lambda o: (o, S.StepLR(o, step_size=30, gamma=0.5)))(sgd([0.1])), closed=True)
    cases["multistep"] = run(lambda: (lambda o: (o, S.MultiStepLR(o, milestones=[30, 80, 80, 150], gamma=0.3)))(sgd([0.1])), closed=True)
    cases["exponential"] = run(lambda: (lambda o: (o, S.ExponentialLR(o, gamma=0.98)))(sgd([0.1])), closed=True)
    cases["cosine"] = run(lambda: (lambda o: (o, S.CosineAnnealingLR(o, T_max=100, eta_min=0.001)))(sgd([0.1])), closed=True)
    cases["cosine_floor0"] = run(lambda: (lambda o: (o, S.CosineAnnealingLR(o, T_max=50)))(sgd([0.05])), closed=True)
    cases["warm_restarts_mult1"] = run(lambda: (lambda o: (o, S.CosineAnnealingWarmRestarts(o, T_0=20, T_mult=1, eta_min=0.001)))(sgd([0.1])))
    cases["warm_restarts_mult2"] = run(lambda: (lambda o: (o, S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2)))(sgd([0.1])))
    frac = [k / 7.0 for k in range(STEPS)]
    cases["warm_restarts_fractional"] = run(
        lambda: (lambda o: (o, S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)))(sgd([0.1])), epochs=frac)
    cases["linear_warmup"] = run(lambda: (lambda o: (o, S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=40)))(sgd([0.1])), closed=True)
    cases["linear_decay"] = run(lambda: (lambda o: (o, S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=100)))(sgd([0.1])), closed=True)
    cases["polynomial"] = run(lambda: (lambda o: (o, S.PolynomialLR(o, total_iters=150, power=2.0)))(sgd([0.1])), closed=True)
    cases["cyclic_triangular"] = run(lambda: (lambda o: (o, S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=20, step_size_down=30, mode="triangular", cycle_momentum=False)))(sgd([0.1])))
    cases["cyclic_triangular2"] = run(lambda: (lambda o: (o, S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=25, mode="triangular2", cycle_momentum=True,
        base_momentum=0.8, max_momentum=0.9)))(sgd([0.1])), momentum="momentum")
    cases["cyclic_exp_range"] = run(lambda: (lambda o: (o, S.CyclicLR(
        o, base_lr=0.001, max_lr=0.05, step_size_up=15, mode="exp_range", gamma=0.995, cycle_momentum=True,
        base_momentum=0.85, max_momentum=0.95)))(sgd([0.1])), momentum="momentum")
    cases["onecycle_cos"] = run(lambda: (lambda o: (o, S.OneCycleLR(o, max_lr=0.1, total_steps=STEPS)))(sgd([0.1])), momentum="momentum")
    cases["onecycle_linear"] = run(lambda: (lambda o: (o, S.OneCycleLR(
        o, max_lr=0.2, total_steps=STEPS, pct_start=0.25, anneal_strategy="linear", div_factor=10.0,
        final_div_factor=100.0)))(sgd([0.1])), momentum="momentum")
    cases["onecycle_three_phase"] = run(lambda: (lambda o: (o, S.OneCycleLR(
        o, max_lr=0.1, total_steps=STEPS, three_phase=True)))(sgd([0.1])), momentum="momentum")
    cases["onecycle_adam"] = run(lambda: (lambda o: (o, S.OneCycleLR(
        o, max_lr=0.003, total_steps=STEPS, pct_start=0.3, base_momentum=0.85, max_momentum=0.95)))(adam([0.001])), momentum="beta1")

    def sequential():
        o = sgd([0.1])
        warm = S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=20)
        cos = S.CosineAnnealingLR(o, T_max=200, eta_min=1e-4)
        return o, S.SequentialLR(o, schedulers=[warm, cos], milestones=[20])
    cases["sequential_warmup_cosine"] = run(sequential)
    cases["lambda_inverse_time"] = run(lambda: (lambda o: (o, S.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.05 * t))))(sgd([0.1])))

    m = plateau_metrics()
    cases["plateau_min_rel"] = plateau([0.1], m, mode="min", factor=0.5, patience=3, threshold=1e-2,
                                       threshold_mode="rel", cooldown=2, min_lr=0.004)
    cases["plateau_max_abs"] = plateau([0.1, 0.02], [-x for x in m], mode="max", factor=0.3, patience=2,
                                       threshold=0.005, threshold_mode="abs", cooldown=0, min_lr=[0.001, 0.0005])
    cases["plateau_eps"] = plateau([1e-7], [1.0] * 60, mode="min", factor=0.5, patience=1, threshold=1e-4,
                                   threshold_mode="rel", cooldown=1, min_lr=0.0, eps=1e-8)

    # Report how far the chainable form drifts from the closed form, to justify tolerances.
    for name, rec in cases.items():
        if "closed" in rec:
            worst = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(rec["lr"][0], rec["closed"][0]))
            print(f"{name:28s} recursive vs closed form: max relative difference {worst:.3e}")

    out = {"torch_version": torch.__version__, "steps": STEPS, "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_schedules.json")
    with open(path, "w") as f:
        f.write(encode(out))
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def encode(obj):
    """JSON with floats as repr() (shortest round-trip form); infinities as strings."""
    if isinstance(obj, float):
        if math.isinf(obj):
            return '"Infinity"' if obj > 0 else '"-Infinity"'
        return repr(obj)
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, str):
        return json.dumps(obj)
    if isinstance(obj, dict):
        return "{" + ",".join(json.dumps(k) + ":" + encode(v) for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(encode(v) for v in obj) + "]"
    raise TypeError(type(obj))


if __name__ == "__main__":
    main()
