package amslifecycle

import (
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The contract's patterns are ECMA-262 (JSON Schema's dialect, what zod emits: \u
// escapes, lookarounds), which Go's RE2 does not read; regexp2 does.

type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool {
	matched, err := r.re.MatchString(s)
	return err == nil && matched // err: the match timed out (see below): not a match
}

func (r ecmaRegexp) String() string { return r.re.String() }

func ecmaRegexpEngine(pattern string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript|regexp2.Unicode)
	if err != nil {
		return nil, err
	}
	// Backtracking engines can be slow on hostile input; inputs are small, so a
	// generous bound only stops a pathological case.
	re.MatchTimeout = time.Second
	return ecmaRegexp{re}, nil
}
