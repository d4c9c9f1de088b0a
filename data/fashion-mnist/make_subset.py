#!/usr/bin/env python3
"""Make the Fashion-MNIST subset shipped with Regularize.

Reads the four gzip IDX files of the full Fashion-MNIST set (Debian's dataset-fashion-mnist
package installs them in /usr/share/datasets/fashion-mnist/), keeps the first TRAIN_COUNT
training examples and the first TEST_COUNT test examples, in their original order, and writes
them as gzip IDX files with the original names into this script's folder. Only the standard
library is used. The gzip output is reproducible: no file name and a zero timestamp in the
gzip header, compression level 9.

Usage: python3 make_subset.py [SOURCE_FOLDER]
"""
import gzip
import hashlib
import os
import struct
import sys

TRAIN_COUNT = 10_000
TEST_COUNT = 2_000
SPLITS = [("train", TRAIN_COUNT), ("t10k", TEST_COUNT)]


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, type_code, rank = struct.unpack_from(">HBB", raw, 0)
    if zero != 0 or type_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = list(struct.unpack_from(">" + "I" * rank, raw, 4))
    header = 4 + 4 * rank
    return dims, raw[header:]


def write_idx(path, dims, data):
    header = struct.pack(">HBB", 0, 0x08, len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + data)


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    target = os.path.dirname(os.path.abspath(__file__))
    for split, count in SPLITS:
        image_dims, images = read_idx(os.path.join(source, f"{split}-images-idx3-ubyte.gz"))
        label_dims, labels = read_idx(os.path.join(source, f"{split}-labels-idx1-ubyte.gz"))
        if image_dims[0] != label_dims[0] or count > image_dims[0]:
            raise ValueError(f"{split}: {image_dims[0]} images, {label_dims[0]} labels, {count} wanted")
        pixels = image_dims[1] * image_dims[2]
        image_out = os.path.join(target, f"{split}-images-idx3-ubyte.gz")
        label_out = os.path.join(target, f"{split}-labels-idx1-ubyte.gz")
        write_idx(image_out, [count] + image_dims[1:], images[: count * pixels])
        write_idx(label_out, [count], labels[:count])
        balance = [labels[:count].count(c) for c in range(10)]
        print(f"{split}: {count} examples, per class {balance}")
        for path in (image_out, label_out):
            with open(path, "rb") as f:
                content = f.read()
            print(f"  {os.path.basename(path)}: {len(content)} bytes, sha256 {hashlib.sha256(content).hexdigest()}")


if __name__ == "__main__":
    main()
