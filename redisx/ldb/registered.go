package ldb

import (
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// RegisteredNames reads the names a library registers with
// redis.register_function (or Valkey's server.register_function), in
// both forms: ('name', callback) and {function_name = 'name', …}. It
// works on Lua's tokens, so comments and strings that mention
// register_function do not count. complete is false when a call's name is
// not a string literal, register_function is used in any other way (an
// alias), or the file does not scan: the names found are then not all.
// debug --function refuses a name a complete library does not register;
// incident's resolver indexes a library file under each name it finds.
func RegisteredNames(src string) (names []string, complete bool) {
	// The #!lua line is not Lua: blank it, keeping the line numbers.
	if first, rest, ok := strings.Cut(src, "\n"); ok && strings.HasPrefix(first, "#!") {
		src = "\n" + rest
	} else if strings.HasPrefix(src, "#!") {
		src = ""
	}
	sc := parse.NewScanner(strings.NewReader(src), "library")
	lx := &parse.Lexer{}
	var toks []ast.Token
	for {
		tok, err := sc.Scan(lx)
		if err != nil {
			return nil, false
		}
		if tok.Type == parse.EOF {
			break
		}
		lx.PrevTokenType = tok.Type
		toks = append(toks, tok)
	}
	at := func(i int) ast.Token {
		if i >= 0 && i < len(toks) {
			return toks[i]
		}
		return ast.Token{Type: parse.EOF}
	}
	for i, tok := range toks {
		if tok.Type != parse.TIdent || tok.Str != "register_function" {
			continue
		}
		if p := at(i - 2); at(i-1).Type != '.' || p.Type != parse.TIdent || (p.Str != "redis" && p.Str != "server") {
			return names, false
		}
		j := i + 1
		if at(j).Type == '(' {
			j++
			if at(j).Type == parse.TString {
				names = append(names, at(j).Str)
				continue
			}
		}
		if at(j).Type != '{' {
			return names, false
		}
		name, ok := tableFunctionName(toks[j:])
		if !ok {
			return names, false
		}
		names = append(names, name)
	}
	return names, true
}

// tableFunctionName finds function_name = 'name' among the fields of the
// table constructor toks starts with (nested tables and calls skipped).
func tableFunctionName(toks []ast.Token) (string, bool) {
	depth := 0
	for i, t := range toks {
		switch t.Type {
		case '{', '(', '[':
			depth++
		case '}', ')', ']':
			depth--
			if depth == 0 {
				return "", false
			}
		case parse.TIdent:
			if depth == 1 && t.Str == "function_name" && i+2 < len(toks) && toks[i+1].Type == '=' {
				if toks[i+2].Type == parse.TString {
					return toks[i+2].Str, true
				}
				return "", false
			}
		}
	}
	return "", false
}
