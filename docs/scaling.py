#!/usr/bin/env python3
"""The model of docs/SCALING.md: step time of synchronous data-parallel
training against the number of machines.

  python3 docs/scaling.py [NET=IMAGES_PER_SEC ...]

With M machines and a global mini-batch of B images, a step is

  T(M) = (B/M)·c + 2·(M−1)/M · S/W + 2·(M−1)·a

c: seconds of compute per training image on one machine (1 / the images
per second deepnet bench measures, one process); S: the bytes of the
gradients (4 per trained parameter); W: the network's bandwidth in bytes
per second; a: the latency of one message. The second and third terms are
a ring all-reduce (each machine sends and receives 2·(M−1)/M·S in 2·(M−1)
messages). Throughput is B/T(M), speed-up T(1)/T(M) (T(1) has no
all-reduce). The compute per image is taken as constant, which is
optimistic where B/M is a few images (small products run slower per
image). Standard library only.
"""
import sys

# Measured inputs (docs/PERFORMANCE.md, "Data-parallel training over MPI"):
# images per second of one process on this machine, at the preset's batch,
# and trained parameters (nn.Plan of the preset, without batch
# normalisation's running statistics).
NETS = {
    "relu": (4797, 85670),
    "dropout": (1424, 1672570),
    "best": (572, 330858),
}
BANDWIDTHS = {"10 Gbit/s": 10e9 / 8, "100 Gbit/s": 100e9 / 8}
LATENCY = 10e-6  # seconds per message: an assumption (TCP on a LAN), not measured
BATCHES = (10, 64, 256, 1024)
MACHINES = (1, 2, 4, 8, 16, 32, 64)


def step(m, batch, c, size, bw):
    t = batch / m * c
    if m > 1:
        t += 2 * (m - 1) / m * size / bw + 2 * (m - 1) * LATENCY
    return t


def main(argv):
    nets = dict(NETS)
    for arg in argv:
        name, rate = arg.split("=")
        nets[name] = (float(rate), nets[name][1])
    print("| network | bandwidth | global batch | " + " | ".join(f"M={m}" for m in MACHINES) + " | best M | last M at ≥50% efficiency |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in MACHINES) + " | --- | --- |")
    for name, (rate, params) in nets.items():
        c, size = 1 / rate, 4 * params
        for bwname, bw in BANDWIDTHS.items():
            for batch in BATCHES:
                t1 = step(1, batch, c, size, bw)
                # A machine needs one image of the mini-batch at least.
                speed = {m: t1 / step(m, batch, c, size, bw) for m in MACHINES if m <= batch}
                best = max(speed, key=lambda m: speed[m])
                efficient = max(m for m in speed if speed[m] / m >= 0.5)
                cells = " | ".join(f"{speed[m]:.1f}" if m in speed else "—" for m in MACHINES)
                print(f"| {name} | {bwname} | {batch} | {cells} | {best} | {efficient} |")


if __name__ == "__main__":
    main(sys.argv[1:])
