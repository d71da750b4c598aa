package onnx

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/deepnet-go/deepnet/nn"
)

// kind is what package onnx knows of one deepnet layer kind: how to write
// a layer of it as ONNX nodes, and the ONNX operators whose nodes import
// as (part of) such a layer.
type kind struct {
	// export adds the layer's nodes and initializers after e.cur.
	export func(e *exporter, l nn.Layer) error
	// ops are the operators this kind imports, each with the function
	// that reads one node into the importer's layers.
	ops map[string]importFunc
}

// importFunc reads one node of the chain.
type importFunc func(im *importer, n *node) error

// kinds is the table, by nn's kind name. A kind missing here has no ONNX
// form: Encode refuses it with an *UnsupportedError.
var kinds map[string]kind

func init() {
	kinds = map[string]kind{
		"conv":      {exportConv, ops{"Conv": importConv}},
		"maxpool":   {exportPool, ops{"MaxPool": importPool}},
		"l2pool":    {exportPool, ops{"LpPool": importPool}},
		"avgpool":   {exportPool, ops{"AveragePool": importPool}},
		"fc":        {exportDense, ops{"Gemm": importGemm, "MatMul": importMatMul, "Add": importAdd, "Flatten": importFlatten}},
		"softmax":   {exportSoftmax, ops{"Softmax": importSoftmax}},
		"dropout":   {exportDropout, ops{"Dropout": importDropout, "Mul": importMul}},
		"batchnorm": {exportBatchNorm, ops{"BatchNormalization": importBatchNorm}},
		"sigmoid":   {exportActivation, ops{"Sigmoid": importActivation}},
		"tanh":      {exportActivation, ops{"Tanh": importActivation}},
		"relu":      {exportActivation, ops{"Relu": importActivation}},
		"rows":      {exportSequence, ops{"Reshape": importReshape, "Transpose": importTranspose}},
		"pixels":    {exportSequence, nil},
		"rnn":       {exportRecurrent, ops{"RNN": importRecurrent, "Squeeze": importSqueeze}},
		"lstm":      {exportRecurrent, ops{"LSTM": importRecurrent}},
		"gru":       {exportRecurrent, ops{"GRU": importRecurrent}},
	}
}

type ops = map[string]importFunc

// opTable returns the import function of every operator of the table
// (and Identity, which imports as nothing).
var opTable = sync.OnceValue(func() map[string]importFunc {
	t := map[string]importFunc{}
	for name, k := range kinds {
		for op, f := range k.ops {
			if t[op] != nil {
				panic(fmt.Sprintf("onnx: operator %s imported by two kinds (one is %s)", op, name))
			}
			t[op] = f
		}
	}
	return t
})

// supportedKinds lists the kinds Encode writes.
func supportedKinds() string {
	var names []string
	for name := range kinds {
		names = append(names, name)
	}
	slices.Sort(names)
	return "kinds with an ONNX form: " + strings.Join(names, ", ")
}

// supportedOps lists the operators Decode reads.
func supportedOps() string {
	names := []string{"Identity", "Constant"}
	for op := range opTable() {
		names = append(names, op)
	}
	slices.Sort(names)
	return "operators deepnet reads: " + strings.Join(names, ", ")
}
