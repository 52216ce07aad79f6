"""Per-head evaluation of the parity fixture's distilled model, computed by torch from its reference outputs.

Run with Debian's python3-torch: /usr/bin/python3 make_fixture.py (in this folder). Reads the class- and
distillation-token logits the PyTorch reference wrote (../../../../../shared/fixtures/deit-parity/, drop path 0, so
they are also the evaluation outputs) and writes heads.json: per head (class, dist, both = mean of the two softmaxes,
the DeiT paper's inference) the per-image probabilities, the top-1 predictions, top-1 accuracy and the mean
negative log-likelihood. The safetensors files are parsed by hand (no safetensors package on Debian).
"""
import json
import os
import sys
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from safetensors_file import load  # noqa: E402

PARITY = os.path.join('..', '..', '..', '..', '..', 'shared', 'fixtures', 'deit-parity')


def main():
    inputs = load(os.path.join(PARITY, 'inputs.safetensors'))
    expected = load(os.path.join(PARITY, 'expected.safetensors'))
    labels = inputs['labels']
    cls, dist = expected['train_cls_logits'].double(), expected['train_dist_logits'].double()
    probabilities = {
        'class': cls.softmax(1),
        'dist': dist.softmax(1),
        'both': (cls.softmax(1) + dist.softmax(1)) / 2,
    }
    heads = {}
    for head, p in probabilities.items():
        pred = p.argmax(1)
        heads[head] = dict(probabilities=p.tolist(), predictions=pred.tolist(),
                           top1=(pred == labels).double().mean().item(),
                           loss=torch.nn.functional.nll_loss(p.log(), labels).item())
    out = dict(source='torch ' + torch.__version__ + ' from deit-parity train_cls_logits / train_dist_logits',
               labels=labels.tolist(), heads=heads,
               logit_mean_predictions=((cls + dist) / 2).argmax(1).tolist())
    with open('heads.json', 'w') as f:
        json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
