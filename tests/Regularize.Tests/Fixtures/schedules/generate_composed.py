#!/usr/bin/env python3
"""Reference values for Regularize's composed schedules: MultiplicativeLR, ChainedScheduler, CyclicLR with scale_fn.

Run with a Python that has PyTorch (checked in with 1.13):
    /usr/bin/python3 tests/Regularize.Tests/Fixtures/schedules/generate_composed.py
It writes composed_schedules.json next to this script, in the same layout as torch_schedules.json
(generate.py, whose helpers it reuses): for every step t = 0 .. steps-1, the lr get_last_lr() reports.
Doubles are written with repr() so that they round-trip exactly.
"""
import math
import os
import sys
import warnings

import torch
from torch.optim import lr_scheduler as S

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import STEPS, encode, run, sgd  # noqa: E402

warnings.filterwarnings("ignore")


def chained(make_schedulers):
    def make():
        o = sgd([0.1])
        return o, S.ChainedScheduler(make_schedulers(o))
    return make


def main():
    cases = {}
    cases["multiplicative_constant"] = run(lambda: (lambda o: (o, S.MultiplicativeLR(o, lambda t: 0.97)))(sgd([0.1])))
    cases["multiplicative_varying"] = run(lambda: (lambda o: (o, S.MultiplicativeLR(
        o, lambda t: 1.0 - 0.5 / (t + 10.0))))(sgd([0.1])))

    cases["chained_exponential_step"] = run(chained(lambda o: [S.ExponentialLR(o, gamma=0.99), S.StepLR(o, step_size=30, gamma=0.5)]))
    cases["chained_warmup_exponential"] = run(chained(lambda o: [
        S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=40), S.ExponentialLR(o, gamma=0.995)]))
    cases["chained_multiplicative_multistep"] = run(chained(lambda o: [
        S.MultiplicativeLR(o, lambda t: 0.999), S.MultiStepLR(o, milestones=[50, 120], gamma=0.3)]))

    cases["cyclic_scale_fn_cycle"] = run(lambda: (lambda o: (o, S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=15, step_size_down=25, scale_fn=lambda c: 1.0 / (1.0 + 0.5 * (c - 1)),
        scale_mode="cycle", cycle_momentum=False)))(sgd([0.1])))
    cases["cyclic_scale_fn_iterations"] = run(lambda: (lambda o: (o, S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=20, scale_fn=lambda t: math.exp(-t / 150.0),
        scale_mode="iterations", cycle_momentum=False)))(sgd([0.1])))

    out = {"torch_version": torch.__version__, "steps": STEPS, "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "composed_schedules.json")
    with open(path, "w") as f:
        f.write(encode(out))
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
