package lhv1campaign

import (
	"fmt"

	"github.com/lhv1/harness/go/lhv1test"
)

func runRow(rn *runner, d rowDef, o Options, rng *uint64, one func(*lhv1test.Fault, uint64, string) error) error {
	w := rn.w
	if d.kind == lhv1test.None {
		for i := 0; i < o.Mix; i++ {
			seed := splitmix(rng)
			if err := one(nil, seed, fmt.Sprintf("seed 0x%016x", seed)); err != nil {
				return err
			}
		}
		return nil
	}
	op := d.kind.Op()
	n := map[lhv1test.Op]int{lhv1test.OpPut: nPuts(), lhv1test.OpGet: len(names), lhv1test.OpDelete: len(ops) - nPuts(), lhv1test.OpList: 1}[op]
	for nth := 0; nth < n; nth++ {
		f := lhv1test.Fault{Kind: d.kind, Nth: uint64(nth), Ack: d.ack, Persistent: d.persistent}
		switch d.kind {
		case lhv1test.PutTornPrefix, lhv1test.PutTornOverOld:
			body, old := putContext(w, nth)
			over := d.kind == lhv1test.PutTornOverOld
			limit := len(body.body)
			if over && old != nil && len(old.body) > len(body.body) {
				limit++
			}
			var oldC *content
			if over {
				oldC = old
			}
			s := offsetClasses(body, oldC, limit, false, rng, o.Sample)
			s.thin(o.Thin)
			if over && old != nil && len(old.body) > len(body.body) {
				s.add(body.body, place("end"), "whole new body, old tail kept")
			}
			for _, c := range s.v {
				f.Cut, f.At = uint64(c.off), c.at
				if err := one(&f, 0, c.label); err != nil {
					return err
				}
			}
		case lhv1test.GetBitFlip:
			body := finalContent(w, names[nth])
			if body == nil {
				continue
			}
			s := offsetClasses(body, nil, len(body.body), true, rng, o.Sample)
			for i, c := range s.v {
				b := splitmix(rng) % 8 // drawn for every class, as in C
				if o.Thin > 1 && i%o.Thin != 0 {
					continue
				}
				f.Bit, f.At = uint64(c.off)*8+b, c.at
				if c.at.Relative() {
					f.At.Delta = c.at.Delta*8 + int64(b)
				}
				if err := one(&f, 0, c.label); err != nil {
					return err
				}
			}
		case lhv1test.GetStale, lhv1test.ListStale:
			ages := len(ops)
			if d.kind == lhv1test.GetStale {
				ages = mutationsOf(names[nth])
			}
			for lag := 1; lag <= ages; lag++ {
				f.Lag = uint64(lag)
				if err := one(&f, 0, fmt.Sprintf("%s #%d lag=%d", op, nth, lag)); err != nil {
					return err
				}
			}
		default:
			if err := one(&f, 0, fmt.Sprintf("%s #%d", op, nth)); err != nil {
				return err
			}
		}
	}
	return nil
}

func nPuts() int {
	n := 0
	for _, o := range ops {
		if o.content >= 0 {
			n++
		}
	}
	return n
}

func mutationsOf(name string) int {
	n := 0
	for _, o := range ops {
		if o.index == name {
			n++
		}
	}
	return n
}

// putContext: the content of the nth Put and what its key held before.
func putContext(w *workload, nth int) (body, old *content) {
	k := 0
	for i, o := range ops {
		if o.content < 0 {
			continue
		}
		if k == nth {
			for j := i - 1; j >= 0; j-- {
				if ops[j].index == o.index {
					if ops[j].content >= 0 {
						old = w.contents[ops[j].content]
					}
					break
				}
			}
			return w.contents[o.content], old
		}
		k++
	}
	return nil, nil
}

func finalContent(w *workload, name string) *content {
	var c *content
	for _, o := range ops {
		if o.index == name {
			c = nil
			if o.content >= 0 {
				c = w.contents[o.content]
			}
		}
	}
	return c
}

// offsetClass is a cut or flip position: its byte in the workload's
// object (the C campaign's offset, for dedup, thinning and a backend
// that takes numbers) and the same position as a place (what the plan
// says, resolved by the fault store in whatever the persistor wrote).
type offsetClass struct {
	off   int
	at    lhv1test.Offset
	label string
}

type offsetSet struct {
	v     []offsetClass
	limit int
}

// add files the position `at` names in obj.
func (s *offsetSet) add(obj []byte, at lhv1test.Offset, label string) {
	off, err := at.Byte(obj)
	if err != nil {
		return
	}
	if off < 0 || off >= s.limit {
		return
	}
	for _, c := range s.v {
		if c.off == off {
			return
		}
	}
	s.v = append(s.v, offsetClass{off, at, label})
}

func place(text string) lhv1test.Offset {
	o, err := lhv1test.ParseOffset(text)
	if err != nil {
		panic("lhv1campaign: " + err.Error())
	}
	return o
}

// structural adds the structural positions of c: header bytes, the
// envelope's end, the graph header, every layer boundary and node start
// (and, for bit flips, every vector), the last bytes. Old ones ("old "
// labels) are places in the object a torn-over-old write lands over.
func structural(s *offsetSet, c *content, old bool, vectors bool) {
	tag, pre := "", ""
	if old {
		tag, pre = "old ", "old."
	}
	for i := 0; i <= 8; i++ {
		if i < 8 {
			s.add(c.body, place(fmt.Sprint(i)), fmt.Sprintf("%sheader+%d", tag, i))
		} else {
			s.add(c.body, place(pre+"envelope"), fmt.Sprintf("%sheader+%d", tag, i))
		}
	}
	for d := -2; d <= 2; d++ {
		s.add(c.body, place(fmt.Sprintf("%sgraph%+d", pre, d)), fmt.Sprintf("%senvelope-end%+d", tag, d))
	}
	graphAt, _ := place("graph").Byte(c.body)
	firstLayer, err := place("layer0").Byte(c.body)
	if err != nil {
		firstLayer, _ = place("end").Byte(c.body)
	}
	for i := 0; graphAt+i < firstLayer; i++ {
		s.add(c.body, place(fmt.Sprintf("%sgraph+%d", pre, i)), fmt.Sprintf("%sgraph-header+%d", tag, i))
	}
	for l := 0; ; l++ {
		layer := fmt.Sprintf("layer%d", l)
		if _, err := place(layer).Byte(c.body); err != nil {
			break
		}
		for d := -1; d <= 1; d++ {
			s.add(c.body, place(fmt.Sprintf("%s%s%+d", pre, layer, d)), fmt.Sprintf("%slayer%d%+d", tag, l, d))
		}
		for i := 0; ; i++ {
			node := fmt.Sprintf("%s.node%d", layer, i)
			if _, err := place(node).Byte(c.body); err != nil {
				break
			}
			s.add(c.body, place(pre+node), fmt.Sprintf("%snode L%d#%d", tag, l, i))
			if vectors {
				s.add(c.body, place(pre+node+".vector"), fmt.Sprintf("%svector L%d#%d", tag, l, i))
			}
		}
	}
	s.add(c.body, place(pre+"end-1"), tag+"end-1")
	s.add(c.body, place(pre+"end-2"), tag+"end-2")
}

// offsetClasses: the structural positions of body (and of old, for a
// torn-over-old write), then `sample` seeded ones, each as the place that
// holds it.
func offsetClasses(body, old *content, limit int, vectors bool, rng *uint64, sample int) *offsetSet {
	s := &offsetSet{limit: limit}
	structural(s, body, false, vectors)
	if old != nil {
		structural(s, old, true, false)
	}
	for i := 0; i < sample && len(body.body) > 0; i++ {
		off := int(splitmix(rng) % uint64(len(body.body)))
		s.add(body.body, lhv1test.PlaceOf(body.body, off), "sample")
	}
	return s
}

func (s *offsetSet) thin(k int) {
	if k <= 1 {
		return
	}
	var kept []offsetClass
	for i, c := range s.v {
		if i%k == 0 {
			kept = append(kept, c)
		}
	}
	s.v = kept
}

// checkRows is check_rows: what proves each fault did something; and
// every Save kept its contract.
func checkRows(res *Result) []string {
	var fails []string
	for _, r := range res.Rows {
		c := r.counts
		if r.Cases == 0 {
			fails = append(fails, r.Fault+": no cases")
			continue
		}
		if r.kind == lhv1test.None {
			if r.Fired == 0 || c[Latest] == r.Cases {
				fails = append(fails, r.Fault+": expected faults that fire and have effects")
			}
			continue
		}
		if r.Fired != r.Cases {
			fails = append(fails, fmt.Sprintf("%s: fired in %d of %d cases", r.Fault, r.Fired, r.Cases))
		}
		// The row's self-check: the kind's any / each / only columns.
		f := facts[r.kind]
		inAny, inOnly, each := 0, 0, true
		for oc := Outcome(0); oc < outcomeCount; oc++ {
			if f.any&(1<<oc) != 0 {
				inAny += c[oc]
			}
			if f.only&(1<<oc) != 0 {
				inOnly += c[oc]
			}
			if f.each&(1<<oc) != 0 && c[oc] == 0 {
				each = false
			}
		}
		need := ""
		if (f.any != 0 && inAny == 0) || !each || (f.only != 0 && inOnly != r.Cases) {
			need = f.check
		}
		if need != "" {
			fails = append(fails, fmt.Sprintf("%s: expected %s", r.Fault, need))
		}
	}
	n, bad := 0, 0
	for _, r := range res.Rows {
		n += r.Unexpected
		bad += r.BadSaves
	}
	if n > 0 {
		fails = append(fails, fmt.Sprintf("%d cases with an unexpected outcome (listed)", n))
	}
	if bad > 0 {
		fails = append(fails, fmt.Sprintf("%d cases with a Save that broke its contract: returned nil while its Put failed, or wrote more than once (listed)", bad))
	}
	return fails
}
