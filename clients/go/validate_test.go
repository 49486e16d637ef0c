package amslifecycle

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// The Go client refuses exactly what the TypeScript client refuses, with the same
// fields and rules: each payload is checked by both (testdata/validate.ts runs
// workflows/validation.ts) and the answers compared.
func TestValidationMatchesTypeScript(t *testing.T) {
	id := newClusterID()
	cases := []struct {
		Schema  string `json:"schema"`
		Payload any    `json:"payload"`
	}{
		{"clusterId", map[string]any{"clusterId": id}},
		{"clusterId", map[string]any{"clusterId": strings.ToUpper(id)}},
		{"clusterId", map[string]any{"clusterId": id + " "}},
		{"clusterId", map[string]any{"clusterId": 42}},
		{"clusterId", map[string]any{}},
		{"registration", map[string]any{"clusterId": id, "displayName": "prod", "accountUsername": "alice"}},
		{"registration", map[string]any{"clusterId": "x", "displayName": " \t", "accountUsername": ""}},
		{"registration", map[string]any{"clusterId": id, "displayName": "a", "accountUsername": "b", "extra": 1}},
		{"rename", map[string]any{"displayName": "ünïcödé name 😀"}},
		{"rename", map[string]any{"displayName": strings.Repeat("😀", 127) + "a"}},
		{"rename", map[string]any{"displayName": strings.Repeat("😀", 128)}},
		{"rename", map[string]any{"displayName": "tab\tinside"}},
		{"rename", map[string]any{"displayName": "\u0085next line"}},
		{"rename", map[string]any{"displayName": "\u3000"}},
		{"rename", map[string]any{"displayName": strings.Repeat("x", 300) + "\n"}},
		{"openshiftClusterId", map[string]any{"openshiftClusterId": "nope"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https://console-openshift-console.apps.a.example.com/path?q=1#f"}},
		{"consoleUrl", map[string]any{"consoleUrl": "HTTPS://Console.Example.COM:8443"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https://[fd00::1]:6443/"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https://console.example.com:65536/"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https://console.example.com:0"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https://user@console.example.com/"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https://console.example.com/a b"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https:console.example.com"}},
		{"consoleUrl", map[string]any{"consoleUrl": "ftp://console.example.com"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https://-bad-.example.com"}},
		{"consoleUrl", map[string]any{"consoleUrl": "https://console.example.com/" + strings.Repeat("p", 2048)}},
		{"installFailed", map[string]any{}},
		{"installFailed", map[string]any{"reason": "line one\nline two\ttabbed"}},
		{"installFailed", map[string]any{"reason": "bell\a"}},
		{"installFailed", map[string]any{"reason": strings.Repeat("r", 2001) + "\a"}},
		{"deleted", map[string]any{"by": "garbage-collection"}},
		{"deleted", map[string]any{"by": "robot"}},
		{"deleted", map[string]any{}},
		// order: accountUsername's issue before displayName's although it sorts first by name
		{"registration", map[string]any{"clusterId": id, "displayName": "", "accountUsername": ""}},
		{"registration", map[string]any{"clusterId": "x", "displayName": "\a", "accountUsername": strings.Repeat("a", 256), "z": 1, "a": 2}},
		// capText in UTF-16 units: an unknown field name of 150 emoji is over 200 units
		{"rename", map[string]any{"displayName": "ok", strings.Repeat("😀", 150): 1}},
		{"installFailed", map[string]any{"reason": ""}},
	}
	encoded, _ := json.Marshal(cases)
	cmd := exec.Command("node", "--import", "tsx", "clients/go/testdata/validate.ts")
	cmd.Dir = repositoryRoot(t)
	cmd.Stdin = bytes.NewReader(encoded)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testdata/validate.ts: %v", err)
	}
	var fromTS [][]Issue
	if err := json.Unmarshal(out, &fromTS); err != nil || len(fromTS) != len(cases) {
		t.Fatalf("testdata/validate.ts printed %q (%v)", out, err)
	}
	refused := 0
	for i, tc := range cases {
		if len(fromTS[i]) > 0 {
			refused++
		}
		var fromGo []Issue
		if err := contract.check("test", tc.Schema, tc.Payload); err != nil {
			fromGo = err.(*InvalidInputError).Issues
		}
		want := fromTS[i] // as TypeScript orders them: schema order, then capped
		if len(want) == 0 && len(fromGo) == 0 {
			continue
		}
		if !reflect.DeepEqual(fromGo, want) {
			t.Errorf("%s %q:\n  Go:         %+v\n  TypeScript: %+v", tc.Schema, tc.Payload, fromGo, want)
		}
	}
	if refused < 20 {
		t.Errorf("only %d of the %d payloads are refused: the comparison tests too little", refused, len(cases))
	}
}
