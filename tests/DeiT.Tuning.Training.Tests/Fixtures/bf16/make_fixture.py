"""One training step of the parity fixture's DeiT under torch.autocast(cpu, bfloat16), and the same step in fp32.

Run with Debian's python3-torch 1.13: /usr/bin/python3 make_fixture.py (in this folder). Reads the PyTorch reference's
weights and inputs (../../../../../shared/fixtures/deit-parity/), builds timm's distilled DeiT layout with those
parameter names (pre-norm blocks, qkv with bias, exact GELU, LayerNorm eps 1e-6, drop path 0), and runs forward in
training mode, the hard-distillation loss on the mixup target (λ 0.7, batch flipped, smoothing 0.1; α from the
config), and backward: once in fp32 (checked here against the reference's own gradients) and once with the forward
under torch.autocast("cpu", dtype=torch.bfloat16) — fp32 master weights, bf16 linear/conv/matmul, the loss on the
logits cast to fp32, as timm's train.py and our trainer do. Writes step.safetensors: for P in fp32, bf16 the class
and distillation logits (as fp32) `P.cls`, `P.dist`, the loss `P.loss` and `P.grad.<name>` of every parameter.
torch 1.13 has no scaled_dot_product_attention: attention is timm's explicit (q·kᵀ·scale).softmax·v, which CPU
autocast runs in bf16 throughout (its softmax included). The safetensors files are read and written by hand.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from safetensors_file import load, save  # noqa: E402

PARITY = os.path.join('..', '..', '..', '..', '..', 'shared', 'fixtures', 'deit-parity')


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        attn = (q @ k.transpose(-2, -1) * (c // self.heads) ** -0.5).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio, eps):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, in_chans, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class DistilledDeiT(nn.Module):
    def __init__(self, c):
        super().__init__()
        dim = c['dim']
        self.patch_embed = PatchEmbed(c['in_chans'], dim, c['patch'])
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.dist_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, (c['img_size'] // c['patch']) ** 2 + 2, dim))
        self.blocks = nn.Sequential(*[Block(dim, c['heads'], c['mlp_ratio'], c['layer_norm_eps']) for _ in range(c['depth'])])
        self.norm = nn.LayerNorm(dim, eps=c['layer_norm_eps'])
        self.head = nn.Linear(dim, c['num_classes'])
        self.head_dist = nn.Linear(dim, c['num_classes'])

    def forward(self, images):
        x = self.patch_embed(images)
        b = x.shape[0]
        x = torch.cat([self.cls_token.expand(b, -1, -1), self.dist_token.expand(b, -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0]), self.head_dist(x[:, 1])


def smoothed_one_hot(labels, classes, smoothing):
    off = smoothing / classes
    return F.one_hot(labels, classes).float() * (1 - smoothing) + off


def step(model, inputs, c, low):
    model.zero_grad(set_to_none=True)
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=low):
        cls, dist = model(inputs['x'])
    cls, dist = cls.float(), dist.float()
    labels, k = inputs['labels'], c['num_classes']
    target = smoothed_one_hot(labels, k, c['smoothing']) * c['lam'] + smoothed_one_hot(labels.flip(0), k, c['smoothing']) * (1 - c['lam'])
    base = torch.sum(-target * F.log_softmax(cls, dim=-1), dim=-1).mean()
    loss = (1 - c['alpha']) * base + c['alpha'] * F.cross_entropy(dist, inputs['teacher_logits'].argmax(dim=1))
    loss.backward()
    out = {'cls': cls, 'dist': dist, 'loss': loss.detach().reshape(1)}
    for name, p in model.named_parameters():
        out['grad.' + name] = p.grad.clone()
    return out


def main():
    config = json.load(open(os.path.join(PARITY, 'expected.json')))
    c = config['config']
    inputs = load(os.path.join(PARITY, 'inputs.safetensors'))
    expected = load(os.path.join(PARITY, 'expected.safetensors'))
    model = DistilledDeiT(c)
    model.load_state_dict(load(os.path.join(PARITY, 'weights.safetensors')))
    model.train()
    fp32 = step(model, inputs, c, low=False)
    bf16 = step(model, inputs, c, low=True)
    # This model is the reference's: its fp32 step must reproduce the reference's logits, loss and gradients.
    assert torch.allclose(fp32['cls'], expected['train_cls_logits'], rtol=1e-5, atol=1e-6)
    assert abs(fp32['loss'].item() - config['losses']['hard_mixup']) < 1e-5 * config['losses']['hard_mixup']
    for name in (k for k in fp32 if k.startswith('grad.')):
        assert torch.allclose(fp32[name], expected[name], rtol=1e-4, atol=1e-6), name
    tensors = {f'{p}.{k}': v for p, r in (('fp32', fp32), ('bf16', bf16)) for k, v in r.items()}
    save('step.safetensors', tensors)
    print('torch', torch.__version__, 'loss fp32', fp32['loss'].item(), 'bf16', bf16['loss'].item())


if __name__ == '__main__':
    main()
