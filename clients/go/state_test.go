package amslifecycle

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Every field GetClusterState decodes is one the contract's clusterState result lists,
// with a JSON type that decodes into it: a field renamed or retyped on the TypeScript
// side (and so in the regenerated contract) fails here instead of decoding as empty.
func TestClusterStateDecodesTheContractsQueryResult(t *testing.T) {
	var file struct {
		Queries []struct {
			Name   string         `json:"name"`
			Result map[string]any `json:"result"`
		} `json:"queries"`
	}
	if err := json.Unmarshal(contractJSON, &file); err != nil {
		t.Fatal(err)
	}
	for _, query := range file.Queries {
		if query.Name == stateQuery {
			checkFields(t, "ClusterState", reflect.TypeOf(ClusterState{}), query.Result)
			return
		}
	}
	t.Fatalf("no query %q", stateQuery)
}

// jsonTypes: the JSON Schema types a Go kind decodes.
var jsonTypes = map[reflect.Kind][]string{
	reflect.String: {"string"}, reflect.Bool: {"boolean"}, reflect.Int: {"number", "integer"},
	reflect.Struct: {"object"}, reflect.Map: {"object"}, reflect.Slice: {"array"},
}

func checkFields(t *testing.T, path string, typ reflect.Type, schema map[string]any) {
	t.Helper()
	properties, _ := schema["properties"].(map[string]any)
	for i := 0; i < typ.NumField(); i++ {
		field := typ.Field(i)
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		published, ok := properties[name].(map[string]any)
		if !ok {
			t.Errorf("%s.%s: the contract's result has no field %q", path, field.Name, name)
			continue
		}
		fieldType := field.Type
		if fieldType.Kind() == reflect.Pointer {
			fieldType = fieldType.Elem()
		}
		jsonType, _ := published["type"].(string)
		if jsonType != "" && !contains(jsonTypes[fieldType.Kind()], jsonType) {
			t.Errorf("%s.%s: a Go %s cannot hold the contract's %s", path, field.Name, fieldType.Kind(), jsonType)
		}
		switch {
		case fieldType.Kind() == reflect.Struct:
			checkFields(t, path+"."+field.Name, fieldType, published)
		case fieldType.Kind() == reflect.Slice && fieldType.Elem().Kind() == reflect.Struct:
			items, _ := published["items"].(map[string]any)
			checkFields(t, path+"."+field.Name+"[]", fieldType.Elem(), items)
		}
	}
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}
