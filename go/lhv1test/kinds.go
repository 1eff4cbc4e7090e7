package lhv1test

// Op is an operation type of the Store; faults are counted per type.
type Op int

const (
	OpPut Op = iota
	OpGet
	OpList
	OpDelete
	opCount
)

// Same names as lhv1_store_op_name.
var opNames = [opCount]string{"put", "get", "list", "delete"}

func (o Op) String() string {
	if o >= 0 && o < opCount {
		return opNames[o]
	}
	return "none"
}

// Kind is a fault kind. The table mirrors LHV1_FAULT_KINDS in
// src/testing/include/lhv1testing/fault_kinds.h in the same order; kinds_test.go compares
// the two so they cannot drift.
type Kind int

const (
	None Kind = iota
	PutFailBefore
	PutFailAfter
	PutTornPrefix
	PutTornOverOld
	PutLost
	GetFail
	GetFailNotFoundBody
	GetNotFound
	GetBitFlip
	GetStale
	ListFail
	ListStale
	DelFailBefore
	DelFailAfter
	DelLost
	kindCount
)

var kinds = [kindCount]struct {
	name string
	op   Op
}{
	None:                {"none", opCount},
	PutFailBefore:       {"put-fail-before", OpPut},
	PutFailAfter:        {"put-fail-after", OpPut},
	PutTornPrefix:       {"put-torn-prefix", OpPut},
	PutTornOverOld:      {"put-torn-over-old", OpPut},
	PutLost:             {"put-lost", OpPut},
	GetFail:             {"get-fail", OpGet},
	GetFailNotFoundBody: {"get-fail-key-not-found-body", OpGet},
	GetNotFound:         {"get-not-found", OpGet},
	GetBitFlip:          {"get-bit-flip", OpGet},
	GetStale:            {"get-stale", OpGet},
	ListFail:            {"list-fail", OpList},
	ListStale:           {"list-stale", OpList},
	DelFailBefore:       {"del-fail-before", OpDelete},
	DelFailAfter:        {"del-fail-after", OpDelete},
	DelLost:             {"del-lost", OpDelete},
}

func (k Kind) String() string {
	if k >= 0 && k < kindCount {
		return kinds[k].name
	}
	return "unknown"
}

// Op is the operation type the kind applies to.
func (k Kind) Op() Op {
	if k >= 0 && k < kindCount {
		return kinds[k].op
	}
	return opCount
}

// Kinds lists every fault kind (without None), in table order.
func Kinds() []Kind {
	out := make([]Kind, 0, kindCount-1)
	for k := None + 1; k < kindCount; k++ {
		out = append(out, k)
	}
	return out
}

// KindByName is the kind of a stable name; ok is false when unknown.
func KindByName(name string) (Kind, bool) {
	for k := None; k < kindCount; k++ {
		if kinds[k].name == name {
			return k, true
		}
	}
	return kindCount, false
}

func (k Kind) torn() bool { return k == PutTornPrefix || k == PutTornOverOld }
