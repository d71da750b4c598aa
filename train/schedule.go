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

// CosineSchedule anneals the rate from 1 to 0 along half a cosine over the
// run (evaluated at the middle of each epoch, so the last epoch still learns).
type CosineSchedule struct{}

// Factor returns (1 + cos(π·(epoch+0.5)/epochs))/2.
func (CosineSchedule) Factor(epoch, epochs int) float64 {
	return (1 + math.Cos(math.Pi*(float64(epoch)+0.5)/float64(epochs))) / 2
}

func (CosineSchedule) String() string { return "cosine" }

// ParseSchedule reads "const" (nil), "step:EVERY:GAMMA" or "cosine".
func ParseSchedule(s string) (Schedule, error) {
	switch {
	case s == "" || s == "const":
		return nil, nil
	case s == "cosine":
		return CosineSchedule{}, nil
	case strings.HasPrefix(s, "step:"):
		parts := strings.Split(s, ":")
		if len(parts) == 3 {
			every, err1 := strconv.Atoi(parts[1])
			gamma, err2 := strconv.ParseFloat(parts[2], 64)
			if err1 == nil && err2 == nil && every > 0 && gamma > 0 {
				return StepSchedule{Every: every, Gamma: gamma}, nil
			}
		}
	}
	return nil, fmt.Errorf("unknown learning-rate schedule %q (valid: const, step:EVERY:GAMMA, cosine)", s)
}
