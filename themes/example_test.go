package themes_test

import (
	"fmt"

	"luascope/themes"
)

func Example() {
	// The name comes from --theme or the config file; NO_COLOR wins.
	// luascope passes os.Getenv; this example pretends NO_COLOR is unset.
	th := themes.FromEnv("high-contrast", func(string) string { return "" })
	fmt.Println(th.Name, th.ChromaFor(true), th.ChromaFor(false))
	fmt.Println(th.Text.Dark, th.Text.Light)

	_, err := themes.Get("solarized")
	fmt.Println(err)
	// Output:
	// high-contrast luascope-high-contrast-dark luascope-high-contrast-light
	// #FFFFFF #000000
	// unknown theme "solarized" (themes: auto, dark, light, high-contrast, mono)
}
