// Package onnx converts deepnet networks to and from ONNX
// (https://onnx.ai), so that a network trained by deepnet runs in ONNX
// Runtime, PyTorch or any other ONNX consumer, and a network made
// elsewhere (a PyTorch nn.Sequential exported by torch.onnx.export) runs
// in deepnet.
//
// Encode writes an nn.Network as an ONNX ModelProto (IR version 8, opset
// 13, the default domain only) whose graph takes the network's input as
// it is, float32 [N][C][H][W] images (N symbolic), and gives its output
// ([N][K] class probabilities for a network ending in softmax:K). The
// metadata given (a model file's: spec, input, init, seed, training...)
// go into metadata_props unchanged. Decode reads such a file, or any
// graph that is a chain of the operators below, back into an nn.Network
// and the metadata_props.
//
// # The table of kinds
//
// kinds.go has one entry per deepnet layer kind: the function that
// exports a layer of the kind and the ONNX operators whose import yields
// it. Nothing else here switches on a kind. The layers and their nodes:
//
//	conv                    Conv (no padding, one group, square stride)
//	maxpool l2pool avgpool  MaxPool, LpPool (p=2), AveragePool; strides = kernel
//	fc                      Gemm (transB=1), or MatMul then Add on sequences; Flatten first on images
//	softmax:K               fc's nodes, then Softmax on the last axis
//	relu sigmoid tanh       Relu, Sigmoid, Tanh
//	batchnorm               BatchNormalization (running statistics, ε = 1e-5)
//	dropout:P               Dropout with ratio P (identity at inference: inverted dropout)
//	dropout:P:network3      Mul by 1-P (network3 scales at inference)
//	rows, pixels            Reshape to [N][T][step], Transpose to [T][N][step]
//	rnn lstm gru            RNN, LSTM, GRU (linear_before_reset=1), one node per stacked
//	                        layer, Squeeze of Y (every step) or Y_h (the last)
//
// Recurrent weights are reordered between PyTorch's gate order, which
// deepnet keeps (LSTM i f g o, GRU r z n), and ONNX's (LSTM i o f c, GRU
// z r h); the two biases of each gate are concatenated as ONNX's B. Other
// kinds (embed, and kinds registered outside nn) are refused with an
// *UnsupportedError naming the kind.
//
// # Import
//
// Decode reads opsets 9 to 21 of the default domain. It follows the graph
// from its one input ([N][C][H][W], [N][C] or [T][N][C], N any) to its one
// output, node by node; every node must lie on that chain and read the
// chain's tensor as its first input (either input of Add and Mul), its
// other inputs being initializers or Constant nodes. Identity nodes
// import as nothing, and so does a Flatten (or a Reshape to [N][-1]) of
// images before a fully-connected layer, which flattens them itself.
// Consecutive recurrent nodes of one cell and size whose names share the
// prefix before their last "/" (one deepnet layer, or one PyTorch module)
// become one stacked layer ("lstm:64x2").
//
// # Invariants
//
//   - Encode is deterministic: the same network and metadata give the
//     same bytes (metadata keys sorted, deterministic protobuf marshaling).
//   - The exported graph computes what nn.Network.Forward computes with
//     train false, to float32 rounding; Decode of an Encode gives a network
//     with the same spec, parameters and predictions.
//   - Decode never panics and never trusts the file: every tensor's
//     length is checked against its dims (whose product is capped, with
//     overflow checks) before anything is allocated, so allocation is
//     bounded by the input's size; the spec it builds is validated and
//     planned, and its memory checked against Options.MaxMemory, before
//     the network is built. A node whose operator is not in the table is
//     an *UnsupportedError naming the operator and the node; a graph that
//     is not a chain, an attribute the operator's import does not accept
//     (padding, dilation, peepholes...) or a malformed file is a
//     *FormatError that says what and where.
package onnx
