package dracoon

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

// shapeOf measures a valid JSON document with encoding/json's tokenizer:
// its deepest nesting, its longest array and its array items plus object
// members in all.
func shapeOf(data []byte) (depth, longest, values int, err error) {
	type frame struct {
		array bool
		n     int
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []frame
	// count records one value in the enclosing array or object; object
	// keys are skipped (every second token inside an object).
	count := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		top.n++
		values++
		if top.array {
			longest = max(longest, top.n)
		}
	}
	expectKey := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return depth, longest, values, nil
		}
		if err != nil {
			return 0, 0, 0, err
		}
		if d, ok := tok.(json.Delim); ok && (d == ']' || d == '}') {
			stack = stack[:len(stack)-1]
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
			continue
		}
		if expectKey {
			expectKey = false // the key; its value follows
			continue
		}
		count()
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{array: d == '['})
			depth = max(depth, len(stack))
			expectKey = d == '{'
			continue
		}
		expectKey = len(stack) > 0 && !stack[len(stack)-1].array
	}
}

// FuzzJSONLimits checks the shape scanner against encoding/json's
// tokenizer on every valid document, with small limits so that the fuzzer
// reaches them.
func FuzzJSONLimits(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `[1,2,3,4,5]`, `{"a":[[[[1]]]]}`, `{"a":"[[[,,,\"]]]","b":[{},{},{}]}`,
		`[{"a":1,"b":2},{"c":[1,2]}]`, `"x"`, `  [ 1 , [ ] , { } ]  `, `{"k":{"k":{"k":{"k":{}}}}}`,
	} {
		f.Add([]byte(seed))
	}
	limits := jsonLimits{depth: 3, arrayItems: 4, values: 12}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			_ = limits.check(data) // must not panic; json.Unmarshal rejects it anyway
			return
		}
		depth, longest, values, err := shapeOf(data)
		if err != nil {
			t.Fatalf("reference failed on valid JSON %q: %v", data, err)
		}
		within := depth <= limits.depth && longest <= limits.arrayItems && values <= limits.values
		if got := limits.check(data); (got == nil) != within {
			t.Fatalf("%q: depth %d, longest list %d, %d values; check says %v", data, depth, longest, values, got)
		}
	})
}
