"""PyTorch's half of the PCA side-by-side (see pca.sh): PCA of the Fashion-MNIST training images.

Loads train-images-idx3-ubyte.gz, scales pixels to [0, 1] (no normalisation, as the Regularize side) and times
  lowrank: torch.pca_lowrank(X, q=k + oversampling, center=True, niter=q_power), then keeps the top k
  svd:     torch.linalg.svd(X - mean, full_matrices=False), the exact thin SVD (LAPACK gesdd)
printing one JSON line per method with the seconds of each repeat and the leading singular values.
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch


def load_images(folder, rows):
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz"), "rb") as f:
        magic, count, height, width = struct.unpack(">IIII", f.read(16))
        if magic != 0x803:
            raise SystemExit(f"torch_pca.py: unexpected IDX magic {magic:#x}")
        pixels = np.frombuffer(f.read(count * height * width), dtype=np.uint8).reshape(count, height * width)
    if rows:
        pixels = pixels[:rows]
    return torch.from_numpy(pixels.astype(np.float32) / 255.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--rows", type=int, default=0)
    p.add_argument("--k", type=int, default=50)
    p.add_argument("--oversampling", type=int, default=10)
    p.add_argument("--power-iterations", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--methods", default="lowrank,svd")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    x = load_images(a.data, a.rows)
    for method in a.methods.split(","):
        seconds, sigma = [], None
        for r in range(a.repeats):
            torch.manual_seed(r)
            start = time.perf_counter()
            if method == "lowrank":
                _, s, v = torch.pca_lowrank(x, q=a.k + a.oversampling, center=True, niter=a.power_iterations)
                s, v = s[: a.k], v[:, : a.k]
            else:
                centered = x - x.mean(dim=0, keepdim=True)
                _, s, vh = torch.linalg.svd(centered, full_matrices=False)
                s, vh = s[: a.k], vh[: a.k]
            seconds.append(time.perf_counter() - start)
            sigma = s
        print(json.dumps({"framework": "pytorch " + torch.__version__, "method": method, "threads": a.threads,
                          "rows": x.shape[0], "cols": x.shape[1], "k": a.k, "seconds": seconds,
                          "singular_values": [float(v) for v in sigma]}), flush=True)


if __name__ == "__main__":
    main()
