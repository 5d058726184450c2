package batch

import (
	"bufio"
	"bytes"
	"errors"
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
				// The column in the line, not in the word.
				var ee *redisx.EscapeError
				if errors.As(err, &ee) {
					return nil, 0, true, fmt.Errorf("column %d: %s", start+1+ee.Col, ee.Msg)
				}
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
// than MaxLine, not counting its "\n" or "\r\n", is read to its end but
// not kept (tooLong). At the end
// of the input it returns io.EOF, with the last line if it had no newline.
// The line is only valid until the next read: it is the reader's buffer,
// or *long (reused) for a line longer than the buffer.
func readLine(br *bufio.Reader, long *[]byte) (line []byte, tooLong bool, err error) {
	frag, e := br.ReadSlice('\n')
	if e == nil {
		return frag[:len(frag)-1], false, nil
	}
	buf := (*long)[:0]
	defer func() { *long = buf[:0] }()
	size := 0
	for {
		size += len(frag)
		// Two bytes of slack for the line's end, not known yet.
		if size > MaxLine+2 {
			tooLong, buf = true, buf[:0]
		} else {
			buf = append(buf, frag...)
		}
		if e == bufio.ErrBufferFull {
			frag, e = br.ReadSlice('\n')
			continue
		}
		if !tooLong && len(bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))) > MaxLine {
			tooLong, buf = true, buf[:0]
		}
		if e == nil {
			if tooLong {
				return nil, true, nil
			}
			return buf[:len(buf)-1], false, nil
		}
		if size == 0 {
			return nil, false, e
		}
		return buf, tooLong, e
	}
}

// wordByte classes the bytes of a line for splitWords: 0 in a word,
// blank between words, quote for a double quote.
var wordByte = [256]uint8{' ': blank, '\t': blank, '"': quote}

const (
	blank = 1
	quote = 2
)

// splitWords is parseWords on the bytes of a line, for the reader: a line
// without a double quote (the usual case) is split where it lies, with
// no allocation, in one scan; one with a quote goes through parseWords.
// The words are only valid until the next line; words is storage to
// reuse.
func splitWords(line []byte, words [][]byte) (_ [][]byte, sep int, call bool, err error) {
	words = words[:0]
	n := len(line)
	for n > 0 && (line[n-1] == '\n' || line[n-1] == '\r') {
		n--
	}
	line = line[:n]
	sep = -1
	for i := 0; i < len(line); {
		switch wordByte[line[i]] {
		case blank:
			i++
			continue
		case quote:
			return splitQuoted(line, words[:0])
		}
		if len(words) == 0 && sep < 0 && line[i] == '#' {
			return nil, 0, false, nil // a comment
		}
		j := i + 1
		for j < len(line) && wordByte[line[j]] == 0 {
			j++ // a quote ends the word too: the next turn takes it
		}
		if j == i+1 && line[i] == ',' && sep < 0 {
			sep = len(words)
		} else {
			words = append(words, line[i:j:j])
		}
		i = j
	}
	if len(words) == 0 && sep < 0 {
		return nil, 0, false, nil // blank
	}
	if sep < 0 {
		sep = len(words)
	}
	return words, sep, true, nil
}

// splitQuoted is splitWords of a line with a double quote: parseWords,
// whose words are copied.
func splitQuoted(line []byte, words [][]byte) (_ [][]byte, sep int, call bool, err error) {
	ws, sep, call, err := parseWords(string(line), nil)
	for _, w := range ws {
		words = append(words, []byte(w))
	}
	return words, sep, call, err
}

// CountCalls counts the calls in a batch input (every line but blank
// ones and comments) without parsing them, for a progress bar's total.
func CountCalls(r io.Reader) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	n := 0
	var long []byte
	for {
		line, tooLong, err := readLine(br, &long)
		if err != nil && err != io.EOF {
			return n, err
		}
		t := bytes.TrimLeft(line, " \t\r")
		if tooLong || len(t) > 0 && t[0] != '#' {
			n++ // a line too long is a call too: it ends invalid
		}
		if err == io.EOF {
			return n, nil
		}
	}
}
