"""Three steps of torch.optim.SGD (momentum 0.9, no dampening, not Nesterov) over DeiT's two weight-decay groups.

Run with Debian's python3-torch: /usr/bin/python3 make_fixture.py (in this folder). Writes sgd_steps.json: each
parameter's name, shape, initial values, the gradient of every step, and its values after every step.
"""
import json
import torch

LR, MOMENTUM, WEIGHT_DECAY, STEPS = 0.05, 0.9, 0.05, 3


def main():
    g = torch.Generator().manual_seed(7)
    shapes = {'blocks.0.mlp.fc1.weight': (3, 4), 'blocks.0.mlp.fc1.bias': (3,), 'pos_embed': (1, 2, 4), 'norm.weight': (4,)}
    params = {n: torch.randn(s, generator=g, dtype=torch.float32).requires_grad_() for n, s in shapes.items()}
    initial = {n: p.detach().clone() for n, p in params.items()}
    decay = [params['blocks.0.mlp.fc1.weight']]
    no_decay = [p for n, p in params.items() if n != 'blocks.0.mlp.fc1.weight']
    opt = torch.optim.SGD([dict(params=decay, weight_decay=WEIGHT_DECAY), dict(params=no_decay, weight_decay=0.0)],
                          lr=LR, momentum=MOMENTUM)
    grads = {n: [] for n in params}
    after = {n: [] for n in params}
    for _ in range(STEPS):
        for n, p in params.items():
            p.grad = torch.randn(p.shape, generator=g, dtype=torch.float32)
            grads[n].append(p.grad.flatten().tolist())
        opt.step()
        for n, p in params.items():
            after[n].append(p.detach().flatten().tolist())
    out = dict(source='torch ' + torch.__version__ + ' optim.SGD', lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY,
               parameters=[dict(name=n, shape=list(shapes[n]), initial=initial[n].flatten().tolist(), grads=grads[n],
                                after=after[n]) for n in params])
    with open('sgd_steps.json', 'w') as f:
        json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
