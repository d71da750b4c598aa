package mnist_test

import (
	"fmt"
	"os"

	"github.com/deepnet-go/deepnet/data/mnist"
)

func ExampleLoadDefault() {
	// Finds MNIST in --data, $DEEPNET_DATA, the cache, a mirror or the Go
	// module proxy, verifies it and splits it as network3.py does.
	m, err := mnist.LoadDefault("", os.Stderr)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Train, "/", m.Validation, "/", m.Test)
}
