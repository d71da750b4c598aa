// Package nn holds deepnet's layers and Network, a sequence of layers built
// from a Spec (the architecture as data: a line of text that ParseSpec reads
// and Spec.String writes back).
//
// # Layers
//
// Convolution (ConvLayer), max, L2 and average pooling (PoolLayer),
// fully-connected (DenseLayer), sigmoid, tanh and ReLU (ActivationLayer),
// dropout (DropoutLayer) and the softmax output with the log-likelihood cost
// (SoftmaxLayer). Each file holds one layer with its forward and backward
// passes side by side. Every layer is checked against PyTorch's float64
// results (testdata/torch_layers.json) and by central differences;
// testdata/torch_layers.py writes the JSON (run /usr/bin/python3
// testdata/torch_layers.py > testdata/torch_layers.json), which also holds
// one training step of the book's relu network that train checks.
//
// # Semantics (network3.py)
//
// Convolution is "valid" cross-correlation, as the book's equation. The
// book's presets write conv → pool → activation, as network3's ConvPoolLayer
// (it pools before adding the bias and applying the activation; the bias is
// constant over a pooling block, so adding it before pooling, as ConvLayer
// does, gives the same result). Pooling ignores border rows and columns that
// do not fill a block. Dropout acts on the input of the layer after it. It has two
// modes. "dropout:P:network3" is network3's: kept values pass unscaled in
// training and inference multiplies by 1-P (network3 scales the next
// layer's weights by 1-P, the same function); the book's dropout preset uses
// it. Plain "dropout:P" is "inverted" (kept values scaled by 1/(1-P) in
// training, nothing at inference), as PyTorch's. The design called the two
// equivalent; they are the same model up to a rescaling, but not the same
// SGD: the weights after an inverted dropout stand for (1-P)·W, so plain SGD
// moves W at η/(1-P)², 4× the book's rate at P = 0.5, from an initialisation
// twice as wide. With inverted dropout the dropout row trained to 99.44%,
// with network3's to 99.61%, against the book's 99.60% (docs/RESULTS.md). The default initialisation is network3's (see
// Network3); the softmax layer starts at zero.
//
// # Layout and buffers (a change from the design, and why)
//
// Images travel through convolution and pooling as [C][N][H][W], channel
// before image, not NCHW: then the convolution of a whole mini-batch is one
// matrix product W[F, C·KH·KW] · col[C·KH·KW, N·OH·OW] whose output is
// already the next layer's input, with no transposition, and its long side
// (N·OH·OW) is the one the GEMM micro-kernel streams over. For one channel,
// as MNIST, [1][N][H][W] and NCHW are the same bytes. DenseLayer flattens
// images to [N][C·H·W] in PyTorch's order, so that weights are stored as
// PyTorch stores them (conv [F][C][KH][KW], fully-connected [out][in]).
//
// A layer is built for an input shape and a largest batch (MaxBatch) and
// allocates every buffer then; Forward and Backward write only into those
// buffers and never allocate. A network evaluates any batch of 1..MaxBatch
// examples. Parameter gradients are overwritten by each Backward, not
// accumulated, so an optimiser step needs no zeroing pass.
//
// # Errors
//
// A spec that cannot be parsed or does not fit its input is an error that
// says which layer and why; a wrong batch size or slice length passed to
// Forward is a programmer error and panics.
package nn
