package main

// Goldens of the places where encoding/json reads an envelope otherwise
// than a plain JSON reader (FORMAT.md 4 and 5a), one per class: keys Go
// folds onto a field (ASCII case, U+017F; last match wins), keys it does
// not fold (U+0130, U+0131, U+212A: no field has a k), keys holding
// \u0000 (compared whole), and integer spellings Go's int refuses.

import "fmt"

func folds(few, empty *base) []golden {
	graph := graphOf(few.Graph)
	e := func(name string) string { return envFor(few, name) }
	o := func(env string) []byte { return obj(env, graph) }
	count := fmt.Sprintf(`"count":%d`, few.Count)
	return []golden{
		impl("envelope_folded_key_last_wins", "envelope-folded-key", "\"VERSION\":2 after \"version\":1: Go keeps the last match",
			o(addField(e("envelope_folded_key_last_wins"), `"VERSION":2`))),
		impl("envelope_folded_key_in_params", "envelope-folded-key", "\"M\" for \"m\": Go reads it as m",
			o(swap(e("envelope_folded_key_in_params"), `"m":16`, `"M":16`))),
		impl("envelope_folded_key_escaped", "envelope-folded-key", "\"coun\\u0054\": escapes are decoded, then folded",
			o(swap(e("envelope_folded_key_escaped"), count, `"coun\u0054"`+count[7:]))),
		impl("envelope_folded_metadata_null", "envelope-folded-key", "\"Metadata\":null after metadata: Go reads no metadata",
			o(addField(e("envelope_folded_metadata_null"), `"Metadata":null`))),
		impl("envelope_long_s_in_params", "envelope-folded-key", "\"diſtance\" (U+017F folds to s): Go reads it as distance",
			o(swap(e("envelope_long_s_in_params"), `"distance":`, `"diſtance":`))),
		yes("envelope_dotted_capital_i_key", "\"vers\\u0130on\":2 beside version 1: U+0130 does not fold to i in Go 1.26",
			o(addField(e("envelope_dotted_capital_i_key"), `"vers\u0130on":2`))),
		yes("envelope_dotless_i_key", "\"versıon\":2 beside version 1: U+0131 does not fold to i in Go 1.26",
			o(addField(e("envelope_dotless_i_key"), `"versıon":2`))),
		yes("envelope_kelvin_sign_key", "\"\\u212aind\":1: U+212A folds to k, and no field holds a k",
			o(addField(e("envelope_kelvin_sign_key"), `"\u212aind":1`))),
		impl("envelope_nul_key", "envelope-nul-escape", "\"count\\u0000\":\"s\": Go compares the whole key (cJSON would cut it to count)",
			o(addField(e("envelope_nul_key"), `"count\u0000":"s"`))),
		impl("envelope_nul_key_folded", "envelope-nul-escape", "\"Version\\u0000\":2: no field, whole or folded",
			o(addField(e("envelope_nul_key_folded"), `"Version\u0000":2`))),
		impl("envelope_integer_exponent_upper", "envelope-integer-spelling", "count 5E0: an integer to JSON, a type error to Go's int",
			o(swap(e("envelope_integer_exponent_upper"), count, `"count":5E0`))),
		impl("envelope_integer_negative_exponent", "envelope-integer-spelling", "dimension 30e-1",
			o(swap(e("envelope_integer_negative_exponent"), `"dimension":3`, `"dimension":30e-1`))),
		yes("envelope_count_minus_zero", "count -0: ParseInt reads 0",
			obj(swap(envFor(empty, "envelope_count_minus_zero"), `"count":0`, `"count":-0`), graphOf(empty.Graph))),
	}
}
