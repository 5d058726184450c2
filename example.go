package main

import _ "embed" // the example script ships inside the binary

// exampleScript opens in the editor when luascope starts without a FILE:
// a rate limiter that shows keys, args, a write and a multi-value reply.
// It is the same file `make run` opens.
//
//go:embed testdata/example.lua
var exampleScript string
