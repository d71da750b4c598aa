package train

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/deepnet-go/deepnet/data/augment"
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
	ckptVelocity = "velocity/"
	ckptBest     = "best/"
)

// WriteCheckpoint saves obj's model (with its state beyond the parameters),
// the optimiser's state and ck to path atomically: a model file
// (model.Load reads it with IgnoreExtra) with extra tensors and metadata.
// info is stored as the model's training info.
func WriteCheckpoint(path string, obj Objective, opt *SGD, ck *Checkpoint, info model.Info) error {
	f, err := obj.Encode(info)
	if err != nil {
		return err
	}
	res, err := json.Marshal(ck.Result)
	if err != nil {
		return err
	}
	f.Metadata[ckptNext] = strconv.Itoa(ck.Next)
	f.Metadata[ckptResult] = string(res)
	params := obj.Params()
	for i, p := range params {
		if opt != nil && i < len(opt.Velocity) && opt.Velocity[i] != nil {
			f.Tensors = append(f.Tensors, model.Tensor{Name: ckptVelocity + p.Name, Shape: p.Value.Shape, Data: opt.Velocity[i]})
		}
		if ck.Best != nil {
			f.Tensors = append(f.Tensors, model.Tensor{Name: ckptBest + p.Name, Shape: p.Value.Shape, Data: ck.Best[i]})
		}
	}
	ck.average.save(params, f.Metadata, func(name string, p *nn.Param, data []float32) {
		f.Tensors = append(f.Tensors, model.Tensor{Name: name, Shape: p.Value.Shape, Data: data})
	})
	return model.WriteFileAtomic(path, f)
}

// ReadCheckpoint loads a checkpoint of a network written by
// WriteCheckpoint: the network (built as opts says; a checkpoint's extra
// tensors are always allowed), its training info, and the state
// Config.Resume continues from. It never panics on a bad file.
func ReadCheckpoint(path string, opts model.Options) (*nn.Network, *model.Info, *SavedState, error) {
	f, err := model.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	net, info, st, err := DecodeCheckpoint(f, opts)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return net, info, st, nil
}

// DecodeCheckpoint is ReadCheckpoint of a file already read.
func DecodeCheckpoint(f *model.File, opts model.Options) (*nn.Network, *model.Info, *SavedState, error) {
	opts.IgnoreExtra = true
	net, info, err := model.Decode(f, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := RestoreNetwork(net, f); err != nil {
		return nil, nil, nil, err
	}
	st, err := ReadState(f, net.Params())
	if err != nil {
		return nil, nil, nil, err
	}
	return net, info, st, nil
}

// ReadState reads the loop's state from a checkpoint file f whose model's
// parameters, rebuilt from f, are params: the records, the next epoch and
// the best parameters so far; the optimiser's and the averaging's state
// are put back when the run resumes.
func ReadState(f *model.File, params []*nn.Param) (*SavedState, error) {
	st := &SavedState{file: f, params: params}
	var err error
	if st.Next, err = strconv.Atoi(f.Metadata[ckptNext]); err != nil || st.Next < 0 {
		return nil, fmt.Errorf("next epoch %q is not a number of epochs done", f.Metadata[ckptNext])
	}
	if err := json.Unmarshal([]byte(f.Metadata[ckptResult]), &st.Result); err != nil {
		return nil, fmt.Errorf("result: %v", err)
	}
	for _, p := range params {
		if b := f.Tensor(ckptBest + p.Name); b != nil {
			if len(b.Data) != p.Value.Len() {
				return nil, fmt.Errorf("best %s: %d values, want %d", p.Name, len(b.Data), p.Value.Len())
			}
			st.Best = append(st.Best, b.Data)
		}
	}
	for i := range f.Tensors {
		if err := f.Tensors[i].CheckFinite(); err != nil {
			return nil, err
		}
	}
	if st.Best != nil && len(st.Best) != len(params) {
		return nil, fmt.Errorf("best weights: %d tensors, want %d", len(st.Best), len(params))
	}
	return st, nil
}

// SavedState is a Checkpoint read back, with the optimiser state that a
// resumed run puts back.
type SavedState struct {
	Checkpoint
	file   *model.File
	params []*nn.Param // of the model rebuilt from file
}

// restore makes ck the saved state for a run of cfg whose parameters are
// params and optimiser opt, or says why the run cannot continue it.
func (st *SavedState) restore(ck *Checkpoint, params []*nn.Param, opt *SGD, cfg Config) error {
	if st.Next > cfg.Epochs {
		return fmt.Errorf("train: resuming: the checkpoint has trained %d epochs, more than the run's %d", st.Next, cfg.Epochs)
	}
	if len(params) != len(st.params) {
		return fmt.Errorf("train: resuming: the checkpoint holds %d parameters, the run trains %d", len(st.params), len(params))
	}
	ck.Next, ck.Result, ck.Best = st.Next, st.Result, st.Best
	if err := st.restoreVelocity(params, opt); err != nil {
		return err
	}
	if err := checkResumed(&ck.Result, cfg); err != nil {
		return err
	}
	return st.restoreAverage(ck.average)
}

// restoreVelocity copies the saved momentum into opt.
func (st *SavedState) restoreVelocity(params []*nn.Param, opt *SGD) error {
	for i, p := range params {
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

// candidateViews is the number of views a candidate is measured through.
func (cfg *Config) candidateViews() int {
	if augment.Plain(cfg.Views) {
		return 0
	}
	return len(cfg.Views)
}

// checkResumed reports an error unless the records of a resumed run were
// measured as cfg measures them, through its views when they are
// candidates, and its best so far is a candidate: a run resumed with
// other views, another SelectLast or other Epochs would otherwise choose
// among records measured by different rules, and a finished run would
// keep a choice the new settings do not make.
func checkResumed(res *Result, cfg Config) error {
	for _, rec := range res.Epochs {
		want := 0
		if cfg.candidate(rec) {
			want = cfg.candidateViews()
		}
		if rec.Views != want {
			return fmt.Errorf("train: resuming: the checkpoint measured %s %s, this run would measure it %s (keep the views, the epochs selected among and the number of epochs as they were)",
				rec.Name(), throughViews(rec.Views), throughViews(want))
		}
	}
	if best, ok := res.Best(); ok && !cfg.candidate(best) {
		return fmt.Errorf("train: resuming: the checkpoint's best so far, %s, is not one this run may select (keep the epochs selected among and the number of epochs as they were)", best.Name())
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
