package resp

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{integer(1), `{"type":"integer","value":1}`},
		{integer(math.MinInt64), `{"type":"integer","value":-9223372036854775808}`},
		{bulk("abc"), `{"type":"bulk","value":"abc"}`},
		{bulk(""), `{"type":"bulk","value":""}`},
		{bulk("\xff\x00"), `{"type":"bulk","hex":"ff00"}`},
		{bulk("é\"\\\n\x1b\x7f\u202e"), `{"type":"bulk","value":"é\"\\\n\u001b\u007f\u202e"}`},
		{bulk("\U000e0041"), `{"type":"bulk","value":"\udb40\udc41"}`},
		{status("OK"), `{"type":"status","value":"OK"}`},
		{errv("ERR boom"), `{"type":"error","value":"ERR boom"}`},
		{blobErr("ERR \xfe"), `{"type":"error","hex":"45525220fe"}`},
		{null('$'), `{"type":"nil"}`},
		{null('*'), `{"type":"nil"}`},
		{null('_'), `{"type":"nil"}`},
		{array(), `{"type":"array","items":[]}`},
		{array(integer(1), null('$')), `{"type":"array","items":[{"type":"integer","value":1},{"type":"nil"}]}`},
		{set(bulk("a")), `{"type":"set","items":[{"type":"bulk","value":"a"}]}`},
		{push(bulk("a")), `{"type":"push","items":[{"type":"bulk","value":"a"}]}`},
		{dict(), `{"type":"map","entries":[]}`},
		{dict(bulk("k"), integer(1)), `{"type":"map","entries":[{"key":{"type":"bulk","value":"k"},"value":{"type":"integer","value":1}}]}`},
		{Value{Kind: Map, Elems: []Value{bulk("k")}}, `{"type":"map","entries":[{"key":{"type":"bulk","value":"k"},"value":{"type":"nil"}}]}`},
		{double("1.5"), `{"type":"double","value":1.5}`},
		{double("1.50e3"), `{"type":"double","value":1500}`},
		{double("1e300"), `{"type":"double","value":1e+300}`},
		{double("inf"), `{"type":"double","value":"inf"}`},
		{double("-inf"), `{"type":"double","value":"-inf"}`},
		{double("nan"), `{"type":"double","value":"nan"}`},
		{boolean(true), `{"type":"boolean","value":true}`},
		{boolean(false), `{"type":"boolean","value":false}`},
		{bignum("-123"), `{"type":"bignum","value":"-123"}`},
		{verbatim("txt", "a\nb"), `{"type":"verbatim","format":"txt","value":"a\nb"}`},
		{verbatim("txt", "\xff"), `{"type":"verbatim","format":"txt","hex":"ff"}`},
		{withAttr(integer(2), attr(status("ttl"), integer(3600))),
			`{"type":"integer","value":2,"attributes":{"type":"attribute","entries":[{"key":{"type":"status","value":"ttl"},"value":{"type":"integer","value":3600}}]}}`},
	}
	for _, tc := range tests {
		got, err := tc.v.MarshalJSON()
		if err != nil {
			t.Errorf("%s: %v", tc.v, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("MarshalJSON(%s) =\n%s\nwant\n%s", tc.v, got, tc.want)
		}
		// encoding/json accepts it and agrees.
		viaStd, err := json.Marshal(tc.v)
		if err != nil || string(viaStd) != tc.want {
			t.Errorf("json.Marshal = %s, %v", viaStd, err)
		}
		if tc.v.Kind == Map && len(tc.v.Elems)%2 == 1 {
			continue // the missing value comes back as a nil
		}
		var back Value
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("Unmarshal(%s): %v", got, err)
		} else if !back.Equal(forJSON(tc.v)) {
			t.Errorf("round trip of %s = %s, want %s", got, back, forJSON(tc.v))
		}
	}
	if _, err := (Value{}).MarshalJSON(); err == nil {
		t.Error("invalid kind marshalled")
	}
	if _, err := array(integer(1), Value{Kind: 99}).MarshalJSON(); err == nil {
		t.Error("invalid nested kind marshalled")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, tc := range validCases {
		v, _, err := Parse([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var back Value
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s: Unmarshal(%s): %v", tc.name, out, err)
		}
		if !back.Equal(forJSON(v)) {
			t.Errorf("%s: round trip %s gave %s", tc.name, out, back)
		}
	}
	bin := bulk(string(allBytes()))
	out, _ := bin.MarshalJSON()
	var back Value
	if err := back.UnmarshalJSON(out); err != nil || !back.Equal(bin) {
		t.Errorf("binary bulk: %v", err)
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	for _, in := range []string{
		`[]`,
		`{}`,
		`{"type":"string"}`,
		`{"type":"integer","value":"1"}`,
		`{"type":"integer","value":1.5}`,
		`{"type":"integer"}`,
		`{"type":"bulk","value":1}`,
		`{"type":"bulk","hex":"zz"}`,
		`{"type":"double","value":"infinity"}`,
		`{"type":"double","value":"1.5"}`,
		`{"type":"boolean","value":"true"}`,
		`{"type":"verbatim","value":"x"}`,
		`{"type":"verbatim","format":"markdown","value":"x"}`,
		`{"type":"array","items":[{}]}`,
		`{"type":"map","entries":[{"key":{"type":"nil"}}]}`,
		`{"type":"nil","attributes":{"type":"map","entries":[]}}`,
	} {
		var v Value
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("Unmarshal(%s) accepted: %s", in, v)
		}
	}
}

func TestJSONLarge(t *testing.T) {
	v, _, err := Parse(bulkArrayWire(10_000))
	if err != nil {
		t.Fatal(err)
	}
	out, err := v.MarshalJSON()
	if err != nil || !json.Valid(out) || !strings.HasPrefix(string(out), `{"type":"array","items":[{"type":"bulk","value":"v0"}`) {
		t.Fatalf("bad JSON: %v %.80s", err, out)
	}
	allocs := testing.AllocsPerRun(3, func() { _, _ = v.MarshalJSON() })
	if allocs > 4 { // 1 normally; the race detector adds a few
		t.Errorf("%v allocations for 10k elements; the size estimate should be enough", allocs)
	}
}
