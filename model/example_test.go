package model_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

func ExampleSave() {
	spec, err := nn.ParseSpec("conv:20x5x5 maxpool:2 relu fc:100:relu softmax:10")
	if err != nil {
		log.Fatal(err)
	}
	net, err := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: 10, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	// ... train net ...
	dir, err := os.MkdirTemp("", "deepnet")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "conv1.safetensors")
	if err := model.Save(path, net, model.Info{Preset: "conv1", Eta: 0.1, BatchSize: 10, Epochs: 60, TestAccuracy: 0.9878}); err != nil {
		log.Fatal(err)
	}

	loaded, info, err := model.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loaded.Spec)
	fmt.Println(info.Preset, info.TestAccuracy)
	for _, p := range loaded.Params() {
		fmt.Println(p.Name, p.Value.Shape)
	}
	// Output:
	// conv:20x5x5 maxpool:2 relu fc:100 relu softmax:10
	// conv1 0.9878
	// 0.weight [20 1 5 5]
	// 0.bias [20]
	// 3.weight [100 2880]
	// 3.bias [100]
	// 5.weight [10 100]
	// 5.bias [10]
}
