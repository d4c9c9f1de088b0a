"""Reference trajectories of AdamW driven by PyTorch schedulers, for ScheduledAdamWTests.

Run with Debian's python3-torch:  /usr/bin/python3 generate_scheduled_adamw.py
Writes scheduled_adamw.json. Floats are float32 values written with repr() of their double, so they round-trip.
"""
import json
import math

import torch

torch.manual_seed(1234)
LENGTHS = [7, 33]
STEPS = 60


def gradient(step, index, length):
    # A deterministic gradient sequence; stored in the JSON, so the test does not recompute sin in float32.
    i = torch.arange(length, dtype=torch.float32)
    return torch.sin(i * 0.37 + float(step) * 0.11 + float(index)) * 0.5 + 0.01 * float(step % 7)


def run(case):
    torch.manual_seed(1234)
    params = [torch.nn.Parameter(torch.randn(n, dtype=torch.float32)) for n in LENGTHS]
    initial = [p.detach().clone() for p in params]
    opt = torch.optim.AdamW(params, lr=case["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=case["weight_decay"])
    if case["schedule"] == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=case["t_max"], eta_min=case["eta_min"])
    else:
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=case["lr"], total_steps=STEPS, pct_start=0.3,
                                                    anneal_strategy="cos", cycle_momentum=True,
                                                    base_momentum=0.85, max_momentum=0.95)
    trajectory, lrs, beta1s, grads = [], [], [], []
    for step in range(STEPS):
        for k, p in enumerate(params):
            p.grad = gradient(step, k, LENGTHS[k])
        grads.append([[float(v) for v in p.grad.tolist()] for p in params])
        lrs.append(opt.param_groups[0]["lr"])
        beta1s.append(opt.param_groups[0]["betas"][0])
        opt.step()
        sched.step()
        trajectory.append([[float(v) for v in p.detach().tolist()] for p in params])
    return {
        **case,
        "initial": [[float(v) for v in t.tolist()] for t in initial],
        "lr": lrs,
        "beta1": beta1s,
        "gradients": grads,
        "parameters": trajectory,
    }


cases = [
    {"name": "cosine", "schedule": "cosine", "lr": 1e-2, "weight_decay": 0.1, "t_max": STEPS, "eta_min": 1e-4},
    {"name": "one-cycle", "schedule": "one-cycle", "lr": 1e-2, "weight_decay": 0.05},
]
result = {"torch": torch.__version__, "lengths": LENGTHS, "steps": STEPS, "cases": [run(c) for c in cases]}
with open("scheduled_adamw.json", "w") as f:
    json.dump(result, f)
