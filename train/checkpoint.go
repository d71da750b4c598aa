package train

import (
	"cmp"
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
	ckptNext   = "checkpoint.next_epoch"
	ckptResult = "checkpoint.result"
	ckptBest   = "best/"
	// ckptOptimizer is the optimiser's name (absent from the checkpoints
	// of SGD written before there were others), ckptSteps its step counts
	// (JSON: parameter name → steps). Its slots are tensors named
	// slot/parameter ("velocity/0.weight", "exp_avg/0.weight").
	ckptOptimizer = "checkpoint.optimizer"
	ckptSteps     = "checkpoint.optimizer_steps"
)

// slotNames are the names of every optimiser's slots, so that a
// checkpoint's slots that the run's optimiser lacks are found.
var slotNames = []string{"velocity", "exp_avg", "exp_avg_sq", "square_avg"}

// WriteCheckpoint saves obj's model (with its state beyond the parameters),
// the optimiser's state and ck to path atomically: a model file
// (model.Load reads it with IgnoreExtra) with extra tensors and metadata.
// info is stored as the model's training info.
func WriteCheckpoint(path string, obj Objective, opt Optimizer, ck *Checkpoint, info model.Info) error {
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
	if opt != nil {
		if err := saveOptimizer(f, params, opt); err != nil {
			return err
		}
	}
	for i, p := range params {
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
func (st *SavedState) restore(ck *Checkpoint, params []*nn.Param, opt Optimizer, cfg Config) error {
	if st.Next > cfg.Epochs {
		return fmt.Errorf("train: resuming: the checkpoint has trained %d epochs, more than the run's %d", st.Next, cfg.Epochs)
	}
	if len(params) != len(st.params) {
		return fmt.Errorf("train: resuming: the checkpoint holds %d parameters, the run trains %d", len(st.params), len(params))
	}
	ck.Next, ck.Result, ck.Best = st.Next, st.Result, st.Best
	if err := st.restoreOptimizer(params, opt); err != nil {
		return err
	}
	if err := checkResumed(&ck.Result, cfg); err != nil {
		return err
	}
	return st.restoreAverage(ck.average)
}

// saveOptimizer adds opt's name, slots and step counts to f.
func saveOptimizer(f *model.File, params []*nn.Param, opt Optimizer) error {
	f.Metadata[ckptOptimizer] = opt.Name()
	st := opt.State()
	for _, s := range st.Slots {
		for i, p := range params {
			if i < len(s.Data) && s.Data[i] != nil {
				f.Tensors = append(f.Tensors, model.Tensor{Name: s.Name + "/" + p.Name, Shape: p.Value.Shape, Data: s.Data[i]})
			}
		}
	}
	if st.Steps == nil {
		return nil
	}
	steps := make(map[string]int64, len(params))
	for i, p := range params {
		if p.Grad != nil && i < len(st.Steps) {
			steps[p.Name] = st.Steps[i]
		}
	}
	b, err := json.Marshal(steps)
	f.Metadata[ckptSteps] = string(b)
	return err
}

// restoreOptimizer copies the saved state of the optimiser into opt, or
// says why it cannot: the checkpoint was made by another optimiser, or
// with momentum when the run has none, or the other way round.
func (st *SavedState) restoreOptimizer(params []*nn.Param, opt Optimizer) error {
	saved := cmp.Or(st.file.Metadata[ckptOptimizer], OptimizerSGD)
	if saved != opt.Name() {
		return fmt.Errorf("train: resuming: the checkpoint was trained with %s, this run would continue with %s (a run resumes with the optimiser it started with)", saved, opt.Name())
	}
	state := opt.State()
	for i, p := range params {
		for _, s := range state.Slots {
			if p.Grad == nil || i >= len(s.Data) || s.Data[i] == nil {
				continue
			}
			v := st.file.Tensor(s.Name + "/" + p.Name)
			switch {
			case v == nil && s.Name == "velocity":
				return fmt.Errorf("checkpoint has no velocity for %s (was it trained without momentum?)", p.Name)
			case v == nil:
				return fmt.Errorf("checkpoint has no %s for %s", s.Name, p.Name)
			case len(v.Data) != len(s.Data[i]):
				return fmt.Errorf("checkpoint's %s for %s: %d values, want %d", s.Name, p.Name, len(v.Data), len(s.Data[i]))
			}
			copy(s.Data[i], v.Data)
		}
		for _, name := range slotNames {
			if st.file.Tensor(name+"/"+p.Name) != nil && !hasSlot(state, name) {
				if name == "velocity" {
					return fmt.Errorf("checkpoint has momentum for %s but the run has none", p.Name)
				}
				return fmt.Errorf("checkpoint has %s for %s but the run's %s keeps none", name, p.Name, opt.Name())
			}
		}
	}
	if state.Steps == nil {
		return nil
	}
	var steps map[string]int64
	if err := json.Unmarshal([]byte(st.file.Metadata[ckptSteps]), &steps); err != nil {
		return fmt.Errorf("checkpoint: the optimiser's step counts: %v", err)
	}
	for i, p := range params {
		if p.Grad == nil || i >= len(state.Steps) {
			continue
		}
		n, ok := steps[p.Name]
		if !ok || n < 0 {
			return fmt.Errorf("checkpoint: no step count for %s", p.Name)
		}
		state.Steps[i] = n
	}
	return nil
}

// hasSlot reports whether st has a slot called name.
func hasSlot(st OptimizerState, name string) bool {
	for _, s := range st.Slots {
		if s.Name == name {
			return true
		}
	}
	return false
}

// candidate reports whether rec may be selected as the run's result: the
// averaged weights, and the last SelectLast epochs (all, without it); for
// a final model (Final), which selects nothing, the last epoch and the
// averaged weights, so that only they are measured through the views.
func (cfg *Config) candidate(rec Epoch) bool {
	if cfg.Final {
		return rec.Averaged || rec.Epoch >= cfg.Epochs-1
	}
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
// keep a choice the new settings do not make. A final model (Final)
// selects nothing, and its records must all be a final model's.
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
	for _, rec := range res.Epochs {
		if rec.NoValidation != cfg.Final {
			return fmt.Errorf("train: resuming: the checkpoint's %s was measured %s, this run %s (keep the final model's setting as it was)",
				rec.Name(), map[bool]string{true: "without validation", false: "on validation"}[rec.NoValidation], map[bool]string{true: "has none", false: "validates"}[cfg.Final])
		}
	}
	if best, ok := res.Best(); ok && !cfg.Final && !cfg.candidate(best) {
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
