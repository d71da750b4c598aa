#!/usr/bin/python3
"""Time scikit-learn's BernoulliRBM on MNIST: the peer of deepnet rbm --pcd.

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 docs/sklearn_rbm.py --data ~/.cache/deepnet/mnist --epochs 3

Fits BernoulliRBM (persistent contrastive divergence, one Gibbs step) with
n_components hidden units, mini-batches of batch_size and learning_rate on
the first --images training images scaled to [0, 1] (deepnet's training
set), timing fit alone, and prints seconds_per_epoch last.

scikit-learn's learning rate multiplies the sum of a mini-batch's
statistics divided by its size, lr·(Σ v hᵀ − Σ v' h'ᵀ)/n: the mean
gradient, as deepnet's η does. It has no momentum and no weight cost, so
deepnet runs with --momentum 0 --weight-cost 0 beside it.
"""
import argparse
import gzip
import os
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM


def read_images(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(raw, np.uint8, n * rows * cols, 16).reshape(n, rows * cols)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.expanduser("~/.cache/deepnet/mnist"))
    p.add_argument("--images", type=int, default=50000)
    p.add_argument("--hidden", type=int, default=500)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--eta", type=float, default=0.1)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    name = "train-images-idx3-ubyte"
    path = os.path.join(a.data, name + ".gz")
    if not os.path.exists(path):
        path = os.path.join(a.data, name)
    x = (read_images(path)[: a.images] / 255.0).astype(a.dtype)
    rbm = BernoulliRBM(n_components=a.hidden, learning_rate=a.eta, batch_size=a.batch,
                       n_iter=a.epochs, random_state=a.seed)
    start = time.perf_counter()
    rbm.fit(x)
    took = time.perf_counter() - start
    print(f"sklearn {a.dtype} hidden={a.hidden} batch={a.batch} images={len(x)} epochs={a.epochs} seconds={took:.2f}")
    print(f"seconds_per_epoch {took / a.epochs:.3f}")


if __name__ == "__main__":
    main()
