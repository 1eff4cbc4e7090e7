package lhv1serve

import "github.com/lhv1/harness/go/lhv1test"

// RuleFor is the rule of a planned fault (lhv1test.ParsePlan's line, the
// fault store's wording) on the keys matching key ("" for every key): the
// rule's nth counts the operations of the kind's type, as the fault store
// counts them.
func RuleFor(f lhv1test.Fault, key string) Rule {
	r := Rule{Kind: f.Kind.String(), Key: key, Nth: f.Nth, Persistent: f.Persistent}
	switch f.Kind {
	case lhv1test.PutTornPrefix, lhv1test.PutTornOverOld:
		r.Cut, r.Reply = f.Cut, 503
		if f.Ack {
			r.Reply = 200
		}
	case lhv1test.GetBitFlip:
		r.Bit = f.Bit
	case lhv1test.GetStale, lhv1test.ListStale:
		r.Lag = max(f.Lag, 1)
	}
	return r
}
