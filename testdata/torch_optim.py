#!/usr/bin/python3
"""PyTorch float64 references for deepnet's optimisers and gradient clipping.

Regenerate (Debian's python3-torch; `apt-get install -y python3-torch python3-numpy`):

    /usr/bin/python3 testdata/torch_optim.py > testdata/torch_optim.json

Deterministic as testdata/torch_layers.py is, whose output format it shares
(internal/torchref reads both); train/torch_optim_test.go runs it and
compares its output with the committed JSON.

Every case trains two parameters, "w" (a weight, [3, 4]: L2 regularised)
and "b" (a bias, [4]: not), from float32 values, with the float32
gradients "grad_w" and "grad_b" given for each of STEPS steps (the first
axis) and the learning rate "lr" of each step (a schedule). network3's L2
term lambda/B*w is torch.optim's weight_decay of the weight's parameter
group, "decay" (the bias's group has none): coupled, added to the gradient
before the moments. Outputs are "w" and "b" after each step.

Cases:
  adam_default       torch.optim.Adam, betas (0.9, 0.999), eps 1e-8
  adam_0.5_0.9_1e-3  torch.optim.Adam, betas (0.5, 0.9), eps 1e-3
  rmsprop_default    torch.optim.RMSprop, alpha 0.99, eps 1e-8 (no momentum,
                     not centred)
  rmsprop_0.9_1e-4   torch.optim.RMSprop, alpha 0.9, eps 1e-4
  clip_*             torch.nn.utils.clip_grad_norm_ of "grad_w" and "grad_b"
                     (one step's) with "max_norm": "norm", the total norm it
                     returns, and the clipped "grad_w" and "grad_b"
"""
import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import base64
import json
import struct
import sys
import zlib

import torch

torch.set_num_threads(1)
DT = torch.float64
STEPS = 6
LRS = [0.01, 0.01, 0.004, 0.02, 0.001, 0.01]
DECAY = 0.1 / 5  # lambda 0.1 over 5 mini-batches an epoch


def gen(name):
    return torch.Generator().manual_seed(zlib.crc32(name.encode()))


def randn(g, *shape, scale=1.0):
    """Normal values rounded to float32, kept in float64."""
    return (torch.randn(*shape, generator=g, dtype=DT) * scale).to(torch.float32).to(DT)


CASES = []


def optim_case(name, make):
    g = gen(name)
    w0, b0 = randn(g, 3, 4), randn(g, 4, scale=0.1)
    gw, gb = randn(g, STEPS, 3, 4, scale=0.3), randn(g, STEPS, 4, scale=0.3)
    w, b = torch.nn.Parameter(w0.clone()), torch.nn.Parameter(b0.clone())
    opt = make([{"params": [w], "weight_decay": DECAY}, {"params": [b], "weight_decay": 0.0}])
    ws, bs = [], []
    for k in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = LRS[k]
        w.grad, b.grad = gw[k].clone(), gb[k].clone()
        opt.step()
        ws.append(w.detach().clone())
        bs.append(b.detach().clone())
    CASES.append({"name": name, "inputs": {
        "w": w0, "b": b0, "grad_w": gw, "grad_b": gb,
        "lr": torch.tensor(LRS, dtype=DT), "decay": torch.tensor([DECAY], dtype=DT)},
        "outputs": {"w": torch.stack(ws), "b": torch.stack(bs)}})


optim_case("adam_default", lambda groups: torch.optim.Adam(groups, lr=1))
optim_case("adam_0.5_0.9_1e-3", lambda groups: torch.optim.Adam(groups, lr=1, betas=(0.5, 0.9), eps=1e-3))
optim_case("rmsprop_default", lambda groups: torch.optim.RMSprop(groups, lr=1))
optim_case("rmsprop_0.9_1e-4", lambda groups: torch.optim.RMSprop(groups, lr=1, alpha=0.9, eps=1e-4))


def clip_case(name, max_norm):
    g = gen(name)
    w, b = torch.nn.Parameter(torch.zeros(3, 4, dtype=DT)), torch.nn.Parameter(torch.zeros(4, dtype=DT))
    w.grad, b.grad = randn(g, 3, 4), randn(g, 4)
    inputs = {"grad_w": w.grad.clone(), "grad_b": b.grad.clone(), "max_norm": torch.tensor([max_norm], dtype=DT)}
    norm = torch.nn.utils.clip_grad_norm_([w, b], max_norm)
    CASES.append({"name": name, "inputs": inputs,
                  "outputs": {"norm": norm.reshape(1), "grad_w": w.grad, "grad_b": b.grad}})


clip_case("clip_1", 1.0)
clip_case("clip_100", 100.0)


def tensor_json(t):
    t = t.detach().to(DT).contiguous()
    data = t.reshape(-1).tolist()
    assert all(v == v and abs(v) != float("inf") for v in data)
    return '{"shape": %s, "data": [%s]}' % (json.dumps(list(t.shape)), ", ".join(repr(v) for v in data))


def write(out):
    out.write('{\n "source": %s,\n "cases": [\n' % json.dumps("PyTorch %s, float64" % torch.__version__))
    for i, c in enumerate(CASES):
        out.write('  {\n   "name": %s,\n' % json.dumps(c["name"]))
        for k in ("inputs", "outputs"):
            out.write('   "%s": {\n' % k)
            items = list(c[k].items())
            for j, (n, t) in enumerate(items):
                out.write("    %s: %s%s\n" % (json.dumps(n), tensor_json(t), "," if j + 1 < len(items) else ""))
            out.write("   }%s\n" % ("," if k == "inputs" else ""))
        out.write("  }%s\n" % ("," if i + 1 < len(CASES) else ""))
    out.write(" ]\n}\n")


write(sys.stdout)
