"""PyTorch eager reference for `deit-tune bench train-step` (deit-tune-bench) on the same device.

Times the same step as the TorchSharp benchmark: a distilled DeiT forward in training mode with the recipe's
stochastic depth (--drop-path, 0.1 as DeiT and ours; timm's own default is 0), hard-distillation loss over a
soft-target cross-entropy base (alpha 0.5, teacher logits random and fixed), backward, AdamW step with DeiT's
no-weight-decay groups. --profile also times each op of a block alone as ours does (bursts of launches, one sync). Precision as `--precision` in ours:
  fp32  fp32 matmuls (TF32 off)            tf32  fp32 tensors, TF32 tensor-core matmuls
  bf16  torch.autocast(dtype=bfloat16)     fp16  torch.autocast(dtype=float16) + torch.cuda.amp.GradScaler
with fp32 parameters and AdamW in every case, as timm's train.py --amp does.
The model is timm's when timm is installed, else the DeiT defined below (timm's layout: pre-norm blocks, qkv with
bias, exact GELU, LayerNorm eps 1e-6), so a host without timm (or this CPU, for a dry run) can still run it.
Prints one JSON object per model on stdout.
On a CPU with Debian's python3-torch 1.13: its fp32 matmuls go to the reference BLAS (about 2.4 GFLOP/s on one core
here, OpenBLAS 33), so fp32 figures mean nothing unless OpenBLAS is put in front of it for this process only:
  apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb /tmp/openblas
  OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread \
    /usr/bin/python3 deploy/gpu/pytorch_train_step.py --device cpu --builtin --models deit_tiny_distilled_patch16_224:64 \
    --img-size 32 --patch 4 --classes 10 --threads 1 --precision fp32 --profile
(bf16 matmuls go to oneDNN either way.)
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # name: (embed dim, depth, heads); patch 16, image 224 unless --img-size/--patch say otherwise
    "deit_tiny_distilled_patch16_224": (192, 12, 3),
    "deit_small_distilled_patch16_224": (384, 12, 6),
    "deit_base_distilled_patch16_224": (768, 12, 12),
    "deit_micro_distilled_patch4_28": (96, 6, 3),  # ours; not a timm model, so always the builtin DeiT
}


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        return self.proj(attention(q, k, v).transpose(1, 2).reshape(b, n, c))


def attention(q, k, v):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v)
    return (q @ k.transpose(-2, -1) * q.shape[-1] ** -0.5).softmax(dim=-1) @ v  # torch < 2.0


class Block(nn.Module):
    def __init__(self, dim, heads, drop_path):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 4), nn.GELU(), nn.Linear(dim * 4, dim))
        self.drop_path = drop_path

    def branch(self, y):
        if not self.training or self.drop_path == 0:
            return y
        keep = torch.empty((y.shape[0], 1, 1), dtype=y.dtype, device=y.device).bernoulli_(1 - self.drop_path)
        return y * keep / (1 - self.drop_path)

    def forward(self, x):
        x = x + self.branch(self.attn(self.norm1(x)))
        return x + self.branch(self.mlp(self.norm2(x)))


class DistilledDeiT(nn.Module):
    def __init__(self, dim, depth, heads, num_classes, img_size, patch, drop_path=0.1):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, patch, stride=patch)
        tokens = (img_size // patch) ** 2 + 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim).normal_(std=0.02))
        self.dist_token = nn.Parameter(torch.zeros(1, 1, dim).normal_(std=0.02))
        self.pos_embed = nn.Parameter(torch.zeros(1, tokens, dim).normal_(std=0.02))
        rates = [drop_path * i / max(depth - 1, 1) for i in range(depth)]
        self.blocks = nn.Sequential(*[Block(dim, heads, r) for r in rates])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, num_classes)
        self.head_dist = nn.Linear(dim, num_classes)

    def forward(self, images):
        x = self.patch_embed(images).flatten(2).transpose(1, 2)
        b = x.shape[0]
        x = torch.cat([self.cls_token.expand(b, -1, -1), self.dist_token.expand(b, -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0]), self.head_dist(x[:, 1])


def create_model(name, num_classes, img_size, patch, builtin, drop_path):
    if not builtin:
        try:
            import timm
            model = timm.create_model(name, pretrained=False, num_classes=num_classes, img_size=img_size, patch_size=patch,
                                      drop_path_rate=drop_path)
            model.set_distilled_training(True)
            return model, "timm"
        except (ImportError, RuntimeError):  # no timm, or a preset timm does not know (deit_micro_*)
            pass
    dim, depth, heads = PRESETS[name]
    return DistilledDeiT(dim, depth, heads, num_classes, img_size, patch, drop_path), "builtin"


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.ndim <= 1 or name in ("pos_embed", "cls_token", "dist_token"):
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": no_decay, "weight_decay": 0.0}, {"params": decay, "weight_decay": weight_decay}]


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def phased_step(forward_loss, backward, update, args, device, phases):
    """One training step as three phases, as ours times them (forward+loss / backward / optimizer); with --profile a
    sync between them and each step's phase times appended to `phases`."""
    def step():
        t0 = time.perf_counter()
        loss = forward_loss()
        if args.profile:
            synchronize(device)
        t1 = time.perf_counter()
        backward(loss)
        if args.profile:
            synchronize(device)
        t2 = time.perf_counter()
        update()
        if args.profile:
            synchronize(device)
            phases.append((t1 - t0, t2 - t1, time.perf_counter() - t2))
        return loss
    return step


def reference_step(model_name, batch, args, device, low, phases):
    """timm's (or the builtin) DeiT under torch.autocast, torch's AdamW: what a PyTorch user runs."""
    model, impl = create_model(model_name, args.classes, args.img_size, args.patch, args.builtin, args.drop_path)
    model = model.to(device)
    model.train()
    opt = torch.optim.AdamW(param_groups(model, 0.05), lr=5e-4 * batch / 512, betas=(0.9, 0.999), eps=1e-8)
    x = torch.randn(batch, 3, args.img_size, args.img_size, device=device)
    target = torch.softmax(torch.randn(batch, args.classes, device=device), dim=-1)
    teacher = torch.randn(batch, args.classes, device=device)
    scaler = torch.cuda.amp.GradScaler() if args.precision == "fp16" else None

    def forward_loss():
        with torch.autocast(device.type, dtype=low, enabled=low is not None):
            cls, dist = model(x)
            base = torch.sum(-target * F.log_softmax(cls, dim=-1), dim=-1).mean()
            return 0.5 * base + 0.5 * F.cross_entropy(dist, teacher.argmax(dim=1))

    def backward(loss):
        opt.zero_grad(set_to_none=True)
        (loss if scaler is None else scaler.scale(loss)).backward()

    def update():
        if scaler is None:
            opt.step()
        else:
            scaler.step(opt)
            scaler.update()

    step = phased_step(forward_loss, backward, update, args, device, phases)
    return step, impl


def bench(model_name, batch, args):
    device = torch.device(args.device)
    torch.manual_seed(0)
    low = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(args.precision)
    phases = []
    if args.impl == "mirror":
        from torchsharp_mirror import mirror_step
        step, impl = mirror_step(model_name, batch, args, device, low, phases), "mirror"
    else:
        step, impl = reference_step(model_name, batch, args, device, low, phases)
    for _ in range(args.warmup):
        step()
    synchronize(device)
    phases.clear()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        synchronize(device)
        times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    profile = profile_figures(phases, device) if args.profile else None
    if profile is not None:
        dim, depth, heads = PRESETS[model_name]
        tokens = (args.img_size // args.patch) ** 2 + 2
        profile["block_ops"] = block_ops(batch, tokens, dim, depth, heads, low, device)
    kernels = kernel_table(step, device, args.kernels) if args.kernels else None
    loss = float(step())
    return {
        "impl": "pytorch" if impl != "mirror" else "pytorch-mirror",
        "model_impl": impl,
        "torch": torch.__version__,
        "model": model_name,
        "batch": batch,
        "precision": args.precision,
        "drop_path": args.drop_path,
        "device": args.device,
        "threads": torch.get_num_threads(),
        "images_per_s": batch / median,
        "step_ms_median": median * 1e3,
        "step_ms_min": times[0] * 1e3,
        "loss_finite": math.isfinite(loss),
        "max_memory_gib": torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None,
        "profile": profile,
        "kernels": kernels,
    }


def kernel_table(step, device, top, steps=5):
    """torch.profiler over a few steps: the device time per step of all kernels together (how long the GPU is busy)
    and of the top kernels by total time, in ms. On a CPU, the aten ops' self CPU time instead (to check the code)."""
    from torch.profiler import profile, ProfilerActivity
    on_cuda = device.type == "cuda"
    with profile(activities=[ProfilerActivity.CUDA if on_cuda else ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
        synchronize(device)

    def own_time(e):  # microseconds
        if on_cuda:
            value = getattr(e, "self_device_time_total", None)
            return value if value is not None else e.self_cuda_time_total
        return e.self_cpu_time_total
    rows = sorted(((e.key, e.count, own_time(e)) for e in prof.key_averages()), key=lambda r: -r[2])
    rows = [r for r in rows if r[2] > 0]
    if not rows:
        return {"error": "torch.profiler recorded no device time (CUPTI unavailable?)", "busy_ms_per_step": None, "top": []}
    return {
        "busy_ms_per_step": sum(r[2] for r in rows) / steps / 1e3,
        "top": [{"name": name[:120], "calls_per_step": count / steps, "ms_per_step": t / steps / 1e3} for name, count, t in rows[:top]],
    }


def profile_figures(phases, device):
    """Medians of the phases (as ours: forward+loss / backward / optimizer) and one small op's host cost."""
    def median(values):
        values = sorted(values)
        return values[len(values) // 2]
    a, b = torch.ones(1, device=device), torch.ones(1, device=device)
    rounds = []
    for _ in range(6):
        t0 = time.perf_counter()
        for _ in range(2000):
            a.add(b)
        synchronize(device)
        rounds.append((time.perf_counter() - t0) / 2000 * 1e6)
    return {
        "forward_ms_median": median([p[0] for p in phases]) * 1e3,
        "backward_ms_median": median([p[1] for p in phases]) * 1e3,
        "optimizer_ms_median": median([p[2] for p in phases]) * 1e3,
        "native_call_us": median(rounds[1:]),
    }


def block_ops(batch, tokens, dim, depth, heads, low, device, repeats=5):
    """Each op of a pre-norm block alone at the model's shapes under autocast, named and shaped as ours
    (TrainStepProfiler.BlockOps): forward, and backward (forward + backward - forward), medians in ms of the mean over
    a burst of back-to-back launches (20 on CUDA, 1 on a CPU) with one sync at its end."""
    burst = 20 if device.type == "cuda" else 1
    lt = low or torch.float32
    norm = nn.LayerNorm(dim, eps=1e-6).to(device)
    qkv, proj = nn.Linear(dim, 3 * dim).to(device), nn.Linear(dim, dim).to(device)
    fc1, fc2 = nn.Linear(dim, 4 * dim).to(device), nn.Linear(4 * dim, dim).to(device)
    residual = torch.randn(batch, tokens, dim, device=device)
    low_tokens = torch.randn(batch, tokens, dim, device=device).to(lt)
    low_hidden = torch.randn(batch, tokens, 4 * dim, device=device).to(lt)
    head_input = torch.randn(batch, heads, tokens, dim // heads, device=device).to(lt)

    def drop_path_add(branch):  # timm's drop_path at 0.1, then the residual add
        keep = branch.new_empty((branch.shape[0], 1, 1)).bernoulli_(0.9).div_(0.9)
        return residual + branch * keep

    def run(x, forward, backward):
        synchronize(device)
        t0 = time.perf_counter()
        for _ in range(burst):
            leaf = x.detach().requires_grad_(True)
            with torch.autocast(device.type, dtype=low, enabled=low is not None):
                y = forward(leaf)
            if backward:
                y.backward(torch.ones_like(y))
        synchronize(device)
        return (time.perf_counter() - t0) / burst

    def timed(op, per_step, x, forward):
        forwards, totals = [], []
        for i in range(repeats + 1):
            f, t = run(x, forward, False), run(x, forward, True)
            if i:
                forwards.append(f)
                totals.append(t)
        fwd = sorted(forwards)[len(forwards) // 2] * 1e3
        return {"op": op, "per_step": per_step, "forward_ms": fwd,
                "backward_ms": max(0.0, sorted(totals)[len(totals) // 2] * 1e3 - fwd), "input_type": str(x.dtype)}

    return [
        timed("layernorm", 2 * depth, residual, norm),
        timed("qkv linear", depth, residual, qkv),
        timed("attention (fused sdpa)", depth, head_input, lambda q: attention(q, q, q)),
        timed("proj linear", depth, low_tokens, proj),
        timed("fc1 linear", depth, residual, fc1),
        timed("gelu", depth, low_hidden, F.gelu),
        timed("fc2 linear", depth, low_hidden, fc2),
        timed("residual add through drop path", 2 * depth, low_tokens, drop_path_add),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="deit_tiny_distilled_patch16_224:128,deit_small_distilled_patch16_224:128,deit_base_distilled_patch16_224:64")
    ap.add_argument("--precision", choices=["fp32", "tf32", "bf16", "fp16"], default="tf32")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--img-size", type=int, default=224)
    ap.add_argument("--patch", type=int, default=16)
    ap.add_argument("--threads", type=int, help="intra-op threads (CPU)")
    ap.add_argument("--profile", action="store_true", help="time forward / backward / optimizer apart (a sync between them) and one small op")
    ap.add_argument("--impl", choices=["reference", "mirror"], default="reference",
                    help="reference: timm's DeiT (or the builtin) under torch.autocast with torch's AdamW; mirror: the op "
                         "sequence of ours, in PyTorch (torchsharp_mirror.py)")
    ap.add_argument("--mirror-weights", choices=["copies", "casts"], default="copies",
                    help="mirror: low-precision weights as one copy per optimizer group (ours) or a cast per weight (autocast's way)")
    ap.add_argument("--mirror-optimizer", choices=["flat", "foreach"], default="flat", help="mirror: ours FlatAdamW or torch's AdamW")
    ap.add_argument("--mirror-drop-path", choices=["addcmul", "timm"], default="addcmul",
                    help="mirror: drop path as one addcmul (ours) or timm's branch * mask + residual")
    ap.add_argument("--builtin", action="store_true", help="use the DeiT defined here even when timm is installed")
    ap.add_argument("--kernels", type=int, default=0, help="also profile a few steps and list the top N kernels by device time")
    ap.add_argument("--drop-path", type=float, default=0.1, help="stochastic-depth rate (the DeiT recipe's 0.1, as ours)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.backends.cuda.matmul.allow_tf32 = args.precision != "fp32"
    torch.backends.cudnn.allow_tf32 = args.precision != "fp32"
    for spec in args.models.split(","):
        name, batch = spec.split(":")
        print(json.dumps(bench(name, int(batch), args)), flush=True)
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()


if __name__ == "__main__":
    main()
