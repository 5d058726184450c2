package ldb

import (
	"slices"
	"testing"
)

func TestRegisteredNames(t *testing.T) {
	for _, c := range []struct {
		src      string
		names    []string
		complete bool
	}{
		{"#!lua name=l\nredis.register_function('a', function() return 1 end)\n", []string{"a"}, true},
		{"#!lua name=l\nredis.register_function{function_name = 'b', callback = function() end, flags = {'no-writes'}}\n", []string{"b"}, true},
		{"#!lua name=l\nserver.register_function('v', function() end)\nredis.register_function(\"w\", f)\n", []string{"v", "w"}, true},
		// Comments and strings do not register anything.
		{"#!lua name=l\n-- redis.register_function('x', f)\nlocal s = \"redis.register_function('y', f)\"\n", nil, true},
		// A name only the server can know: what was found, not all.
		{"#!lua name=l\nredis.register_function('a', f)\nfor _, n in ipairs({'p', 'q'}) do redis.register_function(n, f) end\n", []string{"a"}, false},
		{"#!lua name=l\nlocal reg = redis.register_function\nreg('a', f)\n", nil, false},
		{"#!lua name=l\nredis.register_function{callback = f, function_name = name}\n", nil, false},
		// Does not scan: nothing is known.
		{"#!lua name=l\nredis.register_function('a', f)\nlocal s = 'unclosed\n", nil, false},
		{"#!lua name=l", nil, true},
	} {
		names, complete := RegisteredNames(c.src)
		if !slices.Equal(names, c.names) || complete != c.complete {
			t.Errorf("%q: %q %v, want %q %v", c.src, names, complete, c.names, c.complete)
		}
	}
}
