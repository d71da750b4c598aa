package rbm

import (
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// Sampler draws the random numbers of sampling, reproducibly: the c-th
// draw after At(a, b) gives row r (or example r, when rows are examples of
// a data set) a generator of its own, seeded from (seed, a, b, c, r). What
// is drawn depends on nothing else: not on the number of workers that
// share the rows, nor on the draws before At. Training positions it at
// (epoch, step), so that a resumed run draws what an uninterrupted one
// does without a generator's state in its checkpoint. A Sampler is not
// safe for concurrent use; drawing does not allocate.
type Sampler struct {
	seed, a, b, calls uint64
	task              drawTask
}

// NewSampler returns a Sampler at At(0, 0).
func NewSampler(seed uint64) *Sampler { return &Sampler{seed: seed} }

// At positions s at (a, b), its count of draws at zero.
func (s *Sampler) At(a, b uint64) { s.a, s.b, s.calls = a, b, 0 }

// mix is SplitMix64's finaliser: a bijection whose output bits each
// depend on every input bit.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// drawTask draws rows [lo, hi) of one draw: out[r] from the means p[r]
// of width values, the first binary of them Bernoulli (or Gaussian about
// them when gauss), the rest one categorical unit (a softmax group).
type drawTask struct {
	p, out        []float32
	width, binary int
	gauss         bool
	key           uint64
	ids           []int // the example of each row (nil: the row itself)
}

// draw is one draw of n rows (see drawTask).
func (s *Sampler) draw(p, out []float32, n, width, binary int, gauss bool, ids []int) {
	_, _ = p[n*width-1], out[n*width-1]
	s.calls++
	s.task = drawTask{p: p, out: out, width: width, binary: binary, gauss: gauss, ids: ids,
		key: mix(s.seed ^ mix(s.a^mix(s.b^mix(s.calls))))}
	f32.ParallelForGrain(n, max(1, 2048/width), &s.task)
	s.task = drawTask{}
}

// stream is a row's generator: SplitMix64 (Steele, Lea and Flood 2014)
// from a seed of its own. Its state is a counter, so successive numbers do
// not wait on each other's multiplications, and drawing a binary state
// costs about a nanosecond.
type stream struct{ state uint64 }

// Uint64 returns the next 64 random bits.
func (g *stream) Uint64() uint64 {
	g.state += 0x9e3779b97f4a7c15
	x := g.state
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Run draws rows [lo, hi).
func (t *drawTask) Run(lo, hi int) {
	for r := lo; r < hi; r++ {
		id := uint64(r)
		if t.ids != nil {
			id = uint64(t.ids[r])
		}
		g := stream{mix(t.key ^ mix(id))}
		p, out := t.p[r*t.width:(r+1)*t.width], t.out[r*t.width:(r+1)*t.width]
		if t.gauss {
			gaussian(&g, p[:t.binary], out[:t.binary])
		} else {
			bernoulli(&g, p[:t.binary], out[:t.binary])
		}
		if t.binary < t.width {
			categorical(&g, p[t.binary:], out[t.binary:])
		}
	}
}

// bernoulli sets out[i] to 1 with probability p[i], else 0: 1 when a
// uniform u in [0, 1) of 24 bits is below p[i]. Two numbers come from
// each 64 random bits.
func bernoulli(g *stream, p, out []float32) {
	const scale = 1.0 / (1 << 24)
	i := 0
	for ; i+1 < len(p); i += 2 {
		x := g.Uint64()
		out[i] = below(float32(x>>40)*scale, p[i])
		out[i+1] = below(float32(x>>16&(1<<24-1))*scale, p[i+1])
	}
	if i < len(p) {
		out[i] = below(float32(g.Uint64()>>40)*scale, p[i])
	}
}

// below returns 1 when u < p, else 0, without a branch (a branch on a
// coin flip is mispredicted half the time): the sign of u − p, which
// rounding keeps, and which is +0 when they are equal.
func below(u, p float32) float32 {
	return float32(math.Float32bits(u-p) >> 31)
}

// gaussian sets out[i] = p[i] + z with z drawn from N(0, 1), two at a time
// by the Box–Muller transform.
func gaussian(g *stream, p, out []float32) {
	for i := 0; i < len(p); i += 2 {
		u1 := (float64(g.Uint64()>>11) + 1) / (1 << 53) // (0, 1]
		u2 := float64(g.Uint64()>>11) / (1 << 53)
		rad := math.Sqrt(-2 * math.Log(u1))
		sin, cos := math.Sincos(2 * math.Pi * u2)
		out[i] = p[i] + float32(rad*cos)
		if i+1 < len(p) {
			out[i+1] = p[i+1] + float32(rad*sin)
		}
	}
}

// categorical sets out to the one-hot vector of a unit drawn with the
// probabilities p (which sum to 1).
func categorical(g *stream, p, out []float32) {
	u := float64(g.Uint64()>>11) / (1 << 53)
	pick := len(p) - 1
	var cum float64
	for i, v := range p {
		cum += float64(v)
		if u < cum {
			pick = i
			break
		}
	}
	for i := range out {
		out[i] = 0
	}
	out[pick] = 1
}
