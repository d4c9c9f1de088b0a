#!/usr/bin/python3
"""Reference data for tests/Regularize.Tests/Nn, computed with PyTorch in float64.

Run with Debian's interpreter, which has PyTorch:  /usr/bin/python3 generate.py
It writes reference.json (small MLPs with LayerNorm / BatchNorm1d, every loss) and mlp784.json (a 784-256-10
MLP whose weights come from a formula the C# tests reproduce exactly).

Every input and weight is a float32 value; the forward and backward passes run in float64 on those values, so
the stored results are the exact answers (to ~1e-15) that the float32 C# code approximates.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_default_dtype(torch.float64)


def f32(t):
    """Rounds to float32 values, held in float64."""
    return t.float().double()


def floats(t, digits=10):
    return [float(f"{v:.{digits}g}") for v in t.detach().reshape(-1).tolist()]


def weights32(t):
    # 9 significant digits round-trip a float32 exactly.
    return [float(f"{v:.9g}") for v in t.detach().float().reshape(-1).tolist()]


def set_params_from_float32(module, gen):
    """Random float32-valued parameters, so the reference need not share our initialisation."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("weight") and p.dim() == 1:  # a normalisation's gamma: around 1
                p.copy_(f32(1 + 0.3 * torch.randn(p.shape, generator=gen)))
            else:
                p.copy_(f32(0.4 * torch.randn(p.shape, generator=gen)))


def param_record(module):
    return {name: {"shape": list(p.shape), "data": weights32(p)} for name, p in module.named_parameters()}


def grads_record(module):
    return {name: floats(p.grad) for name, p in module.named_parameters()}


def losses_for(model, x, classes, regression, binary):
    """Value (mean and sum) and parameter gradients (mean) of each loss of the model's output."""
    specs = {
        "cross_entropy": lambda y, r: F.cross_entropy(y, classes, reduction=r),
        "cross_entropy_smoothed": lambda y, r: F.cross_entropy(y, classes, reduction=r, label_smoothing=0.1),
        "mse": lambda y, r: F.mse_loss(y, regression, reduction=r),
        "bce_with_logits": lambda y, r: F.binary_cross_entropy_with_logits(y, binary, reduction=r),
    }
    out = {}
    for key, fn in specs.items():
        model.zero_grad()
        y = model(x)
        y.retain_grad()
        loss = fn(y, "mean")
        loss.backward()
        with torch.no_grad():
            loss_sum = fn(model(x), "sum")
        out[key] = {
            "mean": loss.item(),
            "sum": loss_sum.item(),
            "logits_grad": floats(y.grad),
            "grads": grads_record(model),
        }
    return out


def small_models():
    gen = torch.Generator().manual_seed(1125)
    n, d_in, hidden, classes_n = 8, 20, 16, 10
    x = f32(torch.randn(n, d_in, generator=gen))
    classes = torch.randint(0, classes_n, (n,), generator=gen)
    regression = f32(torch.randn(n, classes_n, generator=gen))
    # Soft and hard binary targets, both allowed by BCE.
    binary = f32(torch.rand(n, classes_n, generator=gen))
    binary[::2] = (binary[::2] > 0.5).double()

    # Sequential children 0..6 are named as in the C# model.
    mlp = nn.Sequential(
        nn.Linear(d_in, hidden), nn.LayerNorm(hidden), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, classes_n))
    set_params_from_float32(mlp, gen)
    mlp.eval()  # Dropout is the identity; nothing else depends on the mode
    mlp_record = {
        "description": "Sequential(Linear(20,16), LayerNorm(16), ReLU, Dropout(0.3), Linear(16,16), GELU, Linear(16,10)), eval mode",
        "params": param_record(mlp),
        "logits": floats(mlp(x)),
        "losses": losses_for(mlp, x, classes, regression, binary),
    }

    bn = nn.Sequential(nn.Linear(d_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, classes_n))
    set_params_from_float32(bn, gen)
    with torch.no_grad():
        bn[1].running_mean.copy_(f32(0.2 * torch.randn(hidden, generator=gen)))
        bn[1].running_var.copy_(f32(0.5 + torch.rand(hidden, generator=gen)))
    initial_running = {"running_mean": weights32(bn[1].running_mean), "running_var": weights32(bn[1].running_var)}
    params = param_record(bn)
    bn.train()
    bn.zero_grad()
    y = bn(x)
    loss = F.cross_entropy(y, classes)
    loss.backward()
    train = {"logits": floats(y), "loss": loss.item(), "grads": grads_record(bn),
             "running_mean": floats(bn[1].running_mean), "running_var": floats(bn[1].running_var)}
    bn.eval()
    bn.zero_grad()
    y = bn(x)
    loss = F.cross_entropy(y, classes)
    loss.backward()
    evaluation = {"logits": floats(y), "loss": loss.item(), "grads": grads_record(bn)}
    bn_record = {
        "description": "Sequential(Linear(20,16), BatchNorm1d(16), ReLU, Linear(16,10)); one training-mode forward/backward "
                       "(running stats updated once, momentum 0.1), then an eval-mode forward/backward",
        "params": params,
        "initial_buffers": initial_running,
        "train": train,
        "eval": evaluation,
    }

    data = {
        "generator": "tests/Regularize.Tests/Fixtures/nn/generate.py, torch " + torch.__version__ + ", float64",
        "x": {"shape": [n, d_in], "data": weights32(x)},
        "classes": classes.tolist(),
        "regression_targets": {"shape": [n, classes_n], "data": weights32(regression)},
        "binary_targets": {"shape": [n, classes_n], "data": weights32(binary)},
        "mlp": mlp_record,
        "batchnorm": bn_record,
    }
    with open(os.path.join(HERE, "reference.json"), "w") as fh:
        json.dump(data, fh, separators=(",", ":"))


# The 784-256-10 MLP: weights from a formula (a multiplicative hash), so that 200k floats need not be stored.
# C#: FormulaValues in MlpReferenceTests computes the same bits.
def hashed_uniform(count, salt):
    """u_i = ((i + salt*1000003) * 2654435761 mod 2^32) / 2^32, in [0, 1); exact in float64."""
    return torch.tensor([(((i + salt * 1000003) * 2654435761) & 0xFFFFFFFF) / 4294967296.0 for i in range(count)])


def formula_tensor(shape, salt, half_width):
    """(u - 0.5) * 2 * half_width with half_width a power of two (so only the float32 cast rounds)."""
    count = 1
    for d in shape:
        count *= d
    return f32((hashed_uniform(count, salt) - 0.5) * (2 * half_width)).reshape(shape)


def mlp784():
    batch = 4
    w1 = formula_tensor([256, 784], 1, 1 / 32)
    b1 = formula_tensor([256], 2, 1 / 32)
    w2 = formula_tensor([10, 256], 3, 1 / 16)
    b2 = formula_tensor([10], 4, 1 / 16)
    x = f32(hashed_uniform(batch * 784, 5)).reshape(batch, 784)  # "pixels" in [0, 1)
    classes = torch.tensor([3, 7, 0, 9])
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    with torch.no_grad():
        model[0].weight.copy_(w1)
        model[0].bias.copy_(b1)
        model[2].weight.copy_(w2)
        model[2].bias.copy_(b2)
    y = model(x)
    loss = F.cross_entropy(y, classes)
    loss.backward()
    g1 = model[0].weight.grad
    data = {
        "generator": "tests/Regularize.Tests/Fixtures/nn/generate.py, torch " + torch.__version__ + ", float64",
        "description": "Sequential(Linear(784,256), ReLU, Linear(256,10)), cross-entropy (mean), batch 4; weights and "
                       "inputs from the hashed formula (salts 1..5); W1's gradient stored as row sums, column sums, "
                       "its first two rows and its sum of squares",
        "classes": classes.tolist(),
        "logits": floats(y),
        "loss": loss.item(),
        "grad_0_bias": floats(model[0].bias.grad),
        "grad_2_weight": floats(model[2].weight.grad),
        "grad_2_bias": floats(model[2].bias.grad),
        "grad_0_weight_row_sums": floats(g1.sum(1)),
        "grad_0_weight_column_sums": floats(g1.sum(0)),
        "grad_0_weight_first_rows": floats(g1[:2]),
        "grad_0_weight_sum_of_squares": (g1 * g1).sum().item(),
    }
    with open(os.path.join(HERE, "mlp784.json"), "w") as fh:
        json.dump(data, fh, separators=(",", ":"))


if __name__ == "__main__":
    small_models()
    mlp784()
