"""Write torch_mnist.onnx and torch_mnist.json, the PyTorch-made test data
of onnx/torch_test.go.

    /usr/bin/python3 make_torch_onnx.py [MNIST_DIR]

Trains a small MNIST convolutional net in PyTorch (1.13 here) for one
epoch on the first 10,000 training images (seed 0), exports it with
torch.onnx.export (opset 13, the batch dimension dynamic), and records
the first 8 test images (their bytes; the input is float32 byte/255,
as deepnet reads them) with the
class probabilities PyTorch gives them. MNIST_DIR holds MNIST's four
.gz IDX files (default: deepnet's cache, ~/.cache/deepnet/mnist).
"""
import gzip
import json
import os
import sys

import numpy as np
import torch
from torch import nn


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    mnist = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/deepnet/mnist")
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    x = torch.tensor(idx(os.path.join(mnist, "train-images-idx3-ubyte.gz"))[:10000], dtype=torch.float32).div(255).unsqueeze(1)
    y = torch.tensor(idx(os.path.join(mnist, "train-labels-idx1-ubyte.gz"))[:10000], dtype=torch.long)
    net = nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(8, 16, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(256, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(64, 10), nn.Softmax(dim=1))
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net.train()
    for i in range(0, len(x), 50):
        opt.zero_grad()
        loss = nn.functional.nll_loss(torch.log(net(x[i:i + 50]) + 1e-12), y[i:i + 50])
        loss.backward()
        opt.step()
    net.eval()
    test = torch.tensor(idx(os.path.join(mnist, "t10k-images-idx3-ubyte.gz"))[:8], dtype=torch.float32).div(255).unsqueeze(1)
    labels = idx(os.path.join(mnist, "t10k-labels-idx1-ubyte.gz"))[:8]
    with torch.no_grad():
        probs = net(test)
    torch.onnx.export(net, test, os.path.join(here, "torch_mnist.onnx"), opset_version=13,
                      input_names=["input"], output_names=["probabilities"],
                      dynamic_axes={"input": {0: "N"}, "probabilities": {0: "N"}})
    with open(os.path.join(here, "torch_mnist.json"), "w") as f:
        json.dump({"torch": torch.__version__, "spec": "conv:8x5x5 maxpool:2 relu conv:16x5x5 maxpool:2 relu fc:64 batchnorm relu softmax:10",
                   "labels": labels.tolist(),
                   "pixels": idx(os.path.join(mnist, "t10k-images-idx3-ubyte.gz"))[:8].reshape(8, 784).tolist(),
                   "probabilities": [[float(v) for v in p] for p in probs]}, f)
        f.write("\n")
    print("accuracy on the 8 test images:", float((probs.argmax(1).numpy() == labels).mean()))


if __name__ == "__main__":
    main()
