package amslifecycle

import (
	"fmt"
	"unicode/utf16"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/message"
)

// x-maxUtf16Length, the contract's one extension: the TypeScript rules count string
// length in UTF-16 code units (a character outside the BMP counts twice), JSON
// Schema's maxLength in code points; the client holds both.

const utf16Keyword = "x-maxUtf16Length"

type maxUTF16 struct{ max int }

func (m maxUTF16) Validate(ctx *jsonschema.ValidatorContext, v any) {
	if s, ok := v.(string); ok {
		if n := len(utf16.Encode([]rune(s))); n > m.max {
			ctx.AddError(&tooLongUTF16{got: n, want: m.max})
		}
	}
}

type tooLongUTF16 struct{ got, want int }

func (*tooLongUTF16) KeywordPath() []string { return []string{utf16Keyword} }

func (k *tooLongUTF16) LocalizedString(p *message.Printer) string {
	return p.Sprintf("must be at most %d characters (UTF-16 code units), got %d", k.want, k.got)
}

func utf16Vocabulary() *jsonschema.Vocabulary {
	return extensionVocabulary(utf16Keyword, `{"type":"integer","minimum":0}`, func(_ *jsonschema.CompilerContext, obj map[string]any) (jsonschema.SchemaExt, error) {
		value, ok := obj[utf16Keyword]
		if !ok {
			return nil, nil
		}
		var n int
		if _, err := fmt.Sscan(fmt.Sprint(value), &n); err != nil {
			return nil, fmt.Errorf("%s: %v", utf16Keyword, err)
		}
		return maxUTF16{n}, nil
	})
}
