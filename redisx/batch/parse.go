package batch

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"luascope/redisx"
)

// ParseLine reads one input line of a batch: KEY ... , ARG ...
// Words are separated by spaces or tabs; the first lone comma separates
// keys from arguments (redis-cli --eval's convention). A word in double
// quotes may hold spaces, a comma, and the escapes of redisx.Unescape (\x00,
// \n, \", \\, \u{…}), so any binary key or argument can be written;
// unquoted words are taken literally. call is false for a blank line or
// a comment (# as the first non-blank character).
func ParseLine(text string) (keys, args []string, call bool, err error) {
	words, sep, call, err := parseWords(text, make([]string, 0, 4))
	if !call || err != nil {
		return nil, nil, call, err
	}
	return words[:sep], words[sep:], true, nil
}

// parseWords is ParseLine appending to words (so a caller can
// bring its own storage); sep is where the arguments start.
func parseWords(text string, words []string) (_ []string, sep int, call bool, err error) {
	text = strings.TrimRight(text, "\r\n")
	trimmed := strings.TrimLeft(text, " \t")
	if trimmed == "" || trimmed[0] == '#' {
		return nil, 0, false, nil
	}
	sep = -1
	i := 0
	for i < len(text) {
		c := text[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		if c == '"' {
			start := i
			j := i + 1
			for j < len(text) && text[j] != '"' {
				if text[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(text) {
				return nil, 0, true, fmt.Errorf("column %d: the quote is never closed", start+1)
			}
			if j+1 < len(text) && text[j+1] != ' ' && text[j+1] != '\t' {
				return nil, 0, true, fmt.Errorf("column %d: a closing quote must be followed by a space", j+2)
			}
			w, err := redisx.Unescape(text[start+1 : j])
			if err != nil {
				return nil, 0, true, fmt.Errorf("quoted word at column %d: %v", start+1, err)
			}
			words = append(words, w)
			i = j + 1
			continue
		}
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\t' {
			j++
		}
		w := text[i:j]
		if w == "," && sep < 0 {
			sep = len(words)
		} else {
			words = append(words, w)
		}
		i = j
	}
	if sep < 0 {
		sep = len(words)
	}
	return words, sep, true, nil
}

// readLine returns the next line without its newline. A line longer
// than MaxLine is read to its end but not kept (tooLong). At the end
// of the input it returns io.EOF, with the last line if it had no newline.
func readLine(br *bufio.Reader) (line string, tooLong bool, err error) {
	var buf []byte
	size := 0
	for {
		frag, e := br.ReadSlice('\n')
		size += len(frag)
		if size > MaxLine {
			tooLong, buf = true, nil
		} else if e == nil && buf == nil {
			return string(frag[:len(frag)-1]), false, nil
		} else {
			buf = append(buf, frag...)
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if e == nil {
			return string(buf[:len(buf)-1]), tooLong, nil
		}
		if size == 0 {
			return "", false, e
		}
		if e == io.EOF {
			return string(buf), tooLong, nil
		}
		return string(buf), tooLong, e
	}
}

// CountCalls counts the calls in a batch input (every line but blank
// ones and comments) without parsing them, for a progress bar's total.
func CountCalls(r io.Reader) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	n := 0
	for {
		line, _, err := readLine(br)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		t := strings.TrimLeft(line, " \t\r")
		if t != "" && t[0] != '#' {
			n++
		}
	}
}
