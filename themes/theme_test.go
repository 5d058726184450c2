package themes

import (
	"cmp"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"
)

// colorFields returns every Color field of t by name, found by reflection
// so that a field added later is checked without editing the tests.
func colorFields(t Theme) map[string]Color {
	out := map[string]Color{}
	v := reflect.ValueOf(t)
	for i := 0; i < v.NumField(); i++ {
		if c, ok := v.Field(i).Interface().(Color); ok {
			out[v.Type().Field(i).Name] = c
		}
	}
	return out
}

func TestNamesAndGet(t *testing.T) {
	want := []string{"auto", "dark", "light", "high-contrast", "mono"}
	if got := Names(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	for _, n := range want {
		th, err := Get(n)
		if err != nil || th.Name != n {
			t.Errorf("Get(%q) = %q, %v", n, th.Name, err)
		}
	}
	if th, err := Get(" Dark "); err != nil || th.Name != "dark" {
		t.Errorf("Get(\" Dark \") = %q, %v; want dark", th.Name, err)
	}
	_, err := Get("solarized")
	if !errors.Is(err, ErrUnknownTheme) {
		t.Fatalf("Get(solarized) error %v does not wrap ErrUnknownTheme", err)
	}
	for _, n := range want {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
	if Default().Name != "auto" {
		t.Errorf("Default() = %q, want auto", Default().Name)
	}
}

func TestEveryColourSet(t *testing.T) {
	for _, th := range all {
		fields := colorFields(th)
		if len(fields) < 24 {
			t.Fatalf("only %d colour fields found", len(fields))
		}
		for name, c := range fields {
			if th.Mono {
				if !c.IsZero() {
					t.Errorf("%s.%s = %+v: mono must leave every colour empty", th.Name, name, c)
				}
				continue
			}
			for half, v := range map[string]string{"Light": c.Light, "Dark": c.Dark} {
				if _, err := parseHex(v); err != nil {
					t.Errorf("%s.%s.%s = %q: %v", th.Name, name, half, v, err)
				}
			}
		}
	}
}

func TestAutoIsLightPlusDark(t *testing.T) {
	a, d, l := colorFields(auto), colorFields(dark), colorFields(light)
	for name, c := range a {
		if c.Dark != d[name].Dark || c.Light != l[name].Light {
			t.Errorf("auto.%s = %+v, want Light from light (%s) and Dark from dark (%s)", name, c, l[name].Light, d[name].Dark)
		}
	}
}

// TestChromaStylesExist guards against a renamed or removed chroma style:
// styles.Get silently falls back to "swapoff" for an unknown name.
func TestChromaStylesExist(t *testing.T) {
	for _, th := range all {
		for _, dark := range []bool{true, false} {
			name := th.ChromaFor(dark)
			s := th.ChromaStyle(dark)
			if _, own := chromaStyles[name]; !own && (styles.Registry[name] == nil || s == styles.Fallback) {
				t.Errorf("%s: chroma style %q does not exist", th.Name, name)
				continue
			}
			if s.Name != name {
				t.Errorf("%s: ChromaStyle(%v) is %q, want %q", th.Name, dark, s.Name, name)
			}
			// An adaptive theme's style must suit the background it is for.
			if th.ChromaLight == "" || th.Mono {
				continue
			}
			want := chroma.Light
			if dark {
				want = chroma.Dark
			}
			if s.Mode() != want {
				t.Errorf("%s: chroma style %q for dark=%v has mode %v", th.Name, name, dark, s.Mode())
			}
		}
	}
}

// TestChromaContrast checks every entry of every theme's chroma style,
// not only those the Lua lexer emits today (ui/editor checks those as
// drawn), on the terminal's background and on the cursor line, where
// the editor draws code: Theme.MinContrast for each.
func TestChromaContrast(t *testing.T) {
	for _, th := range all {
		if th.Mono {
			continue
		}
		for _, dark := range []bool{false, true} {
			if th.Background(dark) != th.Background(!dark) && th.ChromaFor(dark) == th.ChromaFor(!dark) {
				t.Errorf("%s: one chroma style for both backgrounds", th.Name)
			}
			cs := th.ChromaStyle(dark)
			cursorLine := th.CursorLine.Light
			if dark {
				cursorLine = th.CursorLine.Dark
			}
			types := append(cs.Types(), chroma.Text)
			for _, tt := range types {
				e := cs.Get(tt)
				if !e.Colour.IsSet() {
					continue // the editor draws it in Theme.Text
				}
				for _, back := range []string{th.Background(dark), cursorLine} {
					if r := contrast(t, e.Colour.String(), back); r < th.MinContrast() {
						t.Errorf("%s (dark %v): %s %s %s on %s = %.2f:1, want ≥ %.1f",
							th.Name, dark, cs.Name, tt, e.Colour, back, r, th.MinContrast())
					}
				}
			}
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if th := FromEnv("dark", env(map[string]string{"NO_COLOR": "1"})); !th.Mono {
		t.Errorf("NO_COLOR=1: got %q, want mono", th.Name)
	}
	if th := FromEnv("dark", env(map[string]string{"NO_COLOR": ""})); th.Name != "dark" {
		t.Errorf("NO_COLOR empty: got %q, want dark (no-color.org: only a non-empty value counts)", th.Name)
	}
	if th := FromEnv("", env(nil)); th.Name != Default().Name {
		t.Errorf("no name: got %q, want default", th.Name)
	}
	if th := FromEnv("nope", nil); th.Name != Default().Name {
		t.Errorf("unknown name: got %q, want default", th.Name)
	}
}

// drawnOn says, for every colour role, what the UI draws it on: "" is
// the terminal's own background (Theme.Background), any other name a
// background role of the theme. The UI's styles (ui/styles.go, the panes'
// inks, the editor) must not draw a role on anything not listed here;
// the rendered-frame test in ui checks that they do not.
var drawnOn = map[string][]string{
	"Text":          {"", "Selection", "CursorLine"},
	"Muted":         {"", "Selection", "CursorLine"},
	"Accent":        {"", "Selection", "CursorLine"},
	"BorderFocus":   {""},
	"Error":         {""},
	"Warning":       {""},
	"OK":            {""},
	"Gutter":        {""},
	"StatusFg":      {"StatusBg"},
	"BadgeText":     {"BadgeProd", "BadgeSandbox", "BadgeRO"},
	"TypeInteger":   {"", "Selection", "CursorLine"},
	"TypeBulk":      {"", "Selection", "CursorLine"},
	"TypeStatus":    {"", "Selection", "CursorLine"},
	"TypeError":     {"", "Selection", "CursorLine"},
	"TypeNil":       {"", "Selection", "CursorLine"},
	"TypeAggregate": {"", "Selection", "CursorLine"},
	"TypeOther":     {"", "Selection", "CursorLine"},
}

// nonText roles are lines, not letters: the unfocused border is meant to
// recede, so only high-contrast, which promises every colour, checks it.
var nonText = map[string]bool{"Border": true}

// TestContrast checks WCAG 2 contrast of every colour role on everything
// it is drawn on, on both halves of every theme: Theme.MinContrast (7:1
// for high-contrast, 4.5:1 for the others).
func TestContrast(t *testing.T) {
	for _, th := range all {
		if th.Mono {
			continue
		}
		f := colorFields(th)
		for name := range f {
			if _, ok := drawnOn[name]; !ok && !nonText[name] && !isBackground(name) {
				t.Errorf("%s: colour role %s is not in drawnOn: say what it is drawn on", th.Name, name)
			}
		}
		for _, darkHalf := range []bool{false, true} {
			half := func(c Color) string {
				if darkHalf {
					return c.Dark
				}
				return c.Light
			}
			check := func(fg, bgRole string, min float64) {
				back := th.Background(darkHalf)
				if bgRole != "" {
					back = half(f[bgRole])
				}
				if r := contrast(t, half(f[fg]), back); r < min {
					t.Errorf("%s (dark half %v): %s %s on %s %s = %.2f:1, want ≥ %.1f",
						th.Name, darkHalf, fg, half(f[fg]), cmp.Or(bgRole, "terminal"), back, r, min)
				}
			}
			for fg, bgs := range drawnOn {
				for _, b := range bgs {
					check(fg, b, th.MinContrast())
				}
			}
			if th.MinContrast() >= 7 {
				for fg := range nonText {
					check(fg, "", th.MinContrast())
				}
			}
		}
	}
}

// isBackground reports a role that drawnOn names as a background.
func isBackground(role string) bool {
	for _, bgs := range drawnOn {
		if slices.Contains(bgs, role) {
			return true
		}
	}
	return false
}

func parseHex(s string) ([3]float64, error) {
	var rgb [3]float64
	if len(s) != 7 || s[0] != '#' {
		return rgb, errors.New(`want "#RRGGBB"`)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb, err
	}
	for i, shift := range []uint{16, 8, 0} {
		rgb[i] = float64(v>>shift&0xFF) / 255
	}
	return rgb, nil
}

func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	r, err := Contrast(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestContrastFormula(t *testing.T) {
	if r := contrast(t, "#000000", "#FFFFFF"); math.Abs(r-21) > 0.01 {
		t.Fatalf("black on white = %.3f, want 21", r)
	}
	if r := contrast(t, "#777777", "#FFFFFF"); math.Abs(r-4.48) > 0.01 {
		t.Fatalf("#777 on white = %.3f, want 4.48", r)
	}
}
