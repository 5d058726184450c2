// Package config reads luascope's TOML config file: the default theme and
// strategy, whether to record history and take the mouse, and named
// connections. It never
// holds a password: a connection names the environment variable to read
// one from (password_env), and a URL with a password in it is rejected.
//
// Mistakes are errors, not silently ignored: a syntax error names the file
// and line, an unknown key (a typo) is named with a suggestion, and an
// unknown theme or strategy lists the valid ones.
package config
