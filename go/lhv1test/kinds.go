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

// Kind is a fault kind of the FaultStore. The kinds, the fields each takes
// and the words of every refusal are generated from the one data file
// src/testing/fault_kinds.json (kinds_table.go), as are the C tables.
type Kind int

//go:generate python3 ../../src/testing/fault_kinds_gen.py go-lhv1test kinds_table.go

// kindRow is a kind of the table: store kinds, then lhv1 serve's HTTP kinds.
type kindRow struct {
	name    string
	http    bool
	op      Op
	takes   []string
	meaning string
}

// fieldRow is a field of plan lines and lhv1 serve rules.
type fieldRow struct {
	name    string
	inPlan  bool
	common  bool
	typ     string
	max     uint64
	refusal string
}

func (k Kind) String() string {
	if k >= 0 && k < kindCount {
		return allKinds[k].name
	}
	return "unknown"
}

// Op is the operation type the kind applies to.
func (k Kind) Op() Op {
	if k >= 0 && k < kindCount {
		return allKinds[k].op
	}
	return opCount
}

// Meaning is what the kind does, in one line.
func (k Kind) Meaning() string {
	if k >= 0 && k < kindCount {
		return allKinds[k].meaning
	}
	return ""
}

// Takes reports whether the kind takes the plan-line field of its own
// (cut, reply, bit, lag; nth and persistent every kind takes).
func (k Kind) Takes(field string) bool {
	if k < 0 || k >= kindCount {
		return false
	}
	for _, f := range allKinds[k].takes {
		if f == field {
			return true
		}
	}
	return false
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
		if allKinds[k].name == name {
			return k, true
		}
	}
	return kindCount, false
}

// A torn write is a Put kind that takes cut.
func (k Kind) torn() bool { return k.Takes("cut") }
