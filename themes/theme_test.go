package themes

import (
	"errors"
	"math"
	"reflect"
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
			s, ok := styles.Registry[name]
			if !ok || styles.Get(name) == styles.Fallback {
				t.Errorf("%s: chroma style %q does not exist", th.Name, name)
				continue
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

// bg is the background each half of a theme is drawn on: fixed themes use
// their own palette's background on both halves.
func bg(th Theme, darkHalf bool) string {
	switch th.Name {
	case "dark":
		return "#000000"
	case "light":
		return "#FFFFFF"
	}
	if darkHalf {
		return "#000000"
	}
	return "#FFFFFF"
}

// TestContrast checks WCAG 2 contrast: high-contrast meets AAA (7:1) for
// text and every foreground; the others meet AA (4.5:1) for text and
// 3:1 for the rest. Background roles are checked against their text.
func TestContrast(t *testing.T) {
	foreground := []string{"Muted", "Accent", "BorderFocus", "Error", "Warning", "OK", "Gutter",
		"TypeInteger", "TypeBulk", "TypeStatus", "TypeError", "TypeNil", "TypeAggregate", "TypeOther"}
	pairs := [][2]string{{"Text", "Selection"}, {"Text", "CursorLine"}, {"StatusFg", "StatusBg"},
		{"BadgeText", "BadgeProd"}, {"BadgeText", "BadgeSandbox"}, {"BadgeText", "BadgeRO"}}
	for _, th := range all {
		if th.Mono {
			continue
		}
		textMin, fgMin, pairMin := 4.5, 3.0, 4.5
		if th.Name == "high-contrast" {
			textMin, fgMin, pairMin = 7, 7, 7
		}
		f := colorFields(th)
		for _, darkHalf := range []bool{false, true} {
			half := func(c Color) string {
				if darkHalf {
					return c.Dark
				}
				return c.Light
			}
			back := bg(th, darkHalf)
			check := func(what, a, b string, min float64) {
				if r := contrast(t, a, b); r < min {
					t.Errorf("%s (dark half %v): %s %s on %s = %.2f:1, want ≥ %.1f", th.Name, darkHalf, what, a, b, r, min)
				}
			}
			check("Text", half(f["Text"]), back, textMin)
			for _, n := range foreground {
				check(n, half(f[n]), back, fgMin)
			}
			for _, p := range pairs {
				check(p[0]+"/"+p[1], half(f[p[0]]), half(f[p[1]]), pairMin)
			}
		}
	}
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

// luminance is WCAG 2's relative luminance.
func luminance(t *testing.T, hex string) float64 {
	rgb, err := parseHex(hex)
	if err != nil {
		t.Fatalf("%q: %v", hex, err)
	}
	for i, c := range rgb {
		if c <= 0.03928 {
			rgb[i] = c / 12.92
		} else {
			rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastFormula(t *testing.T) {
	if r := contrast(t, "#000000", "#FFFFFF"); math.Abs(r-21) > 0.01 {
		t.Fatalf("black on white = %.3f, want 21", r)
	}
	if r := contrast(t, "#777777", "#FFFFFF"); math.Abs(r-4.48) > 0.01 {
		t.Fatalf("#777 on white = %.3f, want 4.48", r)
	}
}
