// Package resp decodes Redis replies exactly as they travel on the wire.
//
// go-redis folds status and bulk replies into one Go string and hides the
// difference between RESP2 and RESP3 types; a tool that teaches how a Lua
// value becomes a reply cannot afford that, so this package keeps every
// wire type (RESP2 and RESP3), every byte, and can render a reply the way
// redis-cli does, with anything a terminal would interpret shown escaped.
package resp
