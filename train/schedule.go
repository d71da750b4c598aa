package train

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Schedule scales the learning rate per epoch.
type Schedule interface {
	// Factor returns the multiplier of the base rate for epoch (0-based)
	// of a run of epochs.
	Factor(epoch, epochs int) float64
	String() string
}

// StepSchedule multiplies the rate by Gamma every Every epochs.
type StepSchedule struct {
	Every int
	Gamma float64
}

// Factor returns Gamma^(epoch/Every).
func (s StepSchedule) Factor(epoch, epochs int) float64 {
	return math.Pow(s.Gamma, float64(epoch/s.Every))
}

func (s StepSchedule) String() string { return fmt.Sprintf("step:%d:%g", s.Every, s.Gamma) }

// CosineSchedule anneals the rate from 1 to Floor along half a cosine over
// all epochs but the last Hold, then holds it at Floor (evaluated at the
// middle of each epoch, so the last annealed epoch still learns). The zero
// value anneals to 0 over the whole run. A floor held over the epochs that
// Config.Average averages is the schedule of stochastic weight averaging
// as Izmailov et al. run it: at a rate that still moves, the averaged
// weights are far enough apart for their mean to gain over any one.
type CosineSchedule struct {
	Floor float64 // the factor at the end of the annealing, in [0, 1)
	Hold  int     // epochs at Floor after the annealing
}

// Factor returns Floor + (1-Floor)·(1 + cos(π·(epoch+0.5)/n))/2 for the
// first n = epochs-Hold epochs, Floor after them.
func (c CosineSchedule) Factor(epoch, epochs int) float64 {
	n := epochs - c.Hold
	if epoch >= n {
		return c.Floor
	}
	return c.Floor + (1-c.Floor)*(1+math.Cos(math.Pi*(float64(epoch)+0.5)/float64(n)))/2
}

func (c CosineSchedule) String() string {
	if c == (CosineSchedule{}) {
		return "cosine"
	}
	return fmt.Sprintf("cosine:%g:%d", c.Floor, c.Hold)
}

// ParseSchedule reads "const" (nil), "step:EVERY:GAMMA", "cosine" or
// "cosine:FLOOR:HOLD".
func ParseSchedule(s string) (Schedule, error) {
	parts := strings.Split(s, ":")
	switch {
	case s == "" || s == "const":
		return nil, nil
	case s == "cosine":
		return CosineSchedule{}, nil
	case parts[0] == "cosine" && len(parts) == 3:
		floor, err1 := strconv.ParseFloat(parts[1], 64)
		hold, err2 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil && floor >= 0 && floor < 1 && hold >= 0 {
			return CosineSchedule{Floor: floor, Hold: hold}, nil
		}
	case parts[0] == "step" && len(parts) == 3:
		every, err1 := strconv.Atoi(parts[1])
		gamma, err2 := strconv.ParseFloat(parts[2], 64)
		if err1 == nil && err2 == nil && every > 0 && gamma > 0 {
			return StepSchedule{Every: every, Gamma: gamma}, nil
		}
	}
	return nil, fmt.Errorf("unknown learning-rate schedule %q (valid: const, step:EVERY:GAMMA, cosine, cosine:FLOOR:HOLD with FLOOR in [0, 1))", s)
}
