#!/usr/bin/python3
"""Writes an ImageFolder of ImageNet-sized JPEGs for loader benchmarks and large-dataset runs.

    /usr/bin/python3 deploy/bench/make_jpeg_folder.py OUT [--train N] [--val N] [--classes K] [--min-side 400] [--max-side 500]

OUT/train/<class>/NNNNNN.jpg and OUT/val/<class>/NNNNNN.jpg, quality 90, sizes drawn per image in
[min-side, max-side] (width and height apart). Content is natural-ish, not blank: smooth colour gradients, a few
blurred ellipses and rectangles, and noise, so JPEG files have realistic sizes (~40-80 kB at 450 px) and decoders
do real work. Deterministic for a given --seed.
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def picture(rng, width, height, label, classes):
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    hue = label / max(1, classes)
    base = np.stack([
        128 + 100 * np.sin(x / rng.uniform(30, 120) + 6.28 * hue),
        128 + 100 * np.cos(y / rng.uniform(30, 120) + 3.14 * hue),
        128 + 100 * np.sin((x + y) / rng.uniform(40, 160)),
    ], axis=-1)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 9))):
        x0, y0 = int(rng.integers(0, width - 20)), int(rng.integers(0, height - 20))
        x1, y1 = x0 + int(rng.integers(20, width // 2)), y0 + int(rng.integers(20, height // 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 2.5))))
    noisy = np.asarray(image).astype(np.int16) + rng.normal(0, 8, (height, width, 3)).astype(np.int16)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def write_split(root, split, count, classes, args, rng):
    for i in range(count):
        label = i % classes
        folder = os.path.join(root, split, f"class{label:03d}")
        os.makedirs(folder, exist_ok=True)
        w, h = (int(rng.integers(args.min_side, args.max_side + 1)) for _ in range(2))
        picture(rng, w, h, label, classes).save(os.path.join(folder, f"{i:06d}.jpg"), quality=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--train", type=int, default=300)
    parser.add_argument("--val", type=int, default=50)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--min-side", type=int, default=400)
    parser.add_argument("--max-side", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.classes < 1 or args.train < args.classes:
        parser.error("--classes must be >= 1 and --train at least --classes (every class needs an image)")
    rng = np.random.default_rng(args.seed)
    write_split(args.out, "train", args.train, args.classes, args, rng)
    write_split(args.out, "val", args.val, args.classes, args, rng)


if __name__ == "__main__":
    main()
