// Package model reads and writes deepnet's model files: trained networks in
// the safetensors format (https://huggingface.co/docs/safetensors), which
// Python's safetensors, PyTorch, JAX and most ML tools read.
//
// # File format
//
// A file is an 8-byte little-endian unsigned header length N, then N bytes
// of JSON header, then the data section:
//
//	{"__metadata__": {"format": "deepnet", ...},
//	 "0.weight": {"dtype": "F32", "shape": [20, 1, 5, 5], "data_offsets": [0, 2000]},
//	 "0.bias":   {"dtype": "F32", "shape": [20], "data_offsets": [2000, 2080]}, ...}
//
// Offsets are relative to the start of the data section; each tensor's data
// is row-major little-endian float32. The header is padded with spaces so
// that the data starts at a multiple of 8 bytes.
//
// The low-level API (File, Tensor, Write, Read, ReadFile, WriteFileAtomic)
// handles any F32 safetensors file; checkpoints use it to store optimiser
// state beside the parameters. The high-level API (Save, Load, Encode,
// Decode) stores an nn.Network.
//
// # Tensors and metadata of a model
//
// The tensors are the network's parameters, named as nn.Param.Name: the
// index of the layer in the spec, then ".weight" or ".bias" (batch
// normalisation adds ".running_mean" and ".running_var"). Layouts are
// PyTorch's: convolution weights [F][C][KH][KW], fully-connected weights
// [out][in]. The metadata keys are:
//
//	format          "deepnet"
//	format_version  "1"
//	spec            the architecture, nn.Spec.String(), e.g. "conv:20x5x5 maxpool:2 relu fc:100 relu softmax:10"
//	input           the shape of one input, "CxHxW", e.g. "1x28x28"
//	init            the initialisation the network was built with, e.g. "network3"
//	seed            the network's seed (dropout masks), decimal
//	training        JSON of Info: preset, eta, lambda, batch size, epochs, accuracy...
//	sha256          hex SHA-256 of the data section
//	kind            absent for a network; another kind of model ("rbm",
//	                "dbn", written by package rbm) names itself here, and
//	                Decode refuses it with a *KindError (KindOf, CheckKind)
//
// # Invariants
//
//   - Output is deterministic: the same File (or network and Info) gives
//     the same bytes. Tensors are written in the order given (a network's
//     in layer order), metadata keys sorted.
//   - Saving is atomic: WriteFileAtomic writes a temporary file in the same
//     directory, fsyncs it, renames it over the target and fsyncs the
//     directory, so the target holds the old file or the whole new one, and
//     a failed save leaves no temporary file.
//   - Reading never panics and never trusts the file: the header length is
//     checked against the file size and MaxHeader before anything is
//     allocated, the data allocated is the data the file holds, every
//     tensor's dtype (F32), shape and offsets are checked (no overlap, no
//     gap, the data section covered exactly), and the data's SHA-256 is
//     checked against the header. Load also checks the format version, that
//     the tensors are exactly the parameters the spec needs with the shapes
//     it needs, and that the network's buffers fit in 1 GiB, before it
//     builds the network. Every such fault is a *FormatError that says what
//     is wrong, e.g. "tensor 3.weight has shape [40 20 5 5], the spec
//     conv:40x3x3 needs [40 20 3 3]".
//
// # Loading a model in PyTorch
//
// The parameters load into a torch.nn.Sequential whose modules are named by
// their deepnet spec index, so that the state_dict keys match. A flatten
// before the first fully-connected layer is one module more than deepnet's
// spec has, hence the names. deepnet's softmax:K entry is one Linear (its
// parameters), which the softmax follows; pooling, activations and dropout
// have no parameters. For the spec "conv:20x5x5 maxpool:2 relu conv:40x5x5
// maxpool:2 relu fc:100 relu softmax:10" on 1x28x28 inputs:
//
//	from collections import OrderedDict
//	import torch
//	from safetensors import safe_open
//	from safetensors.torch import load_file
//
//	net = torch.nn.Sequential(OrderedDict([
//	    ("0", torch.nn.Conv2d(1, 20, 5)), ("1", torch.nn.MaxPool2d(2)), ("2", torch.nn.ReLU()),
//	    ("3", torch.nn.Conv2d(20, 40, 5)), ("4", torch.nn.MaxPool2d(2)), ("5", torch.nn.ReLU()),
//	    ("flatten", torch.nn.Flatten()),
//	    ("6", torch.nn.Linear(640, 100)), ("7", torch.nn.ReLU()),
//	    ("8", torch.nn.Linear(100, 10)), ("softmax", torch.nn.Softmax(dim=1)),
//	]))
//	net.load_state_dict(load_file("relu.safetensors"))
//	with safe_open("relu.safetensors", "pt") as f:
//	    print(f.metadata()["spec"], f.metadata()["training"])
//
// The input is what deepnet's network takes: float32 [N][C][H][W]. The other
// layers map to torch.nn.LPPool2d(2, P) (l2pool), AvgPool2d (avgpool),
// Dropout(p) (dropout:P, inverted in both; for dropout:P:network3, which
// multiplies by 1-P at inference, follow it with a multiplication by 1-P in
// eval mode, or scale the next Linear's weight by 1-P), Conv2d(..., stride=S) (conv with
// /S), BatchNorm2d or BatchNorm1d (batchnorm; pass strict=False to
// load_state_dict, as the file has no num_batches_tracked). A file that
// PyTorch writes back (safetensors.torch.save_file) loads in deepnet if its
// metadata holds the keys above, sha256 included.
package model
