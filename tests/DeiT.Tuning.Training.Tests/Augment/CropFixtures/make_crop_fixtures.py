#!/usr/bin/python3
"""Writes the crop/resize fixtures of CropFixtureTests with torchvision 0.14 + PIL (Debian python3-torchvision).

    /usr/bin/python3 tests/DeiT.Tuning.Training.Tests/Augment/CropFixtures/make_crop_fixtures.py

For each source image (small JPEGs and one PNG written here from a fixed seed): PIL's decoded RGB bytes
(NAME.decoded.rgb, HWC), torchvision's resized_crop(img, top, left, h, w, [S, S], BICUBIC) for a list of boxes (down-
and up-scaling, full image, thin boxes) and timm's eval transform Resize(floor(S / 0.875), BICUBIC) + CenterCrop(S),
each as HWC bytes. manifest.json lists every case. Deterministic.
"""
import io
import json
import math
import os

import numpy as np
import torchvision
from PIL import Image, ImageFilter
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 32
BICUBIC = InterpolationMode.BICUBIC


def source(rng, width, height):
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([128 + 120 * np.sin(x / 7.0), 128 + 120 * np.cos(y / 5.0), 128 + 120 * np.sin((x + y) / 11.0)], -1)
    noisy = base + rng.normal(0, 30, base.shape)   # sharp detail makes resampling errors visible
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB").filter(ImageFilter.SMOOTH)


def main():
    rng = np.random.default_rng(15)
    cases = []
    images = [("a.jpg", 96, 72, "JPEG"), ("b.jpg", 61, 113, "JPEG"), ("c.png", 80, 80, "PNG")]
    for name, width, height, fmt in images:
        buffer = io.BytesIO()
        source(rng, width, height).save(buffer, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(buffer.getvalue())
        image = Image.open(os.path.join(HERE, name)).convert("RGB")
        with open(os.path.join(HERE, name + ".decoded.rgb"), "wb") as f:
            f.write(np.asarray(image).tobytes())
        boxes = [(0, 0, height, width), (height // 4, width // 5, height // 2, width // 2), (1, 2, 20, 13),
                 (height - 9, width - 40, 9, 40), (3, 3, height - 5, width - 7), (5, 7, SIZE, SIZE)]
        for k, (top, left, h, w) in enumerate(boxes):
            out = F.resized_crop(image, top, left, h, w, [SIZE, SIZE], BICUBIC)
            file = f"{name}.crop{k}.rgb"
            with open(os.path.join(HERE, file), "wb") as f:
                f.write(np.asarray(out).tobytes())
            cases.append({"image": name, "kind": "resized_crop", "box": [top, left, h, w], "expected": file})
        scaled = math.floor(SIZE / 0.875)
        out = F.center_crop(F.resize(image, scaled, BICUBIC), [SIZE, SIZE])
        file = f"{name}.eval.rgb"
        with open(os.path.join(HERE, file), "wb") as f:
            f.write(np.asarray(out).tobytes())
        cases.append({"image": name, "kind": "eval", "crop_pct": 0.875, "expected": file})
    manifest = {"torchvision": torchvision.__version__, "pil": Image.__version__, "size": SIZE,
                "images": [{"name": n, "width": w, "height": h} for n, w, h, _ in images], "cases": cases}
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
