//go:build race

package ui

// raceBuild tells tests that the race detector multiplies their cost.
const raceBuild = true
