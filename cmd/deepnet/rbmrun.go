package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/train"
	"github.com/deepnet-go/deepnet/viz"
)

// rbmRun is CD as deepnet rbm trains it: it also times each epoch's
// training alone (the steps and the updates, not the scoring) and
// measures the mean free energy of training and validation images after
// it, the overfitting signal of Hinton's guide (section 6: the free
// energy of held-out images rises above that of training images). The
// records go into the checkpoint's info ("rbm_epochs"), so that a resumed
// run's metrics file has them for the epochs before it.
type rbmRun struct {
	*rbm.CD
	// feTrain are the first training vectors, as many as the validation
	// ones, and feVal the validation vectors, as CD reads them (binarised
	// as it binarises with --binarize fixed).
	feTrain, feVal rbm.Data
	started        time.Time
	epochs         []rbmEpoch
	extra          map[string]string
}

// rbmEpoch is what rbmRun adds to an epoch's record.
type rbmEpoch struct {
	TrainSeconds         float64 `json:"train_seconds"`
	FreeEnergyTrain      float64 `json:"free_energy_train"`
	FreeEnergyValidation float64 `json:"free_energy_validation"`
}

// keyRBMEpochs is the info's entry that holds the records of rbmRun.
const keyRBMEpochs = "rbm_epochs"

// newRBMRun prepares training r on d as cd and tc say; saved holds the
// records of the epochs a resumed run did before (the info's
// "rbm_epochs"; "" for none).
func newRBMRun(r *rbm.RBM, d *data.Splits, cd rbm.CDConfig, tc train.Config, saved string) (*rbmRun, error) {
	sets := rbm.ImageSets(d)
	o, err := rbm.NewCD(r, sets, cd, tc)
	if err != nil {
		return nil, err
	}
	n := min(d.Train.N, d.Validation.N)
	run := &rbmRun{CD: o, feTrain: rbm.Images{Set: d.Train.Subset(n)}, feVal: sets.Validation, extra: tc.Info.Extra}
	if cd.Binarize == rbm.Fixed {
		run.feTrain, run.feVal = rbm.Binarize(run.feTrain, tc.Seed), rbm.Binarize(run.feVal, tc.Seed)
	}
	if saved != "" {
		if err := json.Unmarshal([]byte(saved), &run.epochs); err != nil {
			return nil, fmt.Errorf("--resume: the checkpoint's %s: %v", keyRBMEpochs, err)
		}
	}
	return run, nil
}

// StartEpoch starts the epoch's clock.
func (o *rbmRun) StartEpoch(epoch int) {
	o.started = time.Now()
	o.CD.StartEpoch(epoch)
}

// Measure scores the RBM (CD's pseudo-log-likelihood) and records the
// epoch's training time and free energies.
func (o *rbmRun) Measure(candidate bool) train.Score {
	e := rbmEpoch{TrainSeconds: time.Since(o.started).Seconds()}
	sc := o.CD.Measure(candidate)
	r := o.RBM()
	e.FreeEnergyTrain, e.FreeEnergyValidation = -rbm.MeanNegFreeEnergy(r, o.feTrain), -rbm.MeanNegFreeEnergy(r, o.feVal)
	o.epochs = append(o.epochs, e)
	b, _ := json.Marshal(o.epochs)
	o.extra[keyRBMEpochs] = string(b)
	return sc
}

// fit trains o, printing each epoch, drawing a progress bar on a terminal,
// writing each epoch's record to --metrics and samples to --samples. It
// returns the result, the run's error, and the first error writing the
// metrics or the samples.
func (c *rbmCmd) fit(ctx context.Context, o *rbmRun, tc train.Config, stdout, stderr io.Writer) (*train.Result, error, error) {
	var metrics io.Writer
	if *c.metrics != "" {
		if err := makeParent(*c.metrics); err != nil {
			return nil, err, nil
		}
		mf, err := os.OpenFile(*c.metrics, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return nil, err, nil
		}
		defer mf.Close()
		metrics = mf
		if c.saved != nil {
			for _, e := range c.saved.Result.Epochs {
				writeRBMRecord(mf, e, o.epochs, nil)
			}
		}
	}
	bar := newProgress(stderr)
	tc.OnBatch = bar.batch
	var outErr error
	tc.OnEpoch = func(e train.Epoch) {
		bar.clear()
		x := o.epochs[len(o.epochs)-1]
		fmt.Fprintf(stdout, "epoch %d/%d: validation pseudo-NLL %.2f nats; free energy training %.2f, validation %.2f  (reconstruction error %.2f, training %.1fs, %.1fs)\n",
			e.Epoch+1, tc.Epochs, e.Validation, x.FreeEnergyTrain, x.FreeEnergyValidation, e.Cost, x.TrainSeconds, e.Seconds)
		if metrics != nil {
			writeRBMRecord(metrics, e, o.epochs, &outErr)
		}
		if *c.samples != "" && ((e.Epoch+1)%c.samplesEvery == 0 || e.Epoch+1 == tc.Epochs) && outErr == nil {
			outErr = c.writeSamples(stdout, o.RBM(), e.Epoch+1)
		}
	}
	res, err := train.Fit(ctx, o, tc)
	bar.clear()
	return res, err, outErr
}

// writeRBMRecord writes e's record as train writes it, with rbmRun's
// fields for its epoch added, as one line of JSON; the first error goes
// to *errp (nil: ignored).
func writeRBMRecord(w io.Writer, e train.Epoch, epochs []rbmEpoch, errp *error) {
	b, err := json.Marshal(e)
	if err == nil && e.Epoch < len(epochs) {
		x, _ := json.Marshal(epochs[e.Epoch])
		b = append(append(bytes.TrimSuffix(b, []byte("}")), ','), x[1:]...)
	}
	if err == nil {
		_, err = w.Write(append(b, '\n'))
	}
	if errp != nil && *errp == nil {
		*errp = err
	}
}

// writeSamples writes --samples DIR/samples-EEE.png and filters-EEE.png
// for epoch (counted from 1).
func (c *rbmCmd) writeSamples(w io.Writer, r *rbm.RBM, epoch int) error {
	if err := os.MkdirAll(*c.samples, 0o755); err != nil {
		return err
	}
	samples, _ := rbmChains(r, 100, c.gibbs, 0, *c.seedValue)
	title := fmt.Sprintf("epoch %d, %d Gibbs sweeps", epoch, c.gibbs)
	for name, img := range map[string]image.Image{
		fmt.Sprintf("samples-%03d.png", epoch): digitGrid(samples, 100, 10, title, nil),
		fmt.Sprintf("filters-%03d.png", epoch): filterGrid(r, 100, fmt.Sprintf("epoch %d: weights of hidden units 1-100", epoch)),
	} {
		if err := viz.WritePNG(filepath.Join(*c.samples, name), img); err != nil {
			return err
		}
	}
	return nil
}

// write draws --plot and, when the run finished, saves the RBM (the
// weights of the best epoch) to --out.
func (c *rbmCmd) write(w io.Writer, o *rbmRun, res *train.Result, r *rbm.RBM, info model.Info, finished bool) error {
	if *c.plot != "" {
		if err := makeParent(*c.plot); err != nil {
			return err
		}
		if err := viz.WritePNG(*c.plot, rbmCurves(res, o.epochs, r)); err != nil {
			return err
		}
	}
	if *c.out == "" || !finished {
		return nil
	}
	if err := makeParent(*c.out); err != nil {
		return err
	}
	best, _ := res.Best()
	info.BestEpoch = res.BestEpoch + 1
	delete(info.Extra, "args")
	delete(info.Extra, keyRBMEpochs)
	if err := rbm.Save(*c.out, r, info); err != nil {
		return err
	}
	fmt.Fprintf(w, "saved    %s (weights of %s)\n", *c.out, best.Name())
	return nil
}

// rbmCurves draws the validation pseudo-log-likelihood per epoch, the
// mean free energies of training and validation images below it, and
// their difference, which grows as the RBM overfits, at the bottom.
func rbmCurves(res *train.Result, epochs []rbmEpoch, r *rbm.RBM) image.Image {
	var pl, ft, fv, gap []float64
	for i, e := range res.Epochs {
		pl = append(pl, e.Validation)
		if i < len(epochs) {
			x := epochs[i]
			ft, fv = append(ft, x.FreeEnergyTrain), append(fv, x.FreeEnergyValidation)
			gap = append(gap, x.FreeEnergyValidation-x.FreeEnergyTrain)
		}
	}
	title := fmt.Sprintf("RBM %d-%d", r.Visible, r.Hidden)
	return viz.Stack(
		viz.Curves([]viz.Series{{Name: "validation pseudo-NLL (nats)", Y: pl}}, title+": pseudo-log-likelihood"),
		viz.Curves([]viz.Series{{Name: "training images", Y: ft}, {Name: "validation images", Y: fv}}, title+": mean free energy (nats)"),
		viz.Curves([]viz.Series{{Name: "validation - training", Y: gap}}, title+": free energy gap (nats), the overfitting signal"))
}
