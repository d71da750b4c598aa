#!/usr/bin/env python3
"""Load a deepnet model file into PyTorch and measure it on the MNIST test set.

  python3 docs/pytorch_load.py MODEL.safetensors [MNIST_DIR]

deepnet's model files are safetensors; this reads one with only json, struct
and numpy (no safetensors package needed), builds the torch.nn.Sequential its
"spec" metadata describes, with modules named by spec index so that the
state_dict keys match, and prints the test accuracy. Batch normalisation
layers need strict=False (deepnet stores no num_batches_tracked).
Recurrent layers (rnn, lstm, gru) are torch.nn.RNN, LSTM and GRU (their
parameters load under their own names, weight_ih_l0 ...), reading the
sequence first, as deepnet lays it out.
"""
import gzip, json, os, struct, sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, t in header.items():
        lo, hi = t["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[lo:hi], dtype="<f4").reshape(t["shape"]).copy())
    return tensors, meta


class Network3Dropout(nn.Module):
    """deepnet's dropout:P:network3: drops without scaling in training and
    multiplies by 1-P at inference, as network3.py."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.training:
            return x * (torch.rand_like(x) >= self.p).to(x.dtype)
        return x * (1 - self.p)


class Sequence(nn.Module):
    """deepnet's rows and pixels: an image as the sequence of its rows (or
    pixels), sequence first: (T, N, width)."""

    def __init__(self, pixels):
        super().__init__()
        self.pixels = pixels

    def forward(self, x):
        n = x.shape[0]
        x = x.reshape(n, -1, 1) if self.pixels else x.reshape(n, x.shape[-2], x.shape[-1])
        return x.transpose(0, 1)


def recurrent(cls, seq):
    """A torch RNN, LSTM or GRU module that returns every step's state of
    its top layer (seq) or the last step's, as deepnet's layers do."""

    class Recurrent(cls):
        def forward(self, x):
            y, _ = super().forward(x)
            return y if seq else y[-1]

    return Recurrent


def build(spec, c, h, w):
    """The torch module of a deepnet spec, for inputs of c×h×w."""
    mods, flat = [], False
    for i, tok in enumerate(spec.split()):
        kind, _, arg = tok.partition(":")
        name = str(i)
        if kind == "conv":
            dims, _, stride = arg.partition("/")
            f, kh, kw = map(int, dims.split("x"))
            s = int(stride or 1)
            mods.append((name, nn.Conv2d(c, f, (kh, kw), stride=s)))
            c, h, w = f, (h - kh) // s + 1, (w - kw) // s + 1
        elif kind in ("maxpool", "l2pool", "avgpool"):
            p = list(map(int, arg.split("x")))
            p, q = p[0], p[-1]
            pool = {"maxpool": nn.MaxPool2d((p, q)), "avgpool": nn.AvgPool2d((p, q)),
                    "l2pool": nn.LPPool2d(2, (p, q))}[kind]
            mods.append((name, pool))
            h, w = h // p, w // q
        elif kind in ("fc", "softmax"):
            if not flat:
                mods.append(("flatten", nn.Flatten()))
                flat, c, h, w = True, c * h * w, 1, 1
            mods.append((name, nn.Linear(c, int(arg))))
            c = int(arg)
        elif kind in ("rows", "pixels"):
            mods.append((name, Sequence(kind == "pixels")))
            c, flat = (1 if kind == "pixels" else w), True
        elif kind in ("rnn", "lstm", "gru"):
            size, _, out = arg.partition(":")
            hidden, _, layers = size.partition("x")
            cls = recurrent({"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind], out == "seq")
            mods.append((name, cls(c, int(hidden), num_layers=int(layers or 1))))
            c = int(hidden)
        elif kind == "batchnorm":
            mods.append((name, nn.BatchNorm1d(c) if flat else nn.BatchNorm2d(c)))
        elif kind == "dropout":
            p, _, mode = arg.partition(":")
            mods.append((name, Network3Dropout(float(p)) if mode == "network3" else nn.Dropout(float(p))))
        else:
            mods.append((name, {"relu": nn.ReLU(), "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh()}[kind]))
    return nn.Sequential(OrderedDict(mods))


def main():
    path = sys.argv[1]
    mnist = sys.argv[2] if len(sys.argv) > 2 else os.path.expanduser("~/.cache/deepnet/mnist")
    tensors, meta = read_safetensors(path)
    c, h, w = map(int, meta["input"].split("x"))
    model = build(meta["spec"], c, h, w)
    model.load_state_dict(tensors, strict="batchnorm" not in meta["spec"])
    model.eval()
    images = gzip.open(os.path.join(mnist, "t10k-images-idx3-ubyte.gz")).read()
    labels = gzip.open(os.path.join(mnist, "t10k-labels-idx1-ubyte.gz")).read()
    x = torch.from_numpy(np.frombuffer(images, np.uint8, offset=16).reshape(-1, c, h, w).astype(np.float32) / 255)
    y = np.frombuffer(labels, np.uint8, offset=8)
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)]).numpy()
    print(f"{meta['spec']}\ntest accuracy in PyTorch {100 * (pred == y).mean():.2f}%")


if __name__ == "__main__":
    main()
