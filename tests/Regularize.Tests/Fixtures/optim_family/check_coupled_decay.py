#!/usr/bin/python3
"""Shows on torch 1.13 itself how its optimizers form coupled weight decay, g + λθ (grad.add(param, alpha=λ)).

Run with Debian's python3-torch:  /usr/bin/python3 check_coupled_decay.py     (writes nothing; CI never runs it)

For float32 θ, g and λ the sum can be formed two ways: fused, fma(λ, θ, g), rounded once; or g + round(λ·θ), rounded
twice. The two differ in roughly one element in ten. For every torch optimizer that takes weight_decay, one step
with weight_decay = λ on gradient g is compared with one step with weight_decay = 0 on each precomputed form; the
form whose run gives the same bits (θ and every state tensor) is the one torch computes. 1037 elements: torch's
vectorised loop and its scalar tail both take part. Measured 2026-12-02: fma for every optimizer and option below.
"""
import ctypes

import numpy as np
import torch

libm = ctypes.CDLL("libm.so.6")
libm.fmaf.restype = ctypes.c_float
libm.fmaf.argtypes = [ctypes.c_float] * 3

N = 1037
LAMBDA = np.float32(0.1)
gen = torch.Generator().manual_seed(0)
THETA = torch.randn(N, generator=gen)
GRAD = torch.randn(N, generator=gen)

O = torch.optim
CASES = [
    ("SGD", O.SGD, dict(lr=0.1)),
    ("SGD momentum", O.SGD, dict(lr=0.1, momentum=0.9)),
    ("SGD nesterov", O.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD momentum maximize", O.SGD, dict(lr=0.1, momentum=0.9, maximize=True)),
    ("Adam", O.Adam, dict(lr=0.01)),
    ("Adam amsgrad maximize", O.Adam, dict(lr=0.01, amsgrad=True, maximize=True)),
    ("Adamax", O.Adamax, dict(lr=0.01)),
    ("NAdam", O.NAdam, dict(lr=0.01)),
    ("RAdam", O.RAdam, dict(lr=0.01)),
    ("RMSprop", O.RMSprop, dict(lr=0.01)),
    ("RMSprop centered momentum", O.RMSprop, dict(lr=0.01, centered=True, momentum=0.9)),
    ("Adagrad", O.Adagrad, dict(lr=0.01)),
    ("Adadelta", O.Adadelta, dict(lr=1.0)),
    ("ASGD", O.ASGD, dict(lr=1.0)),  # at small lr the two forms round to the same θ
]


def decayed(g):
    """Both forms of g + λθ in float32."""
    t, x = THETA.numpy(), g.numpy()
    fused = np.array([libm.fmaf(float(LAMBDA), float(a), float(b)) for a, b in zip(t, x)], dtype=np.float32)
    twice = (x + LAMBDA * t).astype(np.float32)
    return torch.from_numpy(fused), torch.from_numpy(twice)


def step(cls, options, weight_decay, grad):
    p = torch.nn.Parameter(THETA.clone())
    opt = cls([p], weight_decay=weight_decay, foreach=False, **options)
    p.grad = grad.clone()
    opt.step()
    state = [v for _, v in sorted(opt.state[p].items()) if torch.is_tensor(v) and v.numel() == N]
    return [p.detach().clone()] + [v.clone() for v in state]


def same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def main():
    print("torch", torch.__version__)
    for name, cls, options in CASES:
        maximize = options.get("maximize", False)
        # torch negates g first when maximizing, then adds λθ; the λ = 0 runs negate again, so pass −(−g + λθ).
        fused, twice = decayed(-GRAD if maximize else GRAD)
        if maximize:
            fused, twice = -fused, -twice
        torch_run = step(cls, options, float(LAMBDA), GRAD)
        fused_run, twice_run = step(cls, options, 0.0, fused), step(cls, options, 0.0, twice)
        telling = sum(int((x != y).sum()) for x, y in zip(fused_run, twice_run))
        verdict = "fma(λ, θ, g)" if same(torch_run, fused_run) else "g + round(λθ)" if same(torch_run, twice_run) else "neither"
        print(f"{name:27s} forms differ in {int((fused != twice).sum()):3d}/{N} elements, results in {telling:3d}: torch computes {verdict}")


if __name__ == "__main__":
    main()
