package train

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// Checkpoint is the state of a run at the end of an epoch: with it, Run
// continues to the same weights as a run that was never interrupted.
// Example order and augmentation are drawn from (seed, epoch), so they need
// no state; the rest is here.
type Checkpoint struct {
	// Next is the epoch to train next (the number of epochs done).
	Next int
	// Result holds the records of the epochs done.
	Result Result
	// Best holds the parameters of the best epoch so far, in
	// Network.Params order (KeepBest runs only).
	Best [][]float32
	// average is the running weight average (Config.Average), if any.
	average *averager
}

// Metadata keys and tensor name prefixes of a checkpoint file, beside a
// model file's own.
const (
	ckptNext     = "checkpoint.next_epoch"
	ckptResult   = "checkpoint.result"
	ckptRNG      = "checkpoint.rng."
	ckptVelocity = "velocity/"
	ckptBest     = "best/"
)

// WriteCheckpoint saves net, the optimiser's state, the dropout generators
// and ck to path atomically: a model file (model.Load reads it with
// IgnoreExtra) with extra tensors and metadata. info is stored as the model's
// training info.
func WriteCheckpoint(path string, net *nn.Network, opt *SGD, ck *Checkpoint, info model.Info) error {
	f, err := model.Encode(net, info)
	if err != nil {
		return err
	}
	res, err := json.Marshal(ck.Result)
	if err != nil {
		return err
	}
	f.Metadata[ckptNext] = strconv.Itoa(ck.Next)
	f.Metadata[ckptResult] = string(res)
	for i, l := range net.Layers {
		if d, ok := l.(*nn.DropoutLayer); ok {
			state, err := d.Source.MarshalBinary()
			if err != nil {
				return err
			}
			f.Metadata[ckptRNG+strconv.Itoa(i)] = hex.EncodeToString(state)
		}
	}
	for i, p := range net.Params() {
		if opt != nil && i < len(opt.Velocity) && opt.Velocity[i] != nil {
			f.Tensors = append(f.Tensors, model.Tensor{Name: ckptVelocity + p.Name, Shape: p.Value.Shape, Data: opt.Velocity[i]})
		}
		if ck.Best != nil {
			f.Tensors = append(f.Tensors, model.Tensor{Name: ckptBest + p.Name, Shape: p.Value.Shape, Data: ck.Best[i]})
		}
	}
	ck.average.save(net.Params(), f.Metadata, func(name string, p *nn.Param, data []float32) {
		f.Tensors = append(f.Tensors, model.Tensor{Name: name, Shape: p.Value.Shape, Data: data})
	})
	return model.WriteFileAtomic(path, f)
}

// ReadCheckpoint loads a checkpoint written by WriteCheckpoint: the network
// (built for maxBatch), its training info, and the state Restore needs.
func ReadCheckpoint(path string, maxBatch int) (*nn.Network, *model.Info, *SavedState, error) {
	f, err := model.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	net, info, err := model.Decode(f, model.Options{MaxBatch: maxBatch, IgnoreExtra: true})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	bad := func(what string, err error) error { return fmt.Errorf("checkpoint %s: %s: %v", path, what, err) }
	st := &SavedState{file: f, params: net.Params()}
	if st.Next, err = strconv.Atoi(f.Metadata[ckptNext]); err != nil || st.Next < 0 {
		return nil, nil, nil, bad("next epoch", err)
	}
	if err := json.Unmarshal([]byte(f.Metadata[ckptResult]), &st.Result); err != nil {
		return nil, nil, nil, bad("result", err)
	}
	for i, l := range net.Layers {
		if d, ok := l.(*nn.DropoutLayer); ok {
			state, err := hex.DecodeString(f.Metadata[ckptRNG+strconv.Itoa(i)])
			if err == nil {
				err = d.Source.UnmarshalBinary(state)
			}
			if err != nil {
				return nil, nil, nil, bad("dropout generator of layer "+strconv.Itoa(i), err)
			}
		}
	}
	for _, p := range net.Params() {
		if b := f.Tensor(ckptBest + p.Name); b != nil {
			if len(b.Data) != p.Value.Len() {
				return nil, nil, nil, bad("best "+p.Name, fmt.Errorf("%d values, want %d", len(b.Data), p.Value.Len()))
			}
			st.Best = append(st.Best, b.Data)
		}
	}
	if st.Best != nil && len(st.Best) != len(net.Params()) {
		return nil, nil, nil, bad("best weights", fmt.Errorf("%d tensors, want %d", len(st.Best), len(net.Params())))
	}
	return net, info, st, nil
}

// SavedState is a Checkpoint read back, with the optimiser state that
// Trainer.Restore puts back.
type SavedState struct {
	Checkpoint
	file   *model.File
	params []*nn.Param // of the network ReadCheckpoint built
}

// restoreVelocity copies the saved momentum into opt.
func (st *SavedState) restoreVelocity(net *nn.Network, opt *SGD) error {
	for i, p := range net.Params() {
		v := st.file.Tensor(ckptVelocity + p.Name)
		switch {
		case v == nil && i < len(opt.Velocity) && opt.Velocity[i] != nil && p.Grad != nil:
			return fmt.Errorf("checkpoint has no velocity for %s (was it trained without momentum?)", p.Name)
		case v != nil && (i >= len(opt.Velocity) || len(opt.Velocity[i]) != len(v.Data)):
			return fmt.Errorf("checkpoint has momentum for %s but the run has none", p.Name)
		case v != nil:
			copy(opt.Velocity[i], v.Data)
		}
	}
	return nil
}

// candidate reports whether rec may be selected as the run's result: the
// averaged weights, and the last SelectLast epochs (all, without it).
func (cfg *Config) candidate(rec Epoch) bool {
	return rec.Averaged || cfg.SelectLast <= 0 || rec.Epoch >= cfg.Epochs-cfg.SelectLast
}

// checkResumed reports an error unless the records of a resumed run were
// measured as cfg measures them, through views views when they are
// candidates, and its best so far is a candidate: a run resumed with
// another --tta, --select-last or --epochs would otherwise choose among
// records measured by different rules, and a finished run would keep a
// choice the new flags do not make.
func checkResumed(res *Result, cfg Config, views int) error {
	for _, rec := range res.Epochs {
		want := 0
		if cfg.candidate(rec) {
			want = views
		}
		if rec.Views != want {
			return fmt.Errorf("train: resuming: the checkpoint measured %s %s, this run would measure it %s (keep --tta, --select-last and --epochs as they were)",
				rec.Name(), throughViews(rec.Views), throughViews(want))
		}
	}
	if best, ok := res.Best(); ok && !cfg.candidate(best) {
		return fmt.Errorf("train: resuming: the checkpoint's best so far, %s, is not one this run may select (keep --select-last and --epochs as they were)", best.Name())
	}
	return nil
}

// throughViews says how a record was measured.
func throughViews(n int) string {
	if n == 0 {
		return "on the images as they are"
	}
	return fmt.Sprintf("through %d views", n)
}
