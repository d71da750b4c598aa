package main

import "flag"

// given reports whether the flag name was on the command line (with any
// value, its zero value too), as opposed to left at its default.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}
