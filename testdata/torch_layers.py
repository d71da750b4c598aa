#!/usr/bin/python3
"""PyTorch float64 references for deepnet's layers and for one training step.

Regenerate (Debian's python3-torch; `apt-get install -y python3-torch python3-numpy`):

    /usr/bin/python3 testdata/torch_layers.py > testdata/torch_layers.json

The output is deterministic: each case draws its inputs from its own
torch.Generator seeded with the CRC-32 of its name, PyTorch runs on one
thread, cases and keys are written in a fixed order and floats as Python's
repr. Every input is rounded to a float32 value, so deepnet (float32) starts
from exactly the numbers PyTorch used. nn/torch_gen_test.go runs this script
and compares its output with the committed JSON.

Layouts are PyTorch's: images NCHW, conv weights [out, in, kh, kw], dense
weights [out, in]; every tensor is {"shape", "data"} in row-major order,
or {"shape", "float64le"} with the base64 of its float64 values
(little-endian) when it has more than 256;
numbers that set up a case (a probability, a kernel size [kh, kw], a
learning rate) are tensors of shape [1] or [2], labels are floats. In the
layer cases "gy" is the gradient flowing in from above and gx, gw, gb,
ggamma, gbeta are the gradients of sum(y * gy).

Cases:
  conv_*             "valid" cross-correlation (stride 1 and 2; the book's 3x3
                     image with a 2x2 kernel): y, gx, gw, gb
  maxpool_*, l2pool_2x2_odd, avgpool_*
                     pooling over non-overlapping blocks, border rows and
                     columns that do not fill a block ignored: y, gx
  dense_7to5         y = x w^T + b: y, gx, gw, gb
  act_*              sigmoid, tanh, relu: y, gx
  softmax_nll_mean   softmax, the mean negative log-likelihood and its
                     gradient with respect to the logits
  batchnorm_*        batch normalisation per feature map of images (N×C×H×W)
                     and per unit of flat vectors (N×F), in training mode (the
                     batch's statistics; running mean and unbiased variance
                     moved with momentum 0.1) and in inference mode (the running
                     statistics); eps 1e-5
  dropout_network3   network3's dropout "dropout:P:network3" with a given mask:
                     training y = x*mask (unscaled), inference y = x*(1-P)
  rnn_2layers, lstm_2layers, gru_2layers
                     torch.nn.RNN (tanh), LSTM and GRU, two layers of 5 units
                     over 4 steps of 3 values, batch 3: every step's state and
                     the gradients of the input and of every parameter
  step_relu          one SGD step of the book's relu network on 10 random
                     28x28 images: initial parameters under deepnet's names
                     ("0.weight" ...), class probabilities, the mean
                     log-likelihood, every gradient, and every parameter after
                     w <- w - eta*(dC/dw + lambda/B*w) (weights only)
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
import torch.nn.functional as F

torch.set_num_threads(1)
DT = torch.float64


def gen(name):
    """The case's own generator: adding or changing a case leaves the others alone."""
    return torch.Generator().manual_seed(zlib.crc32(name.encode()))


def f32(t):
    """t rounded to float32 values, kept in float64."""
    return t.to(torch.float32).to(DT)


def randn(g, *shape, scale=1.0):
    return f32(torch.randn(*shape, generator=g, dtype=DT) * scale)


def rand(g, *shape):
    return f32(torch.rand(*shape, generator=g, dtype=DT))


def scalar(*v):
    return torch.tensor(v, dtype=DT)


CASES = []


def case(name, note, inputs, outputs, **extra):
    c = {"name": name, "note": note}
    c.update(extra)
    c["inputs"], c["outputs"] = inputs, outputs
    CASES.append(c)


def grads(y, gy, *wrt):
    """Gradients of sum(y * gy) with respect to wrt."""
    return torch.autograd.grad(y, wrt, gy)


# --- convolution -------------------------------------------------------------

CONV_NOTE = ("y = conv2d(x, w, b, stride=%d), 'valid' cross-correlation: y[n,f,i,j] = b[f] + "
             "sum_{c,l,m} w[f,c,l,m] x[n,c,i*s+l,j*s+m]; grads for upstream gy")


def conv_case(name, xshape, wshape, stride):
    g = gen(name)
    x = randn(g, *xshape).requires_grad_()
    w = randn(g, *wshape, scale=0.1).requires_grad_()
    b = randn(g, wshape[0], scale=0.1).requires_grad_()
    y = F.conv2d(x, w, b, stride=stride)
    gy = randn(g, *y.shape)
    gx, gw, gb = grads(y, gy, x, w, b)
    case(name, CONV_NOTE % stride, {"x": x, "w": w, "b": b, "gy": gy},
         {"y": y, "gx": gx, "gw": gw, "gb": gb})


conv_case("conv_1to3_5x5", (2, 1, 8, 8), (3, 1, 5, 5), 1)
conv_case("conv_2to4_3x3_stride2", (2, 2, 9, 7), (4, 2, 3, 3), 2)
conv_case("conv_nielsen_3x3_image_2x2_kernel", (1, 1, 3, 3), (1, 1, 2, 2), 1)

# --- pooling -----------------------------------------------------------------


def pool_case(name, note, pool, xshape, kernel, with_kernel=False):
    g = gen(name)
    x = randn(g, *xshape).requires_grad_()
    y = pool(x, kernel)
    gy = randn(g, *y.shape)
    (gx,) = grads(y, gy, x)
    inputs = {"x": x, "gy": gy}
    if with_kernel:
        inputs["kernel"] = scalar(*kernel)
    case(name, note, inputs, {"y": y, "gx": gx})


def l2pool(x, k):
    return torch.sqrt(F.avg_pool2d(x * x, k) * (k[0] * k[1]))


pool_case("maxpool_2x2_odd", "max pooling 2x2, stride 2, border ignored (floor)",
          F.max_pool2d, (2, 3, 7, 6), (2, 2))
pool_case("l2pool_2x2_odd", "l2 pooling 2x2, stride 2, border ignored (floor); L2: sqrt(sum of squares)",
          l2pool, (2, 3, 7, 6), (2, 2))
pool_case("maxpool_3x3", "max pooling 3x3, stride 3, border ignored (floor)",
          F.max_pool2d, (1, 2, 9, 9), (3, 3))
pool_case("avgpool_2x2_odd", "average pooling 2x2, stride 2, border ignored (floor); kernel = [kh, kw]",
          F.avg_pool2d, (2, 3, 7, 6), (2, 2), with_kernel=True)
pool_case("avgpool_2x3_odd", "average pooling 2x3 (kh x kw), stride = kernel, last row and last two "
          "columns ignored (floor); kernel = [kh, kw]",
          F.avg_pool2d, (2, 2, 7, 8), (2, 3), with_kernel=True)

# --- dense, activations, softmax ---------------------------------------------

g = gen("dense_7to5")
x = randn(g, 3, 7).requires_grad_()
w = randn(g, 5, 7, scale=0.5).requires_grad_()
b = randn(g, 5, scale=0.5).requires_grad_()
y = F.linear(x, w, b)
gy = randn(g, 3, 5)
gx, gw, gb = grads(y, gy, x, w, b)
case("dense_7to5", "y = x w^T + b (w is [out, in], as PyTorch's Linear)",
     {"x": x, "w": w, "b": b, "gy": gy}, {"y": y, "gx": gx, "gw": gw, "gb": gb})

for act, fn in (("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("relu", torch.relu)):
    name = "act_" + act
    g = gen(name)
    x = randn(g, 4, 6, scale=2.0).requires_grad_()
    y = fn(x)
    gy = randn(g, 4, 6)
    (gx,) = grads(y, gy, x)
    case(name, "y = %s(x)" % act, {"x": x, "gy": gy}, {"y": y, "gx": gx})

g = gen("softmax_nll_mean")
z = randn(g, 5, 10, scale=1.5).requires_grad_()
labels = torch.randint(0, 10, (5,), generator=g)
cost = F.nll_loss(F.log_softmax(z, 1), labels)
(gz,) = torch.autograd.grad(cost, z)
case("softmax_nll_mean", "cost = mean over the batch of -log softmax(z)[label]; gz = d cost / d z",
     {"z": z, "labels": labels.to(DT)},
     {"softmax": torch.softmax(z, 1), "cost": cost.reshape(1), "gz": gz})

# --- batch normalisation -----------------------------------------------------


def batchnorm_case(name, shape, training):
    """shape is N×C×H×W (per feature map) or N×F (per unit). Each channel has
    its own offset and spread; channel 1's spread is 0.01, so that eps matters."""
    g = gen(name)
    c = shape[1]
    bshape = (1, c) + (1,) * (len(shape) - 2)
    spread = torch.exp(randn(g, c))
    spread[1] = 0.01
    x = f32(randn(g, *shape) * spread.reshape(bshape) + randn(g, c).reshape(bshape)).requires_grad_()
    gamma = randn(g, c, scale=0.5).add(1).requires_grad_()
    beta = randn(g, c, scale=0.5).requires_grad_()
    rm0, rv0 = randn(g, c, scale=0.5), f32(torch.exp(randn(g, c, scale=0.5)))
    rm, rv = rm0.clone(), rv0.clone()
    y = F.batch_norm(x, rm, rv, gamma, beta, training=training, momentum=0.1, eps=1e-5)
    gy = randn(g, *y.shape)
    gx, ggamma, gbeta = grads(y, gy, x, gamma, beta)
    mode = ("training: the batch's mean and biased variance normalise; running_mean and running_var "
            "(unbiased) move by momentum 0.1" if training else
            "inference: running_mean and running_var normalise and are constants of the gradient")
    where = "per feature map of NCHW images" if len(shape) == 4 else "per unit of NxF vectors"
    case(name, "y = gamma*(x-mean)/sqrt(var+1e-5) + beta, %s; %s; outputs running_* are the "
         "values after the forward pass" % (where, mode),
         {"x": x, "gamma": gamma, "beta": beta, "running_mean": rm0, "running_var": rv0, "gy": gy},
         {"y": y, "gx": gx, "ggamma": ggamma, "gbeta": gbeta, "running_mean": rm, "running_var": rv})


batchnorm_case("batchnorm_images_train", (4, 5, 5, 7), True)
batchnorm_case("batchnorm_images_infer", (4, 5, 5, 7), False)
batchnorm_case("batchnorm_flat_train", (6, 37), True)
batchnorm_case("batchnorm_flat_infer", (6, 37), False)

# --- dropout (network3) ------------------------------------------------------

g = gen("dropout_network3")
P = 0.3
x = randn(g, 4, 13).requires_grad_()
mask = torch.bernoulli(torch.full((4, 13), 1 - P, dtype=DT), generator=g)
y = x * mask
gy = randn(g, 4, 13)
(gx,) = grads(y, gy, x)
y_infer = x * (1 - P)
(gx_infer,) = grads(y_infer, gy, x)
case("dropout_network3", "dropout:P:network3 with the given mask (1 keep, 0 drop): training y = x*mask, "
     "gx = gy*mask; inference y = x*(1-P), gx = gy*(1-P)",
     {"x": x, "mask": mask, "p": scalar(P), "gy": gy},
     {"y": y, "gx": gx, "y_infer": y_infer, "gx_infer": gx_infer})

# --- recurrent layers ---------------------------------------------------------


def recurrent_case(kind, module):
    """Two stacked layers of 5 units over 4 steps of 3 values, batch 3."""
    name = kind + "_2layers"
    g = gen(name)
    T, N, C, H = 4, 3, 3, 5
    net = module(C, H, num_layers=2).to(DT)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(randn(g, *p.shape, scale=0.5))
    x = randn(g, T, N, C).requires_grad_()
    y, _ = net(x)
    gy = randn(g, T, N, H)
    params = dict(net.named_parameters())
    got = grads(y, gy, x, *params.values())
    inputs = {"x": x, "gy": gy}
    inputs.update({k: v.detach() for k, v in params.items()})
    outputs = {"y": y, "gx": got[0]}
    outputs.update({k + ".grad": v for k, v in zip(params, got[1:])})
    case(name, "torch.nn.%s(3, 5, num_layers=2) over x [T=4][N=3][3] (sequence first): y = every step's "
         "top-layer state [4][3][5]; gx and NAME.grad are the gradients of sum(y * gy); parameters "
         "under PyTorch's names" % module.__name__, inputs, outputs, spec="%s:5x2:seq" % kind)


recurrent_case("rnn", torch.nn.RNN)
recurrent_case("lstm", torch.nn.LSTM)
recurrent_case("gru", torch.nn.GRU)

# --- one training step of the relu network -----------------------------------

SPEC = "conv:20x5x5 maxpool:2 relu conv:40x5x5 maxpool:2 relu fc:100:relu softmax:10"
ETA, LMBDA, BATCHES = 0.03, 0.1, 5000


def step_case():
    name = "step_relu"
    g = gen(name)
    x = rand(g, 10, 1, 28, 28)
    labels = torch.randint(0, 10, (10,), generator=g)
    # Spec layers: 0 conv, 1 maxpool, 2 relu, 3 conv, 4 maxpool, 5 relu, 6 fc,
    # 7 relu, 8 softmax. Weights at He scale, sqrt(2/fan_in). A conv layer's
    # inputs (pixels in [0, 1], relu outputs) have a positive mean, so each
    # conv bias is about minus the median of its map's pooled pre-activation
    # on this batch: every map is active on about half of its values.
    def centred_bias(a, w):
        pooled = F.max_pool2d(F.conv2d(a, w), 2).transpose(0, 1).reshape(w.shape[0], -1)
        return f32(-pooled.median(1).values + 0.2 * pooled.std(1) * randn(g, w.shape[0]))

    w0 = randn(g, 20, 1, 5, 5, scale=(2 / 25) ** 0.5)
    b0 = centred_bias(x, w0)
    w3 = randn(g, 40, 20, 5, 5, scale=(2 / 500) ** 0.5)
    b3 = centred_bias(torch.relu(F.max_pool2d(F.conv2d(x, w0, b0), 2)), w3)
    w6 = randn(g, 100, 640, scale=(2 / 640) ** 0.5)
    b6 = randn(g, 100, scale=0.1)
    # Softmax weights (deepnet starts them at zero) spread the logits by about
    # 1.5 on this batch.
    a3 = torch.relu(F.linear(torch.relu(F.max_pool2d(F.conv2d(
        torch.relu(F.max_pool2d(F.conv2d(x, w0, b0), 2)), w3, b3), 2)).flatten(1), w6, b6))
    w8 = randn(g, 10, 100, scale=1.5 / float(a3.pow(2).sum(1).mean().sqrt()))
    b8 = randn(g, 10, scale=0.1)
    names = ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias", "8.weight", "8.bias"]
    params = [p.clone().requires_grad_() for p in (w0, b0, w3, b3, w6, b6, w8, b8)]
    prm = dict(zip(names, params))

    def forward(prm):
        a1 = torch.relu(F.max_pool2d(F.conv2d(x, prm["0.weight"], prm["0.bias"]), 2))
        a2 = torch.relu(F.max_pool2d(F.conv2d(a1, prm["3.weight"], prm["3.bias"]), 2))
        a3 = torch.relu(F.linear(a2.flatten(1), prm["6.weight"], prm["6.bias"]))  # flattens (C, H, W)
        return a1, a2, a3, F.linear(a3, prm["8.weight"], prm["8.bias"])

    a1, a2, a3, z = forward(prm)
    loss = F.nll_loss(F.log_softmax(z, 1), labels)
    gs = torch.autograd.grad(loss, params)

    # network3's step, as the PyTorch peer (shared/bench/pytorch_nielsen.py)
    # writes it: weight decay lambda/B on the weights only.
    weights = [prm[n] for n in names if n.endswith("weight")]
    biases = [prm[n] for n in names if n.endswith("bias")]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": LMBDA / BATCHES}, {"params": biases}], lr=ETA)
    for p, gp in zip(params, gs):
        p.grad = gp.clone()
    opt.step()

    # The same step from network3's cost, C + 0.5*lambda*sum(w^2)/B.
    check = [p.clone().requires_grad_() for p in (w0, b0, w3, b3, w6, b6, w8, b8)]
    Q = dict(zip(names, check))
    c = F.nll_loss(F.log_softmax(forward(Q)[3], 1), labels)
    c = c + 0.5 * LMBDA * sum((Q[n] ** 2).sum() for n in names if n.endswith("weight")) / BATCHES
    for n, p, gp in zip(names, check, torch.autograd.grad(c, check)):
        assert torch.allclose(prm[n], p - ETA * gp, rtol=1e-13, atol=1e-16), n

    active = [float((a > 0).to(DT).mean()) for a in (a1, a2, a3)]
    per_map = [(a1 > 0).to(DT).mean((0, 2, 3)), (a2 > 0).to(DT).mean((0, 2, 3))]
    assert all(0.2 < v < 0.8 for v in active), active
    assert all(((m > 0.05) & (m < 0.95)).all() for m in per_map), per_map

    inputs = {"x": x, "labels": labels.to(DT), "eta": scalar(ETA), "lambda": scalar(LMBDA),
              "batches": scalar(BATCHES)}
    outputs = {"probs": torch.softmax(z, 1), "loss": loss.reshape(1)}
    for n, p0, gp in zip(names, (w0, b0, w3, b3, w6, b6, w8, b8), gs):
        inputs[n] = p0
        outputs[n + ".grad"] = gp
        outputs[n] = prm[n]
    case(name, "one step of network3's SGD on the spec's network (deepnet's parameter names, PyTorch's "
         "layouts; the dense layer flattens (C, H, W)): probs = softmax output, loss = mean negative "
         "log-likelihood of labels, NAME.grad = d loss / d NAME, outputs NAME = NAME - eta*(NAME.grad "
         "+ lambda/batches*NAME) for weights, NAME - eta*NAME.grad for biases; fraction of positive "
         "activations after the relus: %.2f, %.2f, %.2f; std of the logits %.2f" % (*active, float(z.std())),
         inputs, outputs, spec=SPEC)


step_case()

# --- output ------------------------------------------------------------------


# Tensors of more values than this are written as the base64 of their
# float64 values, little-endian ("float64le"), not as a list of numbers
# ("data"): a fifth of the digits' size, and exact.
LIST_LIMIT = 256


def tensor_json(t):
    t = t.detach().to(DT).contiguous()
    data = t.reshape(-1).tolist()
    assert all(v == v and abs(v) != float("inf") for v in data)
    shape = json.dumps(list(t.shape))
    if len(data) > LIST_LIMIT:
        raw = struct.pack("<%dd" % len(data), *data)
        return '{"shape": %s, "float64le": "%s"}' % (shape, base64.b64encode(raw).decode("ascii"))
    return '{"shape": %s, "data": [%s]}' % (shape, ", ".join(repr(v) for v in data))


def write(out):
    out.write('{\n "source": %s,\n "cases": [\n' % json.dumps("PyTorch %s, float64" % torch.__version__))
    for i, c in enumerate(CASES):
        out.write("  {\n")
        for k in c:
            if k in ("inputs", "outputs"):
                continue
            out.write("   %s: %s,\n" % (json.dumps(k), json.dumps(c[k])))
        for k in ("inputs", "outputs"):
            out.write('   "%s": {\n' % k)
            items = list(c[k].items())
            for j, (n, t) in enumerate(items):
                out.write("    %s: %s%s\n" % (json.dumps(n), tensor_json(t), "," if j + 1 < len(items) else ""))
            out.write("   }%s\n" % ("," if k == "inputs" else ""))
        out.write("  }%s\n" % ("," if i + 1 < len(CASES) else ""))
    out.write(" ]\n}\n")


write(sys.stdout)
