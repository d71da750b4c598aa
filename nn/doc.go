// Package nn holds deepnet's layers and Network, a sequence of layers built
// from a Spec (the architecture as data: a line of text that ParseSpec reads
// and Spec.String writes back).
//
// # Kinds of layer
//
// A kind of layer is one file and one entry in the table of kinds.go. Its
// file defines a LayerSpec type (the layer's settings: text form,
// validation, Plan of shapes, parameters, memory and FLOPs, Build), its Kind
// (name, syntax, parser) and its Layer, with the forward and backward passes
// side by side. What a layer needs beyond that are optional interfaces:
// Initialiser (how its parameters start, under each Init scheme), Stateful
// (state a resumed run needs, such as dropout's generator), RunningStats
// (batch normalisation's statistics), Classifier (a last layer that
// computes the cross-entropy and its fused gradient, such as softmax:K),
// Pooling (network3's initialisation divides the fan-out of the layer
// before it by the pool's area), Window (the block of input pixels each
// output pixel of a convolution or pooling reads, for pictures of
// receptive fields). Nothing outside a kind's file switches on
// its kind; a kind that is not registered is a *SpecError that lists the
// ones that are, and a layer with trained parameters but no Initialiser is
// refused by New. Register adds kinds from other packages (and tests).
//
// The kinds: convolution (conv), max, L2 and average pooling (maxpool,
// l2pool, avgpool), fully-connected (fc), the softmax classifier (softmax),
// dropout, batch normalisation (batchnorm), the activations sigmoid, tanh
// and relu, and for sequences rows and pixels (an image read as a
// sequence), the recurrent rnn, lstm and gru (recurrent.go with a file per
// cell) and embed. Every one is checked against PyTorch's float64 results
// (testdata/torch_layers.json, written by testdata/torch_layers.py: run
// /usr/bin/python3 testdata/torch_layers.py > testdata/torch_layers.json)
// and by central differences; train checks one whole training step of the
// book's relu network against PyTorch.
//
// # Semantics (network3.py)
//
// Convolution is "valid" cross-correlation, as the book's equation. The
// book's presets write conv → pool → activation, as network3's ConvPoolLayer
// (it pools before adding the bias and applying the activation; the bias is
// constant over a pooling block, so adding it before pooling, as ConvLayer
// does, gives the same result). Pooling ignores border rows and columns that
// do not fill a block. Dropout acts on the input of the layer after it, in
// one of two modes: "dropout:P:network3" is network3's (kept values pass
// unscaled in training, inference multiplies by 1-P), which the book's
// dropout preset uses; plain "dropout:P" is inverted dropout, as PyTorch's
// (see DropoutLayer for why the two train differently). The default
// initialisation is network3's (InitNetwork3); the softmax layer starts at
// zero.
//
// # Layout and buffers
//
// Images travel through convolution and pooling as [C][N][H][W], channel
// before image, not NCHW: then the convolution of a whole mini-batch is one
// matrix product W[F, C·KH·KW] · col[C·KH·KW, N·OH·OW] whose output is
// already the next layer's input, with no transposition, and its long side
// (N·OH·OW) is the one the GEMM micro-kernel streams over. For one channel,
// as MNIST, [1][N][H][W] and NCHW are the same bytes. DenseLayer flattens
// images to [N][C·H·W] in PyTorch's order, so that weights are stored as
// PyTorch stores them (conv [F][C][KH][KW], fully-connected [out][in]).
// A sequence of T steps (Shape.T) is laid out [T][N][C], time first: a
// fully-connected or softmax layer treats its T·N rows alike in one product.
//
// A layer is built for an input shape and a largest batch (MaxBatch) and
// allocates every buffer then; Forward and Backward write only into those
// buffers and never allocate. Plan works out every shape, parameter and
// buffer before anything is allocated, so that MemoryOf can budget a
// network before New builds it. A network evaluates any batch of
// 1..MaxBatch examples. Parameter gradients are overwritten by each
// Backward, not accumulated, so an optimiser step needs no zeroing pass.
//
// # Fine-tuning
//
// CopyMatching copies the parameters of every layer of one network that
// matches the layer at the same position of another (kind and shapes),
// listing the others in a *MismatchError. SetFrozen freezes layers: their
// parameters are marked Param.Frozen, their Backward computes no
// parameter gradient (layers that are Freezers), batch normalisation
// normalises with its running statistics and keeps them, and a backward
// pass stops at the lowest layer that trains.
//
// # Errors
//
// A spec that cannot be parsed or does not fit its input is a *SpecError
// that says which layer (its position and text) and why; a wrong batch size
// or slice length passed to Forward is a programmer error and panics.
package nn
