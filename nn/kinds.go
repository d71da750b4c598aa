package nn

// builtinKinds are the kinds of layer deepnet knows, in the order help
// lists them. A kind is its own file (its LayerSpec type, its Kind value,
// its Layer) and one entry here; kinds defined elsewhere call Register.
var builtinKinds = []Kind{
	convKind,
	maxPoolKind,
	l2PoolKind,
	avgPoolKind,
	denseKind,
	softmaxKind,
	dropoutKind,
	batchNormKind,
	sigmoidKind,
	tanhKind,
	reluKind,
	rowsKind,
	pixelsKind,
	rnnKind,
	lstmKind,
	gruKind,
	embedKind,
}
