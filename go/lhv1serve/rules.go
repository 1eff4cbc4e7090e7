package lhv1serve

import "github.com/lhv1/harness/go/lhv1test"

// RuleFor is the rule of a planned fault (lhv1test.ParsePlan's line, the
// fault store's wording) on the keys matching key ("" for every key): the
// rule's nth counts the operations of the kind's type, as the fault store
// counts them.
func RuleFor(f lhv1test.Fault, key string) Rule {
	r := Rule{Kind: f.Kind.String(), Key: key, Nth: f.Nth, Persistent: f.Persistent}
	if f.Kind.Takes("cut") {
		r.Cut = f.Cut
	}
	if f.Kind.Takes("reply") {
		r.Reply = 503
		if f.Ack {
			r.Reply = 200
		}
	}
	if f.Kind.Takes("bit") {
		r.Bit = f.Bit
	}
	if f.Kind.Takes("lag") {
		r.Lag = max(f.Lag, 1)
	}
	return r
}
