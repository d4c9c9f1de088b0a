#!/usr/bin/python3
"""PyTorch half of the side-by-side benchmark: the 784-512-256-10 ReLU MLP (or --model cnn), AdamW, batch 128, full Fashion-MNIST.

With --model cnn: the CNN of issue 11, Conv2d(1,32,3,p=1)-BatchNorm2d-ReLU-MaxPool2d(2)-Conv2d(32,64,3,p=1)-
BatchNorm2d-ReLU-MaxPool2d(2)-Flatten-Linear(3136,128)-ReLU-Dropout(0.25)-Linear(128,10), with a cosine learning
rate (CosineAnnealingLR over all steps, stepped after each step), as EpochRun.cs does with --model cnn.

Mirrors benchmarks/Regularize.Benchmarks/SideBySide/EpochRun.cs: the same data (pixels / 255, optionally
normalised with the training set's mean 0.2860 and std 0.3530), the same model shape and initialisation scheme
(PyTorch's default for nn.Linear, which Regularize's Linear reproduces), CrossEntropyLoss, AdamW(lr, wd), a
shuffled order drawn from a fixed seed each epoch, and the last partial batch kept. Each epoch's training loop is
timed (batch gathering included, evaluation not); the test accuracy is measured after every epoch.

Run with Debian's interpreter, /usr/bin/python3 (python3-torch, 1.13), with libopenblas0-openmp installed:
PyTorch falls back to the reference BLAS otherwise, about 20 times slower.

Prints one JSON object on stdout.
"""

import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    """Reads a (gzipped) IDX file of unsigned bytes into a numpy array of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def locate(folder, name):
    plain = os.path.join(folder, name)
    return plain if os.path.exists(plain) else plain + ".gz"


def load(folder, split, normalize):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(locate(folder, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(locate(folder, f"{prefix}-labels-idx1-ubyte"))
    x = images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(255)
    if normalize:
        x = (x - np.float32(0.2860)) / np.float32(0.3530)
    return torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))


def accuracy(model, x, y, chunk=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, x.shape[0], chunk):
            logits = model(x[start:start + chunk])
            correct += (logits.argmax(dim=1) == y[start:start + chunk]).sum().item()
    model.train()
    return correct / x.shape[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--wd", type=float, default=1e-2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--normalize", action="store_true", help="subtract 0.2860 and divide by 0.3530 after /255")
    p.add_argument("--no-eval", action="store_true", help="skip the test accuracy")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train = load(args.data, "train", args.normalize)
    x_test, y_test = load(args.data, "test", args.normalize)

    if args.model == "cnn":
        model = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
    else:
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    steps_per_epoch = (x_train.shape[0] + args.batch - 1) // args.batch
    cosine = (torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps_per_epoch * args.epochs)
              if args.model == "cnn" else None)
    loss_fn = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(args.seed)

    epochs = []
    n = x_train.shape[0]
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n, generator=shuffle)
        loss_sum = 0.0
        for first in range(0, n, args.batch):
            idx = order[first:first + args.batch]
            xb, yb = x_train[idx], y_train[idx]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            if cosine is not None:
                cosine.step()
            loss_sum += loss.item() * idx.shape[0]
        seconds = time.perf_counter() - start
        record = {"epoch": epoch + 1, "seconds": seconds, "train_loss": loss_sum / n}
        if not args.no_eval:
            record["test_accuracy"] = accuracy(model, x_test, y_test)
        epochs.append(record)
        print(f"torch epoch {epoch + 1}: {seconds:.3f} s", file=sys.stderr)

    print(json.dumps({
        "framework": f"pytorch {torch.__version__}",
        "model": args.model,
        "threads": torch.get_num_threads(),
        "batch": args.batch,
        "normalize": args.normalize,
        "epochs": epochs,
    }))


if __name__ == "__main__":
    main()
