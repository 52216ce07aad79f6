#!/usr/bin/env python3
"""Splits the real Fashion-MNIST (Debian's dataset-fashion-mnist) into two IDX datasets with disjoint classes, for a
transfer-learning check of `deit-tune train --init`: SOURCE holds classes 0-5 (T-shirt .. Sandal) relabelled 0-5,
TARGET classes 6-9 (Shirt, Sneaker, Bag, Ankle boot) relabelled 0-3. Both load as `--dataset mnist --data-root DIR`
(any IDX folder). Usage: make_fashion_transfer.py OUT_DIR"""
import gzip, os, struct, sys

ROOT = "/usr/share/datasets/fashion-mnist"

def read(name):
    with gzip.open(os.path.join(ROOT, name + ".gz")) as f:
        return f.read()

def split(images, labels, keep):
    n, rows, cols = struct.unpack(">III", images[4:16])
    size = rows * cols
    picked = [(images[16 + i * size:16 + (i + 1) * size], keep.index(labels[8 + i])) for i in range(n) if labels[8 + i] in keep]
    head_i = struct.pack(">IIII", 0x803, len(picked), rows, cols)
    head_l = struct.pack(">II", 0x801, len(picked))
    return head_i + b"".join(p for p, _ in picked), head_l + bytes(l for _, l in picked)

def write(folder, prefix, images, labels):
    os.makedirs(folder, exist_ok=True)
    for suffix, data in (("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)):
        with gzip.open(os.path.join(folder, f"{prefix}-{suffix}.gz"), "wb") as f:
            f.write(data)

out = sys.argv[1]
for part, keep in (("source", [0, 1, 2, 3, 4, 5]), ("target", [6, 7, 8, 9])):
    for prefix in ("train", "t10k"):
        images, labels = split(read(f"{prefix}-images-idx3-ubyte"), read(f"{prefix}-labels-idx1-ubyte"), keep)
        write(os.path.join(out, part), prefix, images, labels)
    print(part, "classes", keep)
