package amslifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Payload validation against the contract's JSON Schemas, whose patterns are
// RE2-portable (test/contract.test.ts enforces it), so Go's regexp, the validator's
// default engine, reads them with the same meaning as ECMAScript. A failure becomes
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
	compiler.AssertVocabs()
	compiler.RegisterVocabulary(utf16Vocabulary())
	compiler.RegisterVocabulary(risingVocabulary())
	if err := compiler.AddResource(url, doc); err != nil {
		return nil, err
	}
	return compiler.Compile(url)
}

// payloadSchema is one payload's schema with its fields' x-rules.
type payloadSchema struct {
	schema *jsonschema.Schema
	rules  fieldRules
	order  []string // top-level properties in the contract's order
}

func compilePayload(name string, raw json.RawMessage) (*payloadSchema, error) {
	schema, err := compileSchema(name, raw)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	rules, err := collectRules(name, doc)
	if err != nil {
		return nil, err
	}
	order, err := propertyOrder(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: properties: %w", name, err)
	}
	return &payloadSchema{schema, rules, order}, nil
}

// validatePayload answers the issues of value against the schema (none when it is valid).
func validatePayload(p *payloadSchema, value any) []Issue {
	encoded, err := json.Marshal(value)
	if err != nil {
		return []Issue{{Field: "(payload)", Rule: "must be JSON: " + err.Error()}}
	}
	instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(encoded))
	if err != nil {
		return []Issue{{Field: "(payload)", Rule: "must be JSON: " + err.Error()}}
	}
	err = p.schema.Validate(instance)
	if err == nil {
		return nil
	}
	var invalid *jsonschema.ValidationError
	if !errors.As(err, &invalid) {
		return []Issue{{Field: "(payload)", Rule: err.Error()}}
	}
	var issues []Issue
	told := map[string]bool{}
	for _, leaf := range leaves(invalid) {
		for _, field := range p.fieldIssues(leaf, instance) {
			if told[field.name] {
				continue
			}
			told[field.name] = true
			for _, issue := range field.issues {
				issues = append(issues, Issue{Field: capText(issue.Field), Rule: capText(issue.Rule)})
			}
		}
	}
	orderIssues(issues, p.order) // then capped, as workflows/rules-check.ts
	if more := len(issues) - issuesKept; more > 0 {
		issues = append(issues[:issuesKept], Issue{Field: "(payload)", Rule: fmt.Sprintf("and %d more issue(s)", more)})
	}
	return issues
}

type fieldIssue struct {
	name   string
	issues []Issue
}

// fieldIssues: what one schema error says, field by field: the field's x-rules when
// the contract has them, else words made from the JSON Schema keyword.
func (p *payloadSchema) fieldIssues(e *jsonschema.ValidationError, instance any) []fieldIssue {
	name := fieldName(e.InstanceLocation)
	if required, ok := e.ErrorKind.(*kind.Required); ok {
		var out []fieldIssue
		for _, missing := range required.Missing {
			child := fieldName(append(append([]string(nil), e.InstanceLocation...), missing))
			if rules := p.rules.of(e.SchemaURL+"/properties/"+escapePointer(missing), missing); rules != nil {
				out = append(out, fieldIssue{child, ruleIssues(child, rules, nil, false)})
			} else {
				out = append(out, fieldIssue{child, []Issue{{Field: child, Rule: "is required"}}})
			}
		}
		return out
	}
	// The innermost field with x-rules tells: an array element's error is its array's rules.
	for depth := len(e.InstanceLocation); depth > 0; depth-- {
		location := e.InstanceLocation[:depth]
		if rules := p.rules.of(e.SchemaURL, location[depth-1]); rules != nil {
			if value, ok := valueAt(instance, location); ok {
				if issues := ruleIssues(fieldName(location), rules, value, true); len(issues) > 0 {
					return []fieldIssue{{fieldName(location), issues}}
				}
			}
			break
		}
	}
	return []fieldIssue{{name, issuesOf(e)}}
}

func valueAt(instance any, location []string) (any, bool) {
	for _, token := range location {
		object, ok := instance.(map[string]any)
		if !ok {
			return nil, false
		}
		if instance, ok = object[token]; !ok {
			return nil, false
		}
	}
	return instance, true
}

func fieldName(location []string) string {
	if len(location) == 0 {
		return "(payload)"
	}
	return strings.Join(location, ".")
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
	field := fieldName(e.InstanceLocation)
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
		// The validator lists them in map order; json.Marshal (what TypeScript receives) sorts them.
		names := slices.Sorted(slices.Values(k.Properties))
		return []Issue{{Field: field, Rule: "unknown field(s): " + strings.Join(names, ", ")}}
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

// capText cuts as workflows/rules-check.ts does: in UTF-16 code units (a cut pair's
// half becomes U+FFFD, as the TypeScript text does once it is JSON).
func capText(text string) string {
	units := utf16.Encode([]rune(text))
	if len(units) > issueTextMax {
		return string(utf16.Decode(units[:issueTextMax-1])) + "…"
	}
	return text
}

// extensionVocabulary declares one extension keyword of the contract: its own value must
// match keywordSchema, and compile turns a schema that uses it into a check.
func extensionVocabulary(keyword, keywordSchema string, compile func(*jsonschema.CompilerContext, map[string]any) (jsonschema.SchemaExt, error)) *jsonschema.Vocabulary {
	url := "contract:///vocabulary/" + keyword
	meta, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"properties":{"` + keyword + `":` + keywordSchema + `}}`))
	if err != nil {
		panic(err)
	}
	compiler := jsonschema.NewCompiler()
	if err := compiler.AddResource(url, meta); err != nil {
		panic(err)
	}
	schema, err := compiler.Compile(url)
	if err != nil {
		panic(err)
	}
	return &jsonschema.Vocabulary{URL: url, Schema: schema, Compile: compile}
}
