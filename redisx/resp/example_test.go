package resp_test

import (
	"fmt"
	"os"
	"strings"

	"luascope/redisx/resp"
)

func ExampleParse() {
	// EVAL "return {1, 'two', {'nested', false}, redis.status_reply('OK')}" 0
	wire := []byte("*4\r\n:1\r\n$3\r\ntwo\r\n*2\r\n$6\r\nnested\r\n$-1\r\n+OK\r\n")
	v, n, err := resp.Parse(wire)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Kind, v.Len(), n == len(wire))
	fmt.Println(v.Elems[1].Kind, v.Elems[3].Kind)
	fmt.Printf("%q\n", resp.Encode(nil, v.Elems[2]))

	_, _, err = resp.Parse(wire[:10])
	fmt.Println(err == resp.ErrIncomplete)
	// Output:
	// array 4 true
	// bulk status
	// "*2\r\n$6\r\nnested\r\n$-1\r\n"
	// true
}

func ExampleText() {
	v, _, _ := resp.Parse([]byte("*4\r\n:1\r\n$3\r\ntwo\r\n*2\r\n$6\r\nnested\r\n$-1\r\n+OK\r\n"))
	fmt.Println(resp.Text(v))
	// Output:
	// 1) (integer) 1
	// 2) "two"
	// 3) 1) "nested"
	//    2) (nil)
	// 4) (status) OK
}

func ExampleText_resp3() {
	v, _, _ := resp.Parse([]byte("|1\r\n+ttl\r\n:60\r\n%2\r\n$1\r\na\r\n,1.5\r\n$1\r\nb\r\n~2\r\n#t\r\n(12345678901234567890\r\n"))
	fmt.Println(resp.Text(v))
	// Output:
	// |attr 1# (status) ttl => (integer) 60
	// 1# "a" => (double) 1.5
	// 2# "b" => 1~ (boolean) true
	//    2~ (bignum) 12345678901234567890
}

func ExampleWriteText() {
	v, _, _ := resp.Parse([]byte("-ERR user script error \x1b[31m\r\n"))
	_ = resp.WriteText(os.Stdout, v)
	// Output:
	// (error) ERR user script error \x1b[31m
}

func ExampleSummary() {
	long := resp.Value{Kind: resp.Bulk, Str: []byte(strings.Repeat("abcdefghij", 10))}
	fmt.Println(resp.Summary(long, 30))
	fmt.Println(resp.Summary(resp.Value{Kind: resp.Status, Str: []byte("OK")}, 30))
	// Output:
	// "abcdefghi…" (bulk, 100 bytes)
	// (status) OK
}

func ExampleEscape() {
	fmt.Println(resp.Escape([]byte("tab\there \x1b[2J caf\xc3\xa9 \xff \u202eevil")))
	// Output:
	// tab\there \x1b[2J café \xff \u{202e}evil
}

func ExampleValue_MarshalJSON() {
	v, _, _ := resp.Parse([]byte("*3\r\n+OK\r\n$2\r\n\xff\x00\r\n_\r\n"))
	out, _ := v.MarshalJSON()
	fmt.Println(string(out))
	// Output:
	// {"type":"array","items":[{"type":"status","value":"OK"},{"type":"bulk","hex":"ff00"},{"type":"nil"}]}
}

func ExampleReader() {
	// A tap holds HELLO's reply, then a push message, then the reply.
	conn := strings.NewReader("%1\r\n$5\r\nproto\r\n:3\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n:42\r\n")
	r := resp.NewReader(conn)
	for {
		v, err := r.Read()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(resp.Summary(v, 40))
	}
	// Output:
	// map[1]
	// push[2]
	// (integer) 42
	// EOF
}
