"""Writes PIL 9.4's output for every (op, magnitude, sign) of timm's `original` AutoAugment policy.

Run with Debian's python3-pil: /usr/bin/python3 make_fixtures.py (in this folder). The ops follow timm's
auto_augment.py (level → argument with _LEVEL_DENOM 10; PosterizeOriginal, Solarize, the non-increasing enhance
ops, signed Rotate/ShearX); geometric ops resample bicubically (DeiT's train_interpolation) with the image-mean fill.
"""
import json
from PIL import Image, ImageEnhance, ImageOps

POLICY = [
    [('PosterizeOriginal', 0.4, 8), ('Rotate', 0.6, 9)], [('Solarize', 0.6, 5), ('AutoContrast', 0.6, 5)],
    [('Equalize', 0.8, 8), ('Equalize', 0.6, 3)], [('PosterizeOriginal', 0.6, 7), ('PosterizeOriginal', 0.6, 6)],
    [('Equalize', 0.4, 7), ('Solarize', 0.2, 4)], [('Equalize', 0.4, 4), ('Rotate', 0.8, 8)],
    [('Solarize', 0.6, 3), ('Equalize', 0.6, 7)], [('PosterizeOriginal', 0.8, 5), ('Equalize', 1.0, 2)],
    [('Rotate', 0.2, 3), ('Solarize', 0.6, 8)], [('Equalize', 0.6, 8), ('PosterizeOriginal', 0.4, 6)],
    [('Rotate', 0.8, 8), ('Color', 0.4, 0)], [('Rotate', 0.4, 9), ('Equalize', 0.6, 2)],
    [('Equalize', 0.0, 7), ('Equalize', 0.8, 8)], [('Invert', 0.6, 4), ('Equalize', 1.0, 8)],
    [('Color', 0.6, 4), ('Contrast', 1.0, 8)], [('Rotate', 0.8, 8), ('Color', 1.0, 2)],
    [('Color', 0.8, 8), ('Solarize', 0.8, 7)], [('Sharpness', 0.4, 7), ('Invert', 0.6, 8)],
    [('ShearX', 0.6, 5), ('Equalize', 1.0, 9)], [('Color', 0.4, 0), ('Equalize', 0.6, 3)],
    [('Equalize', 0.4, 7), ('Solarize', 0.2, 4)], [('Solarize', 0.6, 5), ('AutoContrast', 0.6, 5)],
    [('Invert', 0.6, 4), ('Equalize', 1.0, 8)], [('Color', 0.6, 4), ('Contrast', 1.0, 8)],
    [('Equalize', 0.8, 8), ('Equalize', 0.6, 3)],
]
SIGNED = {'Rotate', 'ShearX'}
GEOMETRIC = {'Rotate', 'ShearX'}
INPUTS = {'rgb': ('input_rgb.png', 'RGB', (124, 116, 104)), 'gray': ('input_gray.png', 'L', 128)}


def argument(op, magnitude, sign):
    level = magnitude / 10.0
    if op == 'PosterizeOriginal':
        return int(level * 4) + 4
    if op == 'Solarize':
        return int(level * 256)
    if op in ('Color', 'Contrast', 'Sharpness'):
        return level * 1.8 + 0.1
    if op == 'Rotate':
        return sign * level * 30.0
    if op == 'ShearX':
        return sign * level * 0.3
    return None


def apply(op, arg, img, fill):
    if op == 'AutoContrast':
        return ImageOps.autocontrast(img)
    if op == 'Equalize':
        return ImageOps.equalize(img)
    if op == 'Invert':
        return ImageOps.invert(img)
    if op == 'PosterizeOriginal':
        return img if arg >= 8 else ImageOps.posterize(img, arg)
    if op == 'Solarize':
        return ImageOps.solarize(img, arg)
    if op == 'Color':
        return ImageEnhance.Color(img).enhance(arg)
    if op == 'Contrast':
        return ImageEnhance.Contrast(img).enhance(arg)
    if op == 'Sharpness':
        return ImageEnhance.Sharpness(img).enhance(arg)
    if op == 'Rotate':
        return img.rotate(arg, resample=Image.BICUBIC, fillcolor=fill)
    if op == 'ShearX':
        return img.transform(img.size, Image.AFFINE, (1, arg, 0, 0, 1, 0), resample=Image.BICUBIC, fillcolor=fill)
    raise ValueError(op)


def main():
    uses = sorted({(op, m) for sub in POLICY for op, _, m in sub})
    cases = []
    for name, (file, mode, fill) in INPUTS.items():
        img = Image.open(file).convert(mode)
        for op, magnitude in uses:
            for sign in ((1, -1) if op in SIGNED else (1,)):
                arg = argument(op, magnitude, sign)
                out = f"{name}_{op}_m{magnitude}{'_neg' if sign < 0 else ''}.png"
                apply(op, arg, img, fill).save(out)
                cases.append(dict(input=name, op=op, magnitude=magnitude, sign=sign, arg=arg, file=out,
                                  geometric=op in GEOMETRIC))
    manifest = dict(source='PIL ' + Image.__version__ + ', timm auto_augment_policy_original ops',
                    inputs={k: dict(file=f, mode=m, fill=list(fl) if isinstance(fl, tuple) else fl)
                            for k, (f, m, fl) in INPUTS.items()},
                    policy=[[list(op) for op in sub] for sub in POLICY], cases=cases)
    with open('manifest.json', 'w') as f:
        json.dump(manifest, f, indent=1)


if __name__ == '__main__':
    main()
