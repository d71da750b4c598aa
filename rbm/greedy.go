package rbm

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/train"
)

// GreedyConfig says how Greedy trains a DBN.
type GreedyConfig struct {
	// Layer returns the loop's and CD's settings for RBM i (Recipe's for
	// its number of vectors, with seed i+1, when nil). The loop's
	// Checkpoint and Resume are Greedy's.
	Layer func(i int) (train.Config, CDConfig)
	// Dir, when set, keeps the run's state: dbn.safetensors, the DBN with
	// the RBMs trained so far, after each RBM, and layer-I.safetensors,
	// train's checkpoint of RBM I, after each of its epochs.
	Dir string
	// Resume continues the run whose state Dir holds: the RBMs it had
	// trained are taken from it, and the one it was training resumes from
	// its checkpoint (train's resumption: the same bits as a run that
	// never stopped).
	Resume bool
	// Info is stored in the files Greedy writes.
	Info model.Info
	// OnLayer, when set, is called when RBM i is trained.
	OnLayer func(i int, res *train.Result)
}

// Files of GreedyConfig.Dir.
const (
	greedyDBN   = "dbn.safetensors"
	greedyLayer = "layer-%d.safetensors"
)

// Greedy trains d's RBMs one after the other from the bottom (Hinton,
// Osindero and Teh 2006): RBM i on the vectors of s passed up through the
// RBMs below it (DBN.Represent: their hidden probabilities, which
// Binarization PerEpoch turns into samples), the top one's joined with the
// labels (Labelled), each with train.Fit and CD; validation and test
// vectors go up the same way, for the records. It returns each RBM's
// result (nil for those a resumed run found trained).
func Greedy(ctx context.Context, d *DBN, s *data.Splits, cfg GreedyConfig) ([]*train.Result, error) {
	start := d.Trained
	if cfg.Resume {
		if cfg.Dir == "" {
			return nil, errors.New("rbm: resuming a greedy run needs its directory")
		}
		saved, _, err := LoadDBN(filepath.Join(cfg.Dir, greedyDBN))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			start = 0
		case err != nil:
			return nil, err
		default:
			if err := sameShape(saved, d); err != nil {
				return nil, err
			}
			for i, p := range saved.Params() {
				copy(d.Params()[i].Value.Data, p.Value.Data)
			}
			start = saved.Trained
		}
	}
	if cfg.Dir != "" {
		if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
			return nil, err
		}
	}
	results := make([]*train.Result, len(d.RBMs))
	for i := start; i < len(d.RBMs); i++ {
		sets := d.layerSets(i, s)
		tc, cd := Recipe(sets.Train.Len())
		tc.Seed = uint64(i + 1)
		if cfg.Layer != nil {
			tc, cd = cfg.Layer(i)
		}
		tc.Info, tc.Resume, tc.Checkpoint = cfg.Info, nil, ""
		if cfg.Dir != "" {
			tc.Checkpoint = filepath.Join(cfg.Dir, fmt.Sprintf(greedyLayer, i))
		}
		if cfg.Resume && i == start {
			if err := resumeLayer(d.RBMs[i], tc.Checkpoint, &tc); err != nil {
				return results, err
			}
		}
		o, err := NewCD(d.RBMs[i], sets, cd, tc)
		if err != nil {
			return results, fmt.Errorf("rbm: layer %d: %w", i+1, err)
		}
		res, err := train.Fit(ctx, o, tc)
		results[i] = res
		if err != nil {
			return results, err
		}
		d.Trained = i + 1
		if cfg.Dir != "" {
			if err := SaveDBN(filepath.Join(cfg.Dir, greedyDBN), d, cfg.Info); err != nil {
				return results, err
			}
		}
		if cfg.OnLayer != nil {
			cfg.OnLayer(i, res)
		}
	}
	return results, nil
}

// layerSets returns the vectors RBM i trains on.
func (d *DBN) layerSets(i int, s *data.Splits) Sets {
	up := func(set *data.Set) Data {
		if set == nil {
			return nil
		}
		var x Data = Images{set}
		if i > 0 {
			x = d.Represent(i, x)
		}
		if i == len(d.RBMs)-1 && d.Labels > 0 {
			x = Labelled{X: x, Labels: set.Labels, Classes: d.Labels}
		}
		return x
	}
	return Sets{Train: up(s.Train), Validation: up(s.Validation), Test: up(s.Test)}
}

// resumeLayer puts the RBM of the checkpoint at path into r and the
// loop's state into tc, when the checkpoint exists.
func resumeLayer(r *RBM, path string, tc *train.Config) error {
	saved, _, st, err := ReadCheckpoint(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if saved.Config != r.Config {
		return fmt.Errorf("rbm: %s holds an RBM of %d×%d units, the DBN's is %d×%d", path, saved.Hidden, saved.Visible, r.Hidden, r.Visible)
	}
	for i, p := range saved.Params() {
		copy(r.Params()[i].Value.Data, p.Value.Data)
	}
	tc.Resume = st
	return nil
}

// sameShape reports a saved DBN whose RBMs differ from d's.
func sameShape(saved, d *DBN) error {
	if len(saved.RBMs) != len(d.RBMs) {
		return fmt.Errorf("rbm: the saved DBN has %d RBMs, this one %d", len(saved.RBMs), len(d.RBMs))
	}
	for i, r := range saved.RBMs {
		a, b := r.Config, d.RBMs[i].Config
		a.Seed, b.Seed = 0, 0
		if a != b {
			return fmt.Errorf("rbm: RBM %d of the saved DBN has %s, this one %s", i+1, a, b)
		}
	}
	return nil
}
