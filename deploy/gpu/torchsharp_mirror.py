"""The op sequence of ours (deit-tune-bench's training step, grains/DeiT.Tuning.Training), run by PyTorch eager.

It splits the gap between ours and PyTorch autocast in two: if this mirror runs as fast as the reference (timm under
torch.autocast), the difference lies in how TorchSharp drives libtorch; if it runs as slow as ours, it lies in the
ops, and `--kernels N` on both says which kernels. Used through pytorch_train_step.py --impl mirror.

What ours does, step by step, and so this file:
- mixed precision without autocast (Layers/Autocast.cs): the patch convolution and every linear on a low-precision
  copy of their fp32 input, and on the weights' compute copies (Engine/ComputeWeights.cs: one flat low-precision
  buffer per optimizer group, refreshed by one cast before each forward, a leaf view per parameter whose gradients
  are added into the flat master gradients by one add per group after backward); linears on rows [B*N, C] (addmm,
  the bias fused); attention by the fused kernel on the low-precision heads;
- the residual stream in fp32: cat(class, distillation, patch tokens) + position embedding, and each branch added
  back through drop path as one addcmul(residual, branch, mask) (Layers/DropPath.cs), the mask drawn in the
  branch's type;
- heads on the class and distillation tokens, logits cast to fp32, soft-target cross-entropy and hard distillation
  (alpha 0.5);
- FlatAdamW (Engine/FlatAdamW.cs): per group, parameters, gradients and both moments packed in flat buffers, each
  parameter and its .grad a view of a slice; gradients zeroed in place before the step, autograd accumulating into
  them; the update in torch.optim.AdamW's single-tensor order over the whole group at once.
Variants, to price one difference at a time: --mirror-weights casts (each weight cast where it is used, as autocast
does), --mirror-optimizer foreach (torch's AdamW instead of the flat one; implies casts), --mirror-drop-path timm
(branch * mask, then + residual).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def cast(tensor, low):
    return tensor if low is None or tensor.dtype == low else tensor.to(low)


COPIES = {}  # master parameter -> its compute copy (ComputeWeights); empty: cast each weight where it is used


def weight(param, low):
    return COPIES.get(param) if param in COPIES else cast(param, low)


def linear(layer, x, low):
    return F.linear(cast(x, low), weight(layer.weight, low), weight(layer.bias, low))


class MirrorBlock(nn.Module):
    def __init__(self, dim, heads, drop_path, drop_path_op):
        super().__init__()
        self.heads, self.rate, self.drop_path_op = heads, drop_path, drop_path_op
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1, self.fc2 = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)
        self.low = None

    def add_to(self, residual, branch):
        if self.rate == 0 or not self.training:
            return residual + branch
        keep = 1 - self.rate
        mask = torch.empty((branch.shape[0], 1, 1), dtype=branch.dtype, device=branch.device).bernoulli_(keep).div_(keep)
        if self.drop_path_op == "timm":
            return residual + branch * mask
        return residual.addcmul(branch, mask.to(residual.dtype), value=1)

    def attention(self, x):
        b, n, c = x.shape
        rows = linear(self.qkv, x.view(b * n, c), self.low)
        q, k, v = rows.view(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        from pytorch_train_step import attention
        return linear(self.proj, attention(q, k, v).transpose(1, 2).reshape(b * n, c), self.low).view(b, n, c)

    def mlp(self, x):
        rows = x.view(-1, x.shape[-1])
        return linear(self.fc2, F.gelu(linear(self.fc1, rows, self.low)), self.low).view(x.shape)

    def forward(self, x):
        x = self.add_to(x, self.attention(self.norm1(x)))
        return self.add_to(x, self.mlp(self.norm2(x)))


class MirrorDeiT(nn.Module):
    def __init__(self, dim, depth, heads, num_classes, img_size, patch, drop_path, drop_path_op):
        super().__init__()
        self.patch = patch
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim).normal_(std=0.02))
        self.dist_token = nn.Parameter(torch.zeros(1, 1, dim).normal_(std=0.02))
        self.pos_embed = nn.Parameter(torch.zeros(1, (img_size // patch) ** 2 + 2, dim).normal_(std=0.02))
        self.patch_embed = nn.Conv2d(3, dim, patch, stride=patch)
        rates = torch.linspace(0, drop_path, depth).tolist()
        self.blocks = nn.ModuleList([MirrorBlock(dim, heads, r, drop_path_op) for r in rates])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head, self.head_dist = nn.Linear(dim, num_classes), nn.Linear(dim, num_classes)
        self.low = None

    def forward(self, images):
        low = self.low
        conv = self.patch_embed
        patches = F.conv2d(cast(images, low), weight(conv.weight, low), weight(conv.bias, low), stride=self.patch)
        patches = patches.flatten(2).transpose(1, 2)
        b = patches.shape[0]
        x = torch.cat([self.cls_token.expand(b, -1, -1), self.dist_token.expand(b, -1, -1), patches], 1).add_(self.pos_embed)
        for block in self.blocks:
            block.low = low
            x = block(x)
        x = self.norm(x)
        return linear(self.head, x.select(1, 0), low), linear(self.head_dist, x.select(1, 1), low)


class FlatAdamW:
    """Engine/FlatAdamW.cs: flat parameters, gradients and moments per group; gradients preset to views of the flat
    gradient buffer, which autograd adds into."""

    def __init__(self, groups, lr, betas, eps):
        self.lr, (self.beta1, self.beta2), self.eps, self.step_count = lr, betas, eps, 0
        self.groups = []
        with torch.no_grad():
            for group in groups:
                params = group["params"]
                total = sum(p.numel() for p in params)
                like = params[0]
                flat = torch.empty(total, dtype=like.dtype, device=like.device)
                gradients = torch.zeros_like(flat)
                offset = 0
                for p in params:
                    n = p.numel()
                    slot = flat[offset:offset + n].view_as(p)
                    slot.copy_(p)
                    p.data = slot
                    p.grad = gradients[offset:offset + n].view_as(p)
                    offset += n
                self.groups.append({"params": params, "flat": flat, "grads": gradients, "weight_decay": group["weight_decay"],
                                    "exp_avg": torch.zeros_like(flat), "exp_avg_sq": torch.zeros_like(flat)})

    def zero_grad(self):
        for g in self.groups:
            g["grads"].zero_()

    @torch.no_grad()
    def step(self):
        self.step_count += 1
        lr, beta1, beta2, eps, t = self.lr, self.beta1, self.beta2, self.eps, self.step_count
        for g in self.groups:
            grads = g["grads"]
            if g["weight_decay"]:
                g["flat"].mul_(1 - lr * g["weight_decay"])
            g["exp_avg"].mul_(beta1).add_(grads, alpha=1 - beta1)
            g["exp_avg_sq"].mul_(beta2).addcmul_(grads, grads, value=1 - beta2)
            denominator = g["exp_avg_sq"].sqrt().div_((1 - beta2 ** t) ** 0.5).add_(eps)
            g["flat"].addcdiv_(g["exp_avg"], denominator, value=-lr / (1 - beta1 ** t))


class ComputeWeights:
    """Engine/ComputeWeights.cs: per group a low-precision copy of the flat master weights, a leaf view per parameter,
    its gradients in a flat buffer added into the master gradients after backward."""

    def __init__(self, opt, low):
        self.opt, self.copies, self.buffers = opt, {}, []
        with torch.no_grad():
            for g in opt.groups:
                weights = torch.empty_like(g["flat"], dtype=low)
                gradients = torch.zeros_like(weights)
                offset = 0
                for p in g["params"]:
                    n = p.numel()
                    copy = weights[offset:offset + n].view_as(p).requires_grad_(True)
                    copy.grad = gradients[offset:offset + n].view_as(p)
                    self.copies[p] = copy
                    offset += n
                self.buffers.append((g, weights, gradients))

    @torch.no_grad()
    def refresh(self):
        for g, weights, gradients in self.buffers:
            weights.copy_(g["flat"])
            gradients.zero_()

    @torch.no_grad()
    def add_gradients(self):
        for g, _, gradients in self.buffers:
            g["grads"].add_(gradients)


def mirror_step(model_name, batch, args, device, low, phases):
    from pytorch_train_step import PRESETS, param_groups, phased_step
    if args.precision == "fp16":
        raise SystemExit("--impl mirror: fp16 is not mirrored (ours scales the loss its own way); use bf16, tf32 or fp32")
    dim, depth, heads = PRESETS[model_name]
    model = MirrorDeiT(dim, depth, heads, args.classes, args.img_size, args.patch, args.drop_path, args.mirror_drop_path).to(device)
    model.train()
    model.low = low
    lr = 5e-4 * batch / 512
    copies = None
    if args.mirror_optimizer == "foreach":
        opt = torch.optim.AdamW(param_groups(model, 0.05), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = FlatAdamW(param_groups(model, 0.05), lr, (0.9, 0.999), 1e-8)
        if low is not None and args.mirror_weights == "copies":
            copies = ComputeWeights(opt, low)
    COPIES.clear()
    COPIES.update(copies.copies if copies else {})
    x = torch.randn(batch, 3, args.img_size, args.img_size, device=device)
    target = torch.softmax(torch.randn(batch, args.classes, device=device), dim=-1)
    teacher = torch.randn(batch, args.classes, device=device)

    def forward_loss():
        opt.zero_grad()
        if copies:
            copies.refresh()
        cls, dist = model(x)
        base = (-target * F.log_softmax(cls.float(), -1)).sum(-1).mean()
        return base * 0.5 + F.cross_entropy(dist.float(), teacher.argmax(1)) * 0.5

    def backward(loss):
        loss.backward()
        if copies:
            copies.add_gradients()

    return phased_step(forward_loss, backward, opt.step, args, device, phases)
