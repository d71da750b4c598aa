package lm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/nn"
)

// Sampler generates text from a character model, one byte at a time.
type Sampler struct {
	net   *nn.Network // the model's twin for one step of one row
	probs []float64
}

// NewSampler returns a sampler of the character model net (CheckModel):
// a network of net's spec and parameters built to read one byte at a
// time.
func NewSampler(net *nn.Network) (*Sampler, error) {
	if err := CheckModel(net); err != nil {
		return nil, err
	}
	cfg := net.Config
	cfg.In.T, cfg.MaxBatch = 1, 1
	step, err := nn.New(cfg)
	if err != nil {
		return nil, err
	}
	for i, p := range step.Params() {
		copy(p.Value.Data, net.Params()[i].Value.Data)
	}
	step.SetCarry(true)
	return &Sampler{net: step, probs: make([]float64, Vocab)}, nil
}

// Generate reads prime (a newline when empty), then draws n bytes, each
// from the model's distribution of the next byte softened by temperature
// (p^(1/T), normalised: T < 1 sharpens it, T > 1 flattens it), fed back
// in; emit gets each byte as it is drawn and may stop generation with an
// error, which Generate returns.
func (s *Sampler) Generate(prime []byte, n int, temperature float64, rng *rand.Rand, emit func(byte) error) error {
	if !(temperature > 0) || math.IsInf(temperature, 0) {
		return fmt.Errorf("lm: temperature %v must be positive", temperature)
	}
	if len(prime) == 0 {
		prime = []byte{'\n'}
	}
	s.net.ResetState()
	var p []float32
	x := make([]float32, 1)
	for _, c := range prime {
		x[0] = float32(c)
		p = s.net.Forward(x, 1, false)
	}
	for range n {
		c := s.draw(p, temperature, rng)
		if err := emit(c); err != nil {
			return err
		}
		x[0] = float32(c)
		p = s.net.Forward(x, 1, false)
	}
	return nil
}

// draw draws a byte from p softened by temperature.
func (s *Sampler) draw(p []float32, temperature float64, rng *rand.Rand) byte {
	var sum float64
	for i, v := range p[:Vocab] {
		s.probs[i] = math.Pow(math.Max(float64(v), 0), 1/temperature)
		sum += s.probs[i]
	}
	u := rng.Float64() * sum
	for i, q := range s.probs {
		if u < q {
			return byte(i)
		}
		u -= q
	}
	return byte(Vocab - 1)
}
