package f32

import "fmt"

// SGD update kernels: the optimiser's step over one parameter tensor,
// bit-identical to their Ref twins (every product and sum rounded as Go
// rounds it, no FMA), split among the workers above elemGrain floats.

// sgdTask is one SGDUpdate or MomentumUpdate job.
type sgdTask struct {
	w, g, v       []float32 // v nil: plain SGD
	lr, decay, mu float32
	nesterov      bool
}

// Run updates elements [lo, hi).
func (t *sgdTask) Run(lo, hi int) {
	if t.v == nil {
		sgdUpdate(t.w[lo:hi], t.g[lo:hi], t.lr, t.decay)
		return
	}
	momentumUpdate(t.w[lo:hi], t.g[lo:hi], t.v[lo:hi], t.lr, t.decay, t.mu, t.nesterov)
}

func runSGD(t sgdTask) {
	if p, chunks := tryPool(len(t.w), elemGrain); p != nil {
		p.jobs.sgd = t
		p.runFor(&p.jobs.sgd, len(t.w), chunks)
		p.jobs.sgd = sgdTask{}
		return
	}
	t.Run(0, len(t.w))
}

// SGDUpdate sets w[i] -= lr·(g[i] + decay·w[i]) for every i: a step of
// stochastic gradient descent with L2 weight decay.
func SGDUpdate(w, g []float32, lr, decay float32) {
	if len(g) != len(w) {
		panic(fmt.Sprintf("f32.SGDUpdate: %d weights, %d gradients", len(w), len(g)))
	}
	runSGD(sgdTask{w: w, g: g, lr: lr, decay: decay})
}

// MomentumUpdate is a step of SGD with momentum mu and velocity v: with
// d = g[i] + decay·w[i], v[i] = mu·v[i] - lr·d, then w[i] += v[i], or
// with Nesterov's momentum w[i] += mu·v[i] - lr·d.
func MomentumUpdate(w, g, v []float32, lr, decay, mu float32, nesterov bool) {
	if len(g) != len(w) || len(v) != len(w) {
		panic(fmt.Sprintf("f32.MomentumUpdate: %d weights, %d gradients, %d velocities", len(w), len(g), len(v)))
	}
	runSGD(sgdTask{w: w, g: g, v: v, lr: lr, decay: decay, mu: mu, nesterov: nesterov})
}

// SGDUpdateRef is the reference SGDUpdate.
func SGDUpdateRef(w, g []float32, lr, decay float32) {
	for i := range w {
		w[i] -= lr * (g[i] + decay*w[i])
	}
}

// MomentumUpdateRef is the reference MomentumUpdate.
func MomentumUpdateRef(w, g, v []float32, lr, decay, mu float32, nesterov bool) {
	for i := range w {
		d := g[i] + decay*w[i]
		v[i] = mu*v[i] - lr*d
		if nesterov {
			w[i] += mu*v[i] - lr*d
		} else {
			w[i] += v[i]
		}
	}
}
