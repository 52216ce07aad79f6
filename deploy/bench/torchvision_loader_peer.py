#!/usr/bin/python3
"""The torchvision peer of `deit-tune bench loader`: the same train transform on the same files, one core.

    /usr/bin/python3 deploy/bench/torchvision_loader_peer.py DIR [--randaug] [--passes 2] [--size 224]

Reads DIR/train/**/*.{jpg,jpeg,png} (or DIR itself when it has no train/), then times, per image: read the file,
decode to RGB (PIL), RandomResizedCrop(size, bicubic), RandomHorizontalFlip [, RandAugment(num_ops=2, magnitude=9)],
ToTensor, Normalize(ImageNet mean/std). Single-threaded (torch.set_num_threads(1)); prints one JSON line.
torchvision's RandAugment is its own variant of timm's rand-m9-n2 (same ops family, magnitude 9 of 31 bins), the
closest op-for-op peer torchvision 0.14 ships.
"""
import argparse
import glob
import json
import os
import time

import torch
from PIL import Image
from torchvision import transforms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--randaug", action="store_true")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args()
    torch.set_num_threads(1)
    root = os.path.join(args.root, "train") if os.path.isdir(os.path.join(args.root, "train")) else args.root
    files = sorted(f for ext in ("jpg", "jpeg", "png") for f in glob.glob(f"{root}/**/*.{ext}", recursive=True))
    steps = [transforms.RandomResizedCrop(args.size, interpolation=transforms.InterpolationMode.BICUBIC),
             transforms.RandomHorizontalFlip()]
    if args.randaug:
        steps.append(transforms.RandAugment(num_ops=2, magnitude=9))
    steps += [transforms.ToTensor(), transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))]
    transform = transforms.Compose(steps)

    def one(path):
        with open(path, "rb") as f:
            return transform(Image.open(f).convert("RGB"))

    for path in files[:20]:
        one(path)
    start = time.perf_counter()
    for _ in range(args.passes):
        for path in files:
            one(path)
    seconds = time.perf_counter() - start
    count = args.passes * len(files)
    print(json.dumps({"peer": "torchvision " + __import__("torchvision").__version__, "randaug": args.randaug,
                      "images": count, "seconds": round(seconds, 3), "imagesPerSecond": round(count / seconds, 1)}))


if __name__ == "__main__":
    main()
