package train

import (
	"fmt"
	"strconv"
	"strings"
)

// MomentumSchedule gives SGD's momentum epoch by epoch
// (Config.MomentumSchedule), as Schedule scales the learning rate: the
// momentum of an epoch is a function of the epoch alone, so a resumed run
// needs no state for it. Restricted Boltzmann machines are trained so
// (Hinton's recipe: 0.5 for the first five epochs, while the weights are
// far from anything, then 0.9).
type MomentumSchedule interface {
	// Momentum returns the momentum of epoch (from 0) of a run of
	// epochs, in [0, 1).
	Momentum(epoch, epochs int) float64
	String() string
}

// MomentumSwitch is momentum Initial for the first Epochs epochs and
// Final after them: MomentumSwitch{0.5, 5, 0.9} is Hinton's.
type MomentumSwitch struct {
	Initial float64
	Epochs  int
	Final   float64
}

// Momentum returns Initial before epoch Epochs, Final from it on.
func (s MomentumSwitch) Momentum(epoch, epochs int) float64 {
	if epoch < s.Epochs {
		return s.Initial
	}
	return s.Final
}

// String returns "INITIAL:EPOCHS:FINAL", as ParseMomentumSchedule reads it.
func (s MomentumSwitch) String() string {
	return fmt.Sprintf("%g:%d:%g", s.Initial, s.Epochs, s.Final)
}

// ParseMomentumSchedule reads "" or "const" (nil: Config.Momentum in every
// epoch) and "INITIAL:EPOCHS:FINAL" (a MomentumSwitch: "0.5:5:0.9" is
// Hinton's), both momenta in [0, 1) and EPOCHS not negative.
func ParseMomentumSchedule(s string) (MomentumSchedule, error) {
	if s == "" || s == "const" {
		return nil, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) == 3 {
		initial, err1 := strconv.ParseFloat(parts[0], 64)
		epochs, err2 := strconv.Atoi(parts[1])
		final, err3 := strconv.ParseFloat(parts[2], 64)
		if err1 == nil && err2 == nil && err3 == nil && epochs >= 0 && unitMomentum(initial) && unitMomentum(final) {
			return MomentumSwitch{Initial: initial, Epochs: epochs, Final: final}, nil
		}
	}
	return nil, fmt.Errorf("unknown momentum schedule %q (valid: const, or INITIAL:EPOCHS:FINAL with momenta in [0, 1), e.g. 0.5:5:0.9)", s)
}

// unitMomentum reports whether mu is a momentum SGD can use.
func unitMomentum(mu float64) bool { return mu >= 0 && mu < 1 }

// checkMomentumSchedule reports a momentum schedule cfg cannot run: one
// beside a constant momentum, one for an optimiser other than SGD, or a
// momentum outside [0, 1) in one of the run's epochs.
func (cfg *Config) checkMomentumSchedule(spec OptimizerSpec) error {
	s := cfg.MomentumSchedule
	switch {
	case s == nil:
		return nil
	case spec.Name != OptimizerSGD:
		return fmt.Errorf("train: the momentum schedule %s is SGD's; %s keeps its own moments", s, spec.Name)
	case cfg.Momentum != 0:
		return fmt.Errorf("train: momentum %v and the momentum schedule %s: the schedule gives every epoch's momentum, set one of them", cfg.Momentum, s)
	}
	for e := range cfg.Epochs {
		if mu := s.Momentum(e, cfg.Epochs); !unitMomentum(mu) {
			return fmt.Errorf("train: the momentum schedule %s gives momentum %v in epoch %d, outside [0, 1)", s, mu, e+1)
		}
	}
	return nil
}

// hasMomentum reports whether SGD of cfg keeps a velocity: with a
// momentum, or a schedule of momenta (which keeps it in every epoch, even
// those of momentum 0, so that a checkpoint's slots do not depend on the
// epoch).
func (cfg *Config) hasMomentum() bool { return cfg.Momentum != 0 || cfg.MomentumSchedule != nil }
