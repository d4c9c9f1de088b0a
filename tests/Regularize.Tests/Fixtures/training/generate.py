#!/usr/bin/python3
"""PyTorch 1.13 reference data for Regularize's training tests (SWA, soft-target cross-entropy).

Run with Debian's python3-torch:  /usr/bin/python3 generate.py
Writes training_reference.json beside this script. CI never runs this; the JSON is committed.
Every float array is stored exactly: float32 little-endian bytes, base64-encoded.

Cases:
  * averaged_model: torch.optim.swa_utils.AveragedModel over a Linear(3, 4) + BatchNorm1d(4) model whose
    parameters are set to K seeded snapshots in turn; the averaged parameters after every update_parameters.
  * swalr: the learning rates of SWALR (cos and linear, anneal_epochs 3 and 0) over 6 steps, from lr 0.1 to 0.01.
  * update_bn: torch.optim.swa_utils.update_bn of that model (last snapshot weights) over 10 inputs in batches of 4,
    in order; the running mean and variance after it.
  * soft_cross_entropy: F.cross_entropy with probability targets, label smoothing 0 and 0.1, mean and sum; the loss
    and the gradient of the logits.
"""
import base64
import json
import os

import torch
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn


def b64(t):
    a = t.detach().cpu().contiguous().numpy().astype('<f4', copy=False).ravel()
    return base64.b64encode(a.tobytes()).decode('ascii')


gen = torch.Generator().manual_seed(20261202)
out = {}

# AveragedModel
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
names = [n for n, _ in model.named_parameters()]
K = 5
snapshots = [{n: torch.randn(p.shape, generator=gen) for n, p in model.named_parameters()} for _ in range(K)]
swa = AveragedModel(model)
averages = []
for snap in snapshots:
    with torch.no_grad():
        for n, p in model.named_parameters():
            p.copy_(snap[n])
    swa.update_parameters(model)
    averages.append({n: b64(p) for n, p in zip(names, swa.module.parameters())})
out['averaged_model'] = {
    'names': names,
    'shapes': {n: list(p.shape) for n, p in model.named_parameters()},
    'snapshots': [{n: b64(s[n]) for n in names} for s in snapshots],
    'averages': averages,
}

# SWALR
swalr = []
for strategy, anneal in [('cos', 3), ('linear', 3), ('cos', 0)]:
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = SWALR(opt, swa_lr=0.01, anneal_epochs=anneal, anneal_strategy=strategy)
    lrs = [opt.param_groups[0]['lr']]
    for _ in range(6):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]['lr'])
    swalr.append({'strategy': strategy, 'anneal_epochs': anneal, 'lrs': lrs})
out['swalr'] = swalr

# update_bn
inputs = torch.randn(10, 3, generator=gen)
loader = [inputs[i:i + 4] for i in range(0, 10, 4)]
model.train()
update_bn(loader, model)
bn = model[1]
out['update_bn'] = {
    'inputs': b64(inputs),
    'batch_size': 4,
    'running_mean': b64(bn.running_mean),
    'running_var': b64(bn.running_var),
}

# soft-target cross-entropy
logits = torch.randn(4, 5, generator=gen)
targets = torch.softmax(torch.randn(4, 5, generator=gen) * 2, dim=1)
ce = []
for smoothing in [0.0, 0.1]:
    for reduction in ['mean', 'sum']:
        x = logits.clone().requires_grad_(True)
        loss = F.cross_entropy(x, targets, reduction=reduction, label_smoothing=smoothing)
        loss.backward()
        ce.append({'label_smoothing': smoothing, 'reduction': reduction, 'loss': loss.item(), 'grad': b64(x.grad)})
out['soft_cross_entropy'] = {'logits': b64(logits), 'targets': b64(targets), 'cases': ce}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'training_reference.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
