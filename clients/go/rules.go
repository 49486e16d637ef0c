package amslifecycle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// x-rules: the contract lists each field's rules in the order the TypeScript side
// checks them, with its exact message and whether a broken rule stops the field's
// other checks (abort). A field the schema refuses is told by these rules, so Go names
// the same broken rules in the same words.

type rule struct {
	schema  *jsonschema.Schema
	message string
	abort   bool
}

// fieldRules maps the JSON pointer of each schema node that carries x-rules to them.
type fieldRules map[string][]rule

func collectRules(name string, doc any) (fieldRules, error) {
	found := fieldRules{}
	var walk func(node any, pointer string) error
	walk = func(node any, pointer string) error {
		switch n := node.(type) {
		case map[string]any:
			if list, ok := n["x-rules"].([]any); ok {
				for i, item := range list {
					r, err := compileRule(fmt.Sprintf("%s%s/x-rules/%d", name, pointer, i), item)
					if err != nil {
						return err
					}
					found[pointer] = append(found[pointer], r)
				}
			}
			for key, child := range n {
				if key != "x-rules" {
					if err := walk(child, pointer+"/"+escapePointer(key)); err != nil {
						return err
					}
				}
			}
		case []any:
			for i, child := range n {
				if err := walk(child, fmt.Sprintf("%s/%d", pointer, i)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return found, walk(doc, "")
}

func compileRule(name string, item any) (rule, error) {
	object, ok := item.(map[string]any)
	if !ok {
		return rule{}, fmt.Errorf("%s: a rule must be an object", name)
	}
	keywords := map[string]any{}
	r := rule{}
	for key, value := range object {
		switch key {
		case "message":
			r.message, _ = value.(string)
		case "abort":
			r.abort, _ = value.(bool)
		default:
			keywords[key] = value
		}
	}
	encoded, err := json.Marshal(keywords)
	if err != nil {
		return rule{}, err
	}
	r.schema, err = compileSchema(name, encoded)
	return r, err
}

func escapePointer(token string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}

// ruleIssues: the messages of the rules value breaks, in order, up to the first that aborts.
// present is false for a missing field (every rule then fails as on undefined: the first one tells).
func ruleIssues(field string, rules []rule, value any, present bool) []Issue {
	var issues []Issue
	for _, r := range rules {
		if present && r.schema.Validate(value) == nil {
			continue
		}
		message := r.message
		if message == "" {
			message = "is not valid"
		}
		issues = append(issues, Issue{Field: field, Rule: message})
		if r.abort || !present {
			break
		}
	}
	return issues
}

// of answers the x-rules of property name when the schema node an error is at
// (schemaURL) is that property's node or inside it; nil otherwise.
func (f fieldRules) of(schemaURL, name string) []rule {
	_, pointer, _ := strings.Cut(schemaURL, "#")
	best := ""
	for candidate := range f {
		if (pointer == candidate || strings.HasPrefix(pointer, candidate+"/")) && len(candidate) > len(best) {
			best = candidate
		}
	}
	if !strings.HasSuffix(best, "/properties/"+escapePointer(name)) {
		return nil
	}
	return f[best]
}

// propertyOrder answers the top-level properties of a schema in the order the contract
// lists them: zod reports issues in its shape's order, which the contract keeps (a Go
// map would not).
func propertyOrder(raw json.RawMessage) ([]string, error) {
	var doc struct {
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.Properties) == 0 {
		return nil, err
	}
	decoder := json.NewDecoder(bytes.NewReader(doc.Properties))
	if _, err := decoder.Token(); err != nil { // {
		return nil, err
	}
	var names []string
	for decoder.More() {
		name, err := decoder.Token()
		if err != nil {
			return nil, err
		}
		names = append(names, name.(string))
		var skip json.RawMessage
		if err := decoder.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// orderIssues puts issues in the schema's property order (a field's own issues keep
// theirs); issues of no listed property ("(payload)": unknown fields) come last, as zod
// reports unrecognized keys after the shape's.
func orderIssues(issues []Issue, order []string) {
	rank := func(field string) int {
		top, _, _ := strings.Cut(field, ".")
		for i, name := range order {
			if name == top {
				return i
			}
		}
		return len(order)
	}
	sort.SliceStable(issues, func(i, j int) bool { return rank(issues[i].Field) < rank(issues[j].Field) })
}
