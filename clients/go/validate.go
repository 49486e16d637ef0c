package amslifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Payload validation against the contract's JSON Schemas; a failure becomes
// *InvalidInputError whose issues name the field (a dotted path, as the TypeScript
// client names it) and the rule.

const (
	issuesKept   = 5   // as workflows/validation.ts: what an error carries is capped
	issueTextMax = 200 // characters per field or rule
)

var printer = message.NewPrinter(language.English)

func compileSchema(name string, schema json.RawMessage) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, err
	}
	url := "contract:///" + name + ".json"
	compiler := jsonschema.NewCompiler()
	compiler.UseRegexpEngine(ecmaRegexpEngine)
	compiler.AssertVocabs()
	compiler.RegisterVocabulary(utf16Vocabulary())
	if err := compiler.AddResource(url, doc); err != nil {
		return nil, err
	}
	return compiler.Compile(url)
}

// validatePayload answers the issues of value against schema (none when it is valid).
func validatePayload(schema *jsonschema.Schema, value any) []Issue {
	encoded, err := json.Marshal(value)
	if err != nil {
		return []Issue{{Field: "(payload)", Rule: "must be JSON: " + err.Error()}}
	}
	instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(encoded))
	if err != nil {
		return []Issue{{Field: "(payload)", Rule: "must be JSON: " + err.Error()}}
	}
	err = schema.Validate(instance)
	if err == nil {
		return nil
	}
	var invalid *jsonschema.ValidationError
	if !errors.As(err, &invalid) {
		return []Issue{{Field: "(payload)", Rule: err.Error()}}
	}
	var issues []Issue
	seen := map[string]bool{}
	for _, leaf := range leaves(invalid) {
		for _, issue := range issuesOf(leaf) {
			// Each field reports the first rule it breaks, as the TypeScript client does.
			if !seen[issue.Field] {
				seen[issue.Field] = true
				issues = append(issues, Issue{Field: capText(issue.Field), Rule: capText(issue.Rule)})
			}
		}
	}
	sort.SliceStable(issues, func(i, j int) bool { return issues[i].Field < issues[j].Field })
	if more := len(issues) - issuesKept; more > 0 {
		issues = append(issues[:issuesKept], Issue{Field: "(payload)", Rule: fmt.Sprintf("and %d more issue(s)", more)})
	}
	return issues
}

func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var all []*jsonschema.ValidationError
	for _, cause := range e.Causes {
		all = append(all, leaves(cause)...)
	}
	return all
}

func issuesOf(e *jsonschema.ValidationError) []Issue {
	field := strings.Join(e.InstanceLocation, ".")
	if field == "" {
		field = "(payload)"
	}
	at := func(name string) string {
		if len(e.InstanceLocation) == 0 {
			return name
		}
		return field + "." + name
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		issues := make([]Issue, len(k.Missing))
		for i, name := range k.Missing {
			issues[i] = Issue{Field: at(name), Rule: "is required"}
		}
		return issues
	case *kind.AdditionalProperties:
		return []Issue{{Field: field, Rule: "unknown field(s): " + strings.Join(k.Properties, ", ")}}
	case *kind.Type:
		return []Issue{{Field: field, Rule: "must be " + article(strings.Join(k.Want, " or "))}}
	case *kind.MinLength:
		if k.Want == 1 {
			return []Issue{{Field: field, Rule: "must not be empty"}}
		}
		return []Issue{{Field: field, Rule: fmt.Sprintf("must be at least %d characters", k.Want)}}
	case *kind.MaxLength:
		return []Issue{{Field: field, Rule: fmt.Sprintf("must be at most %d characters", k.Want)}}
	case *kind.Pattern:
		return []Issue{{Field: field, Rule: "must match the pattern /" + k.Want + "/"}}
	case *tooLongUTF16:
		return []Issue{{Field: field, Rule: k.LocalizedString(printer)}}
	case *kind.Enum:
		quoted := make([]string, len(k.Want))
		for i, want := range k.Want {
			quoted[i] = fmt.Sprintf("'%v'", want)
		}
		return []Issue{{Field: field, Rule: "must be " + strings.Join(quoted, " or ")}}
	}
	return []Issue{{Field: field, Rule: e.ErrorKind.LocalizedString(printer)}}
}

func article(typ string) string {
	switch typ {
	case "object", "integer", "array":
		return "an " + typ
	}
	return "a " + typ
}

func capText(text string) string {
	runes := []rune(text)
	if len(runes) > issueTextMax {
		return string(runes[:issueTextMax-1]) + "…"
	}
	return text
}
