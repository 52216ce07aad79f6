"""PyTorch eager reference for `deit-tune bench train-step` on a GPU.

Times the same step as the TorchSharp benchmark: DeiT (timm, distilled) forward in training mode, hard-distillation
loss over a soft-target cross-entropy base (alpha 0.5, teacher logits random and fixed), backward, AdamW step with
DeiT's no-weight-decay groups. fp32 parameters with TF32 matmuls (what TorchSharp does on CUDA by default here).
Prints one JSON object per model on stdout.
"""
import argparse
import json
import time

import timm
import torch
import torch.nn.functional as F


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.ndim <= 1 or name in ("pos_embed", "cls_token", "dist_token"):
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": no_decay, "weight_decay": 0.0}, {"params": decay, "weight_decay": weight_decay}]


def bench(model_name, batch, steps, warmup, device):
    torch.manual_seed(0)
    model = timm.create_model(model_name, pretrained=False, num_classes=1000).to(device)
    model.set_distilled_training(True)
    model.train()
    opt = torch.optim.AdamW(param_groups(model, 0.05), lr=5e-4 * batch / 512, betas=(0.9, 0.999), eps=1e-8)
    x = torch.randn(batch, 3, 224, 224, device=device)
    target = torch.softmax(torch.randn(batch, 1000, device=device), dim=-1)
    teacher = torch.randn(batch, 1000, device=device)

    def step():
        cls, dist = model(x)
        base = torch.sum(-target * F.log_softmax(cls, dim=-1), dim=-1).mean()
        loss = 0.5 * base + 0.5 * F.cross_entropy(dist, teacher.argmax(dim=1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    return {
        "impl": "pytorch",
        "torch": torch.__version__,
        "model": model_name,
        "batch": batch,
        "images_per_s": batch / median,
        "step_ms_median": median * 1e3,
        "step_ms_min": times[0] * 1e3,
        "max_memory_gib": torch.cuda.max_memory_allocated() / 2**30,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="deit_tiny_distilled_patch16_224:128,deit_small_distilled_patch16_224:128,deit_base_distilled_patch16_224:64")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=10)
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    for spec in args.models.split(","):
        name, batch = spec.split(":")
        print(json.dumps(bench(name, int(batch), args.steps, args.warmup, "cuda")), flush=True)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


if __name__ == "__main__":
    main()
