package amslifecycle

import (
	"encoding/json"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/message"
)

// x-risingItems, the contract's other extension: each element of the array is greater
// than the one before (the after-install telemetry checks); JSON Schema cannot say it.

const risingKeyword = "x-risingItems"

type risingItems struct{}

func (risingItems) Validate(ctx *jsonschema.ValidatorContext, v any) {
	items, ok := v.([]any)
	if !ok {
		return
	}
	for i := 1; i < len(items); i++ {
		previous, okPrevious := number(items[i-1])
		current, okCurrent := number(items[i])
		if okPrevious && okCurrent && current <= previous {
			ctx.AddError(&notRising{index: i})
			return
		}
	}
}

// number reads a JSON number as the validator decodes it (json.Number).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

type notRising struct{ index int }

func (*notRising) KeywordPath() []string { return []string{risingKeyword} }

func (k *notRising) LocalizedString(p *message.Printer) string {
	return p.Sprintf("must rise: item %d is not greater than the one before", k.index)
}

func risingVocabulary() *jsonschema.Vocabulary {
	return extensionVocabulary(risingKeyword, `{"type":"boolean"}`, func(_ *jsonschema.CompilerContext, obj map[string]any) (jsonschema.SchemaExt, error) {
		if rising, _ := obj[risingKeyword].(bool); rising {
			return risingItems{}, nil
		}
		return nil, nil
	})
}
