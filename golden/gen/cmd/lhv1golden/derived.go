package main

// Goldens derived from the Go-written positives: each edits the bytes Go
// wrote (through the wire package) to make exactly one thing wrong, so the
// expected reason is unambiguous, or to spell a valid object differently.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/lhv1/harness/go/hnswdump/wire"
	"github.com/lhv1/harness/golden/gen/model"
)

func derived(bases map[string]*base) []golden {
	var out []golden
	out = append(out, framing(bases["few_nodes"])...)
	out = append(out, spellings(bases["few_nodes"], bases["multi_layer"])...)
	out = append(out, envelopes(bases["few_nodes"], bases["no_metadata"])...)
	out = append(out, folds(bases["few_nodes"], bases["empty"])...)
	out = append(out, graphDecoding(bases["few_nodes"])...)
	out = append(out, invariants(bases["multi_layer"])...)
	out = append(out, crossChecks(bases["few_nodes"])...)
	return out
}

func framing(b *base) []golden {
	env := envFor(b, "x")
	graph := graphOf(b.Graph)
	good := func(name string) []byte { return obj(envFor(b, name), graph) }
	overrun := good("frame_envelope_overrun")
	binary.BigEndian.PutUint32(overrun[4:8], uint32(len(overrun)-8+1))
	maxLen := good("frame_envelope_len_max")
	binary.BigEndian.PutUint32(maxLen[4:8], math.MaxUint32)
	magic := good("frame_bad_magic")
	copy(magic, "LHV2")
	lower := good("frame_magic_lowercase")
	copy(lower, "lhv1")
	_ = env
	return []golden{
		no("frame_empty", "frame-too-short", "zero bytes", nil),
		no("frame_too_short", "frame-too-short", "7 bytes: magic and 3 length bytes", []byte("LHV1\x00\x00\x00")),
		no("frame_bad_magic", "frame-newer-format", "magic LHV2 (the successor format) on the LHV1-only path", magic),
		no("frame_magic_lowercase", "frame-bad-magic", "magic lhv1", lower),
		no("frame_envelope_overrun", "frame-envelope-overrun", "envelope_len one past the object", overrun),
		no("frame_envelope_len_max", "frame-envelope-overrun", "envelope_len 2^32-1", maxLen),
	}
}

// spellings: valid objects written differently from Go's encoder.
func spellings(few, ml *base) []golden {
	graph := graphOf(few.Graph)
	pretty := func(name string) []byte {
		var buf bytes.Buffer
		if err := jsonIndent(&buf, envFor(few, name)); err != nil {
			panic(err)
		}
		return obj(buf.String(), graph)
	}
	reorder := func(name string) string {
		p := few.Params
		p.Name = name
		return fmt.Sprintf(`{"count":%d,"metadata":%s,"params":{"ef_search":%d,"m":%d,"distance":%q,"dimension":%d,"name":%q},"version":1}`,
			few.Count, mustJSON(few.Meta), p.EfSearch, p.M, p.Distance, p.Dimension, p.Name)
	}
	overlong := ml.Graph.Clone()
	w := &wire.Writer{}
	w.Varint(overlong.Version)
	w.Raw([]byte{byte(zigzag(overlong.M)) | 0x80, 0x80, 0x00}) // M in three bytes
	w.Raw(overlong.MlRaw[:])
	w.Varint(overlong.EfSearch)
	w.Str(overlong.Distance)
	rest := graphOf(overlong)
	hdr := &wire.Writer{}
	hdr.Header(overlong)
	w.Raw(rest[len(hdr.B):])
	return []golden{
		yes("envelope_pretty", "envelope indented with spaces and newlines", pretty("envelope_pretty")),
		yes("envelope_field_order", "envelope members in reverse order", obj(reorder("envelope_field_order"), graph)),
		yes("envelope_unknown_fields", "unknown members at both levels (ignored)",
			obj(addField(swap(envFor(few, "envelope_unknown_fields"), `"ef_search":20`, `"ef_search":20,"comment":"x"`),
				`"extra":{"x":[1,2.5,{"y":null}],"z":"\u00e9"}`), graph)),
		yes("envelope_metadata_null", "metadata: null",
			obj(addField(envFor(noMeta(few), "envelope_metadata_null"), `"metadata":null`), graph)),
		yes("envelope_metadata_empty", "metadata: {}", obj(addField(envFor(noMeta(few), "envelope_metadata_empty"), `"metadata":{}`), graph)),
		yes("envelope_escaped_strings", "name and key spelled with \\u escapes",
			obj(swap(swap(envFor(few, "envelope_escaped_strings"), `"name":"envelope_escaped_strings"`, `"name":"\u0065nvelope_escaped_strings"`),
				`"version":1`, `"\u0076ersion":1`), graph)),
		yes("envelope_trailing_whitespace", "whitespace after the object", obj(envFor(few, "envelope_trailing_whitespace")+" \n\t\r", graph)),
		yes("graph_overlong_varint", "M written as a three-byte varint (Go accepts it)", obj(envFor(ml, "graph_overlong_varint"), w.B)),
	}
}

func noMeta(b *base) *base {
	c := *b
	c.Meta = nil
	return &c
}

func envelopes(few, plain *base) []golden {
	graph := graphOf(few.Graph)
	e := func(name string) string { return envFor(few, name) }
	o := func(env string) []byte { return obj(env, graph) }
	pgraph := graphOf(plain.Graph)
	p := func(name string) string { return envFor(plain, name) }
	po := func(env string) []byte { return obj(env, pgraph) }
	count := fmt.Sprintf(`"count":%d`, few.Count)
	deep := func(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }
	return []golden{
		no("envelope_empty", "envelope-syntax", "envelope_len 0", o("")),
		no("envelope_bom", "envelope-syntax", "a UTF-8 byte order mark before the object", o("\xef\xbb\xbf"+e("envelope_bom"))),
		no("envelope_unclosed", "envelope-syntax", "the final brace is missing", o(strings.TrimSuffix(e("envelope_unclosed"), "}"))),
		no("envelope_leading_zero", "envelope-syntax", "m written 016", o(swap(e("envelope_leading_zero"), `"m":16`, `"m":016`))),
		no("envelope_trailing_dot", "envelope-syntax", "count written with a trailing dot", o(swap(e("envelope_trailing_dot"), count, count+"."))),
		no("envelope_raw_control_in_string", "envelope-syntax", "raw byte 0x01 inside a string", o(addField(e("envelope_raw_control_in_string"), "\"note\":\"a\x01b\""))),
		no("envelope_raw_tab_in_string", "envelope-syntax", "raw tab inside a string", o(addField(e("envelope_raw_tab_in_string"), "\"note\":\"a\tb\""))),
		no("envelope_control_as_whitespace", "envelope-syntax", "vertical tab between members (cJSON skips it)", o(swap(e("envelope_control_as_whitespace"), `"version":1,`, "\"version\":1,\x0b"))),
		impl("envelope_deep_nesting", "envelope-syntax", "an unknown member nested 1,001 deep: beyond cJSON's limit, within Go's 10,000", o(addField(e("envelope_deep_nesting"), `"note":`+deep(1001)))),
		no("envelope_too_deep_for_go", "envelope-syntax", "an unknown member nested 10,001 deep: beyond both parsers", o(addField(e("envelope_too_deep_for_go"), `"note":`+deep(10001)))),
		impl("envelope_invalid_utf8_in_string", "envelope-invalid-utf8", "byte 0xff inside a string (Go reads it as U+FFFD)", o(addField(e("envelope_invalid_utf8_in_string"), "\"note\":\"\xff\""))),
		no("envelope_invalid_utf8_outside_string", "envelope-invalid-utf8", "byte 0xff between members", o(swap(e("envelope_invalid_utf8_outside_string"), `"version":1,`, "\"version\":1,\xff"))),
		impl("envelope_nul_escape", "envelope-nul-escape", "a string holding \\u0000 (cJSON would cut it)", o(addField(e("envelope_nul_escape"), `"note":"a\u0000b"`))),
		no("envelope_bad_unicode_escape", "envelope-syntax", "\\u00zz in a string (cJSON reads it as U+0000)", o(addField(e("envelope_bad_unicode_escape"), `"note":"\u00zz"`))),
		no("envelope_bad_escape", "envelope-syntax", "\\x in a string", o(addField(e("envelope_bad_escape"), `"note":"\x"`))),
		impl("envelope_lone_surrogate", "envelope-syntax", "\\ud800 alone in a string: cJSON fails, Go reads U+FFFD", o(addField(e("envelope_lone_surrogate"), `"note":"\ud800"`))),
		no("envelope_trailing_garbage", "envelope-trailing-bytes", "a byte after the object (json.Decoder would stop before it)", o(e("envelope_trailing_garbage")+"x")),
		no("envelope_trailing_object", "envelope-trailing-bytes", "a second object after the first", o(e("envelope_trailing_object")+"{}")),
		no("envelope_array", "envelope-not-object", "a JSON array", o(`[1]`)),
		no("envelope_null", "envelope-not-object", "JSON null (Go: version stays 0)", o(`null`)),
		no("envelope_string", "envelope-not-object", "a JSON string", o(`"LHV1"`)),
		impl("envelope_duplicate_key_same", "envelope-duplicate-key", "count twice with one value", o(addField(e("envelope_duplicate_key_same"), count))),
		impl("envelope_duplicate_key_last_wins", "envelope-duplicate-key", "version 2 then version 1: Go keeps the last", o(swap(e("envelope_duplicate_key_last_wins"), `{"version":1`, `{"version":2,"version":1`))),
		impl("envelope_duplicate_key_first_wins", "envelope-duplicate-key", "version 1 then version 2: Go keeps the last", o(addField(e("envelope_duplicate_key_first_wins"), `"version":2`))),
		impl("envelope_duplicate_metadata_member", "envelope-duplicate-key", "a key twice inside a metadata object", o(swap(e("envelope_duplicate_metadata_member"), `"label":"item v0001"`, `"label":"item v0001","label":"again"`))),
		impl("envelope_case_insensitive_field", "envelope-folded-key", "\"Version\": Go matches fields case-insensitively", o(swap(e("envelope_case_insensitive_field"), `"version":1`, `"Version":1`))),
		impl("envelope_unicode_fold_field", "envelope-folded-key", "\"paramſ\" (U+017F folds to s in Go)", o(swap(e("envelope_unicode_fold_field"), `"params":`, `"paramſ":`))),
		no("envelope_missing_version", "envelope-missing-field", "no version (Go: 0, rejected)", o(swap(e("envelope_missing_version"), `"version":1,`, ``))),
		no("envelope_missing_params", "envelope-missing-field", "no params (Go: zero values, loads)", po(`{"version":1,"count":`+fmt.Sprint(plain.Count)+`}`)),
		no("envelope_missing_name", "envelope-missing-field", "params without name", po(swap(p("envelope_missing_name"), `"name":"envelope_missing_name",`, ``))),
		no("envelope_missing_count", "envelope-missing-field", "no count", po(swap(p("envelope_missing_count"), fmt.Sprintf(`,"count":%d`, plain.Count), ``))),
		no("envelope_wrong_type_version", "envelope-wrong-type", "version \"1\"", o(swap(e("envelope_wrong_type_version"), `"version":1`, `"version":"1"`))),
		no("envelope_wrong_type_params", "envelope-wrong-type", "params is an array", po(`{"version":1,"params":[],"count":`+fmt.Sprint(plain.Count)+`}`)),
		no("envelope_wrong_type_name", "envelope-wrong-type", "name is a number", o(swap(e("envelope_wrong_type_name"), `"name":"envelope_wrong_type_name"`, `"name":5`))),
		no("envelope_wrong_type_m", "envelope-wrong-type", "m is true", o(swap(e("envelope_wrong_type_m"), `"m":16`, `"m":true`))),
		no("envelope_wrong_type_count_null", "envelope-wrong-type", "count null (Go leaves it 0)", o(swap(e("envelope_wrong_type_count_null"), count, `"count":null`))),
		no("envelope_wrong_type_metadata", "envelope-wrong-type", "metadata is an array", po(addField(p("envelope_wrong_type_metadata"), `"metadata":[]`))),
		no("envelope_wrong_type_metadata_value", "envelope-wrong-type", "a metadata value that is a number", po(addField(p("envelope_wrong_type_metadata_value"), `"metadata":{"v0000":1}`))),
		no("envelope_metadata_value_null", "envelope-wrong-type", "a metadata value that is null (Go: nil map)", po(addField(p("envelope_metadata_value_null"), `"metadata":{"v0000":null}`))),
		no("envelope_not_integer", "envelope-not-integer", "m 16.5", o(swap(e("envelope_not_integer"), `"m":16`, `"m":16.5`))),
		impl("envelope_integer_fraction_zero", "envelope-integer-spelling", "m 16.0: an integer to the spec, not to Go's int", o(swap(e("envelope_integer_fraction_zero"), `"m":16`, `"m":16.0`))),
		impl("envelope_integer_exponent", "envelope-integer-spelling", "ef_search 2e1: an integer to the spec, not to Go's int", o(swap(e("envelope_integer_exponent"), `"ef_search":20`, `"ef_search":2e1`))),
		impl("envelope_integer_past_2_53", "envelope-out-of-range", "count 2^53+2 (Go's int holds it)", o(swap(e("envelope_integer_past_2_53"), count, `"count":9007199254740994`))),
		impl("envelope_integer_2_53_plus_1", "envelope-out-of-range", "count 2^53+1, which a double rounds to 2^53", o(swap(e("envelope_integer_2_53_plus_1"), count, `"count":9007199254740993`))),
		no("envelope_dimension_zero", "envelope-out-of-range", "dimension 0", o(swap(e("envelope_dimension_zero"), `"dimension":3`, `"dimension":0`))),
		no("envelope_count_negative", "envelope-out-of-range", "count -1", o(swap(e("envelope_count_negative"), count, `"count":-1`))),
		no("envelope_empty_name", "envelope-out-of-range", "name \"\"", o(swap(e("envelope_empty_name"), `"name":"envelope_empty_name"`, `"name":""`))),
		impl("envelope_number_beyond_float64_unknown", "envelope-out-of-range", "1e999 in an unknown member (Go skips it)", o(addField(e("envelope_number_beyond_float64_unknown"), `"note":1e999`))),
		no("envelope_number_beyond_float64_metadata", "envelope-out-of-range", "1e999 in metadata (Go cannot hold it)", po(addField(p("envelope_number_beyond_float64_metadata"), `"metadata":{"v0000":{"x":1e999}}`))),
		no("envelope_bad_version", "envelope-bad-version", "version 2", o(swap(e("envelope_bad_version"), `"version":1`, `"version":2`))),
		no("envelope_bad_version_zero", "envelope-bad-version", "version 0", o(swap(e("envelope_bad_version_zero"), `"version":1`, `"version":0`))),
		no("envelope_unknown_distance", "envelope-unknown-distance", "distance \"dot\" (the graph says cosine)", o(swap(e("envelope_unknown_distance"), `"distance":"cosine"`, `"distance":"dot"`))),
	}
}

func jsonIndent(buf *bytes.Buffer, s string) error { return json.Indent(buf, []byte(s), "", "  ") }

func mustJSON(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// header is g's header fields as Go writes them.
func header(g *wire.Graph) []byte {
	w := &wire.Writer{}
	w.Header(g)
	return w.B
}

func graphDecoding(b *base) []golden {
	g := b.Graph
	full := graphOf(g)
	hdr := header(g)
	e := func(name string) string { return envFor(b, name) }
	// prefix: header, n_layers 1, n_nodes 1, then a hand-written node.
	node := func(parts ...func(w *wire.Writer)) []byte {
		w := &wire.Writer{B: append([]byte(nil), hdr...)}
		w.Varint(1)
		w.Varint(1)
		for _, p := range parts {
			p(w)
		}
		// padding: enough bytes that the node count fits what remains, so
		// the hand-written field is the only fault
		w.Raw(make([]byte, 8))
		return w.B
	}
	key := func(w *wire.Writer) { w.Str([]byte("k")) }
	vec := func(w *wire.Writer) { w.Varint(3); w.Raw(bytes.Repeat([]byte{0, 0, 0x80, 0x3f}, 3)) }
	vint := func(v int64) func(w *wire.Writer) { return func(w *wire.Writer) { w.Varint(v) } }
	first := g.Layers[0].Nodes[0]
	afterKey := len(hdr) + 2 + len(binary.AppendVarint(nil, int64(len(first.Key)))) + len(first.Key)
	vecAt := afterKey + len(binary.AppendVarint(nil, first.Dim))
	hdrTo := func(field int) []byte { return full[:field] }
	o := func(name string, graph []byte) []byte { return obj(e(name), graph) }
	overflow11 := append(append([]byte(nil), hdr...), bytes.Repeat([]byte{0xff}, 10)...)
	overflow11 = append(overflow11, 0x01)
	overflow10 := append(append([]byte(nil), hdr...), bytes.Repeat([]byte{0xff}, 9)...)
	overflow10 = append(overflow10, 0x02)
	rawHeader := func(version int64, dist string, distLen int64) []byte {
		w := &wire.Writer{}
		w.Varint(version)
		w.Varint(g.M)
		w.Raw(g.MlRaw[:])
		w.Varint(g.EfSearch)
		w.Varint(distLen)
		w.Raw([]byte(dist))
		return w.B
	}
	return []golden{
		no("graph_empty", "graph-truncated", "no graph bytes at all", o("graph_empty", nil)),
		no("graph_truncated_in_ml", "graph-truncated", "the section ends inside Ml", o("graph_truncated_in_ml", hdrTo(len(binary.AppendVarint(nil, 1))+len(binary.AppendVarint(nil, g.M))+3))),
		no("graph_cut_inside_vector", "graph-count-exceeds-input", "the section cut inside the first vector: its length exceeds what remains", o("graph_cut_inside_vector", hdrTo(vecAt+5))),
		no("graph_truncated_in_varint", "graph-truncated", "the section ends inside the n_layers varint", o("graph_truncated_in_varint", append(append([]byte(nil), hdr...), 0x80))),
		no("graph_truncated_missing_layer", "graph-truncated", "n_layers one more than written", o("graph_truncated_missing_layer", moreLayers(full, hdr, g))),
		no("graph_varint_overflow_11_bytes", "graph-varint-overflow", "n_layers in 11 bytes", o("graph_varint_overflow_11_bytes", overflow11)),
		no("graph_varint_overflow_10th_byte", "graph-varint-overflow", "n_layers with a 10th byte of 2", o("graph_varint_overflow_10th_byte", overflow10)),
		no("graph_negative_distance_len", "graph-negative-count", "distance name length -1 (Go: makeslice panic)", o("graph_negative_distance_len", rawHeader(1, "cosine", -1))),
		no("graph_negative_layers", "graph-negative-count", "n_layers -1 (Go: makeslice panic)", o("graph_negative_layers", append(append([]byte(nil), hdr...), binary.AppendVarint(nil, -1)...))),
		no("graph_negative_key_len", "graph-negative-count", "a key length of -1 (Go: makeslice panic)", o("graph_negative_key_len", node(vint(-1)))),
		no("graph_negative_vector_len", "graph-negative-count", "a vector length of -2 (Go: makeslice panic)", o("graph_negative_vector_len", node(key, vint(-2)))),
		no("graph_negative_neighbor_count", "graph-negative-count", "n_neighbors -1 (Go: makeslice panic)", o("graph_negative_neighbor_count", node(key, vec, vint(-1)))),
		no("graph_negative_neighbor_key_len", "graph-negative-count", "a neighbour key length of -5 (Go: makeslice panic)", o("graph_negative_neighbor_key_len", node(key, vec, vint(1), vint(-5)))),
		no("graph_negative_node_count", "graph-negative-count", "n_nodes -1 (Go: an empty layer, rest ignored)", o("graph_negative_node_count", swapNodeCount(full, hdr, g, -1))),
		no("graph_huge_distance_len", "graph-count-exceeds-input", "distance name length 2^40 (Go: fatal out of memory)", o("graph_huge_distance_len", rawHeader(1, "cosine", 1<<40))),
		no("graph_huge_layers", "graph-count-exceeds-input", "n_layers 2^31: 16 GiB of layer pointers (Go: fatal)", o("graph_huge_layers", append(append([]byte(nil), hdr...), binary.AppendVarint(nil, 1<<31)...))),
		no("graph_huge_node_count", "graph-count-exceeds-input", "n_nodes 2^28: Go pre-sizes a 13 GB map (fatal)", o("graph_huge_node_count", layerOf(hdr, 1<<28))),
		no("graph_huge_key_len", "graph-count-exceeds-input", "a key length of 2^36 (Go: fatal)", o("graph_huge_key_len", node(vint(1<<36)))),
		no("graph_huge_vector_len", "graph-count-exceeds-input", "a vector length of 2^33 (Go: fatal)", o("graph_huge_vector_len", node(key, vint(1<<33)))),
		no("graph_huge_neighbor_count", "graph-count-exceeds-input", "n_neighbors 2^32 (Go: fatal)", o("graph_huge_neighbor_count", node(key, vec, vint(1<<32)))),
		no("graph_node_count_hint_dropped", "graph-count-exceeds-input", "n_nodes 2^45: Go drops the map hint, then hits EOF", o("graph_node_count_hint_dropped", layerOf(hdr, 1<<45))),
		no("graph_key_len_over_go_limit", "graph-count-exceeds-input", "a key length of 2^49, above Go's 2^48 allocation limit (panic)", o("graph_key_len_over_go_limit", node(vint(1<<49)))),
		no("graph_vector_len_over_go_limit", "graph-count-exceeds-input", "a vector length of 2^47 (2^49 bytes: panic)", o("graph_vector_len_over_go_limit", node(key, vint(1<<47)))),
		no("graph_layers_over_go_limit", "graph-count-exceeds-input", "n_layers 2^46 (2^49 bytes: panic)", o("graph_layers_over_go_limit", append(append([]byte(nil), hdr...), binary.AppendVarint(nil, 1<<46)...))),
		no("graph_key_len_exceeds_input", "graph-count-exceeds-input", "a key length of 1,000 with 10 bytes left (Go: unexpected EOF)", o("graph_key_len_exceeds_input", append(node(vint(1000)), make([]byte, 10)...))),
		no("graph_vector_len_exceeds_input", "graph-count-exceeds-input", "a vector of 1,000,000 components in 12 bytes (Go: unexpected EOF)", o("graph_vector_len_exceeds_input", node(key, vint(1000000), func(w *wire.Writer) { w.Raw(make([]byte, 12)) }))),
		no("graph_unknown_distance", "graph-unknown-distance", "graph distance \"dot\"", o("graph_unknown_distance", append(rawHeader(1, "dot", 3), full[len(hdr):]...))),
		no("graph_unknown_distance_and_bad_version", "graph-unknown-distance", "version 2 and distance \"dot\": the name is checked first", o("graph_unknown_distance_and_bad_version", append(rawHeader(2, "dot", 3), full[len(hdr):]...))),
		no("graph_bad_version", "graph-bad-version", "graph version 2", o("graph_bad_version", append(rawHeader(2, "cosine", 6), full[len(hdr):]...))),
		no("graph_bad_version_zero", "graph-bad-version", "graph version 0", o("graph_bad_version_zero", append(rawHeader(0, "cosine", 6), full[len(hdr):]...))),
	}
}

// layerOf is a header, one layer, and its node count: nothing after.
func layerOf(hdr []byte, nNodes int64) []byte {
	w := &wire.Writer{B: append([]byte(nil), hdr...)}
	w.Varint(1)
	w.Varint(nNodes)
	return w.B
}

// moreLayers claims one layer more than the section holds.
func moreLayers(full, hdr []byte, g *wire.Graph) []byte {
	_, k := binary.Varint(full[len(hdr):])
	out := append(append([]byte(nil), hdr...), binary.AppendVarint(nil, int64(len(g.Layers)+1))...)
	return append(out, full[len(hdr)+k:]...)
}

// swapNodeCount rewrites layer 0's node count.
func swapNodeCount(full, hdr []byte, g *wire.Graph, n int64) []byte {
	at := len(hdr) + len(binary.AppendVarint(nil, int64(len(g.Layers))))
	_, k := binary.Varint(full[at:])
	out := append(append([]byte(nil), full[:at]...), binary.AppendVarint(nil, n)...)
	return append(out, full[at+k:]...)
}

var _ = model.Frame
