package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

func TestParseMomentumSchedule(t *testing.T) {
	for _, c := range []struct {
		in   string
		want MomentumSchedule
	}{
		{"", nil}, {"const", nil},
		{"0.5:5:0.9", MomentumSwitch{0.5, 5, 0.9}},
		{"0:0:0.95", MomentumSwitch{0, 0, 0.95}},
	} {
		s, err := ParseMomentumSchedule(c.in)
		if err != nil || s != c.want {
			t.Errorf("%q: %v, %v; want %v", c.in, s, err, c.want)
		}
		if s != nil && s.String() != c.in {
			t.Errorf("%q prints as %q", c.in, s)
		}
	}
	for _, in := range []string{"0.5", "0.5:5", "1:5:0.9", "0.5:-1:0.9", "0.5:5:-0.1", "a:5:0.9", "0.5:5:0.9:1"} {
		if s, err := ParseMomentumSchedule(in); err == nil || !strings.Contains(err.Error(), "momentum schedule") {
			t.Errorf("%q: %v, %v; want an error", in, s, err)
		}
	}
	s := MomentumSwitch{0.5, 5, 0.9}
	for e, want := range []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9} {
		if got := s.Momentum(e, 7); got != want {
			t.Errorf("epoch %d: momentum %v, want %v", e, got, want)
		}
	}
}

// badMomentum is a schedule that gives a momentum SGD cannot use.
type badMomentum struct{}

func (badMomentum) Momentum(epoch, _ int) float64 { return float64(epoch) / 2 }
func (badMomentum) String() string                { return "bad" }

// TestMomentumScheduleRefused: a schedule beside a momentum, with another
// optimiser, or giving a momentum outside [0, 1) in one of the run's
// epochs, is refused before anything is trained.
func TestMomentumScheduleRefused(t *testing.T) {
	d := &data.Splits{Train: synthetic(40, 1), Validation: synthetic(10, 2), Test: synthetic(10, 3)}
	sw := MomentumSwitch{0.5, 1, 0.9}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Momentum: 0.9, MomentumSchedule: sw}, "set one of them"},
		{Config{Optimizer: "adam", MomentumSchedule: sw}, "keeps its own moments"},
		{Config{Epochs: 3, MomentumSchedule: badMomentum{}}, "momentum 1 in epoch 3"},
	} {
		cfg := c.cfg
		cfg.Batch, cfg.Eta, cfg.Epochs = 10, 0.1, max(cfg.Epochs, 1)
		_, err := Fit(context.Background(), newReconstruction(smallNet(t, "fc:4:sigmoid fc:64:sigmoid", 10, 1), d, 10), cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one that says %q", c.cfg, err, c.want)
		}
	}
	if _, err := Fit(context.Background(), newReconstruction(smallNet(t, "fc:4:sigmoid fc:64:sigmoid", 10, 1), d, 10),
		Config{Epochs: 2, Batch: 10, Eta: 0.1, MomentumSchedule: badMomentum{}}); err != nil {
		t.Errorf("a schedule whose bad momentum falls after the run's epochs: %v", err)
	}
}

// fitWeights trains the reconstruction objective of a fresh network with
// cfg (checkpointing to ckpt when set, stopping after epoch stop when
// stop ≥ 0) and returns its parameters.
func fitWeights(t *testing.T, cfg Config, resume *SavedState, net *nn.Network, stop int) []*nn.Param {
	t.Helper()
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(50, 2), Test: synthetic(50, 3)}
	if net == nil {
		net = smallNet(t, "fc:16:sigmoid fc:64:sigmoid", 10, 7)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if stop >= 0 {
		cfg.OnEpoch = func(e Epoch) {
			if e.Epoch == stop {
				cancel()
			}
		}
	}
	cfg.Resume = resume
	_, err := Fit(ctx, newReconstruction(net, d, 10), cfg)
	if err != nil && !(stop >= 0 && errors.Is(err, context.Canceled)) {
		t.Fatal(err)
	}
	return net.Params()
}

// sameParams fails unless a and b hold the same bits.
func sameParams(t *testing.T, what string, a, b []*nn.Param) {
	t.Helper()
	for i, p := range a {
		for j, v := range p.Value.Data {
			if w := b[i].Value.Data[j]; math.Float32bits(v) != math.Float32bits(w) {
				t.Fatalf("%s: %s[%d] is %v, want %v", what, p.Name, j, w, v)
			}
		}
	}
}

// TestMomentumSchedule: a schedule that gives every epoch the same
// momentum trains to the same bits as that constant momentum (0 included:
// plain SGD), so the mechanism changes no other run; a switch after two
// epochs is a run of two epochs at the first momentum resumed at the
// second (the velocity carries over); and a run stopped inside the
// schedule resumes to the weights of one that never stopped.
func TestMomentumSchedule(t *testing.T) {
	base := Config{Epochs: 4, Batch: 10, Eta: 0.3, Lambda: 0.1, Seed: 5}
	for _, mu := range []float64{0, 0.9} {
		constant, scheduled := base, base
		constant.Momentum = mu
		scheduled.MomentumSchedule = MomentumSwitch{mu, 2, mu}
		sameParams(t, fmt.Sprintf("constant schedule %v", mu), fitWeights(t, constant, nil, nil, -1), fitWeights(t, scheduled, nil, nil, -1))
	}

	sw := base
	sw.MomentumSchedule = MomentumSwitch{0.5, 2, 0.9}
	want := fitWeights(t, sw, nil, nil, -1)

	dir := t.TempDir()
	first := base
	first.Momentum, first.Epochs, first.Checkpoint = 0.5, 2, filepath.Join(dir, "first.safetensors")
	fitWeights(t, first, nil, nil, -1)
	net, _, st, err := ReadCheckpoint(first.Checkpoint, model.Options{MaxBatch: 10})
	if err != nil {
		t.Fatal(err)
	}
	second := base
	second.Momentum = 0.9
	sameParams(t, "two epochs at 0.5 resumed at 0.9", want, fitWeights(t, second, st, net, -1))

	stopped := sw
	stopped.Checkpoint = filepath.Join(dir, "stopped.safetensors")
	fitWeights(t, stopped, nil, nil, 0)
	net, _, st, err = ReadCheckpoint(stopped.Checkpoint, model.Options{MaxBatch: 10})
	if err != nil || st.Next != 1 {
		t.Fatalf("checkpoint: %v, next epoch %v", err, st)
	}
	sameParams(t, "resumed inside the schedule", want, fitWeights(t, sw, st, net, -1))
}

// restoring is reconstruction with a state of its own beyond the
// network's parameters, which its Encode saves and Restore puts back.
type restoring struct {
	*reconstruction
	state    float32
	restored *model.File
}

func (r *restoring) Step(idx []int, update func([]*nn.Param)) float64 {
	r.state++
	return r.reconstruction.Step(idx, update)
}

func (r *restoring) Encode(info model.Info) (*model.File, error) {
	f, err := r.reconstruction.Encode(info)
	if err == nil {
		f.Tensors = append(f.Tensors, model.Tensor{Name: "state", Shape: []int{1}, Data: []float32{r.state}})
	}
	return f, err
}

func (r *restoring) Restore(f *model.File) error {
	r.restored = f
	s := f.Tensor("state")
	if s == nil {
		return errors.New("no state")
	}
	r.state = s.Data[0]
	return nil
}

// TestRestorer: Fit gives a Restorer the checkpoint it resumes from, and
// stops when it cannot restore.
func TestRestorer(t *testing.T) {
	d := &data.Splits{Train: synthetic(40, 1), Validation: synthetic(10, 2), Test: synthetic(10, 3)}
	ckpt := filepath.Join(t.TempDir(), "ckpt.safetensors")
	cfg := Config{Epochs: 3, Batch: 10, Eta: 0.1, Seed: 1, Checkpoint: ckpt}
	whole := &restoring{reconstruction: newReconstruction(smallNet(t, "fc:4:sigmoid fc:64:sigmoid", 10, 1), d, 10)}
	if _, err := Fit(context.Background(), whole, cfg); err != nil || whole.state != 12 {
		t.Fatalf("state %v after 3 epochs of 4 steps (%v)", whole.state, err)
	}
	first := cfg
	first.Epochs = 2
	if _, err := Fit(context.Background(), &restoring{reconstruction: newReconstruction(smallNet(t, "fc:4:sigmoid fc:64:sigmoid", 10, 1), d, 10)}, first); err != nil {
		t.Fatal(err)
	}
	net, _, st, err := ReadCheckpoint(ckpt, model.Options{MaxBatch: 10})
	if err != nil {
		t.Fatal(err)
	}
	resumed := &restoring{reconstruction: newReconstruction(net, d, 10)}
	cfg.Resume, cfg.Checkpoint = st, ""
	if _, err := Fit(context.Background(), resumed, cfg); err != nil || resumed.state != 12 || resumed.restored == nil {
		t.Fatalf("resumed: state %v, want 12 (%v)", resumed.state, err)
	}
	st.file.Tensor("state").Name = "other"
	if _, err := Fit(context.Background(), &restoring{reconstruction: newReconstruction(net, d, 10)}, cfg); err == nil || !strings.Contains(err.Error(), "resuming: no state") {
		t.Fatalf("a checkpoint without the state: %v", err)
	}
}
