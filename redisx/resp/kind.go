package resp

import "strconv"

// Kind is the wire type of a reply. It distinguishes types that client
// libraries usually merge (status and bulk, the three nulls live in one Kind
// but keep their wire byte in Value.NilWire).
type Kind uint8

// The wire types. The zero Kind is deliberately invalid so that an unset
// Value is never mistaken for a real reply.
const (
	Integer   Kind = iota + 1 // ':' integer
	Bulk                      // '$' bulk string
	Status                    // '+' simple string
	Error                     // '-' simple error or '!' blob error
	Nil                       // '$-1', '*-1' or '_'
	Array                     // '*' array
	Map                       // '%' map
	Set                       // '~' set
	Double                    // ',' double
	Boolean                   // '#' boolean
	BigNumber                 // '(' big number
	Verbatim                  // '=' verbatim string
	Attribute                 // '|' attribute
	Push                      // '>' out-of-band push
)

var kindNames = [...]string{
	Integer:   "integer",
	Bulk:      "bulk",
	Status:    "status",
	Error:     "error",
	Nil:       "nil",
	Array:     "array",
	Map:       "map",
	Set:       "set",
	Double:    "double",
	Boolean:   "boolean",
	BigNumber: "bignum",
	Verbatim:  "verbatim",
	Attribute: "attribute",
	Push:      "push",
}

// String returns the type name used in JSON output ("integer", "bulk",
// "bignum", ...), so the CLI, the TUI and --json agree on one vocabulary.
// An invalid Kind prints as "kind(N)".
func (k Kind) String() string {
	if k.valid() {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

func (k Kind) valid() bool { return k >= Integer && k <= Push }

// kindByName is the inverse of Kind.String, for UnmarshalJSON.
func kindByName(name string) (Kind, bool) {
	for k := Integer; k <= Push; k++ {
		if kindNames[k] == name {
			return k, true
		}
	}
	return 0, false
}
