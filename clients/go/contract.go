package amslifecycle

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
)

// contract.json is generated from the TypeScript code (`npm run contract`), never
// edited by hand: names, ids and payload schemas come from it, so Go cannot drift
// from the workflow.
//
//go:embed contract.json
var contractJSON []byte

// Names the client sends; loading checks the contract lists each of them, so a
// renamed signal or failure type fails at start rather than on the wire.
const (
	registrationUpdate     = "registration"
	stateQuery             = "clusterState"
	failureRefused         = "RegistrationRefused"
	failurePending         = "RegistrationPending"
	failureDeleted         = "ClusterDeleted"
	failureInvalidInput    = "InvalidInput"
	signalRename           = "rename"
	signalOpenshiftID      = "openshiftClusterId"
	signalConsoleURL       = "consoleUrl"
	signalInstallSucceeded = "installSucceeded"
	signalInstallFailed    = "installFailed"
	signalInstallRestarted = "installRestarted"
	signalDeleted          = "deleted"
	schemaRegistration     = "registration"
	schemaClusterID        = "clusterId"
	schemaAfterInstall     = "afterInstall"
)

type contractData struct {
	workflowType     string
	workflowIDPrefix string
	taskQueue        string
	// handover: the RegistrationPending detail that says "ask the next run at once".
	handover         string
	searchAttributes []string
	// schemas by name: signal payloads by signal name, registration, clusterId, afterInstall.
	schemas map[string]*payloadSchema
	// afterInstallDefaults: the timing of a run whose input has no afterInstall.
	afterInstallDefaults AfterInstallTiming
}

var contract = mustLoadContract(contractJSON)

func mustLoadContract(data []byte) *contractData {
	k, err := loadContract(data)
	if err != nil {
		panic(fmt.Sprintf("amslifecycle: contract.json: %v (regenerate it: npm run contract)", err))
	}
	return k
}

// check validates payload against the contract's schema named key.
func (k *contractData) check(operation, key string, payload any) error {
	schema, ok := k.schemas[key]
	if !ok {
		panic(fmt.Sprintf("amslifecycle: contract.json has no schema %q", key))
	}
	if issues := validatePayload(schema, payload); len(issues) > 0 {
		return &InvalidInputError{Operation: operation, Issues: issues}
	}
	return nil
}

// contractFile is the part of contract.json the client reads (docs/contract.md explains it all).
type contractFile struct {
	Workflow struct {
		Type       string `json:"type"`
		TaskQueue  string `json:"taskQueue"`
		WorkflowID struct {
			Prefix string `json:"prefix"`
		} `json:"workflowId"`
		Input struct {
			Schema         json.RawMessage `json:"schema"`
			OptionalFields struct {
				AfterInstall struct {
					Default AfterInstallTiming `json:"default"`
					Schema  json.RawMessage    `json:"schema"`
				} `json:"afterInstall"`
			} `json:"optionalFields"`
		} `json:"input"`
	} `json:"workflow"`
	Signals []struct {
		Name    string          `json:"name"`
		Payload json.RawMessage `json:"payload"`
	} `json:"signals"`
	Updates []struct {
		Name           string   `json:"name"`
		Failures       []string `json:"failures"`
		HandoverDetail string   `json:"handoverDetail"`
	} `json:"updates"`
	Queries []struct {
		Name string `json:"name"`
	} `json:"queries"`
	SearchAttributes []struct {
		Name string `json:"name"`
	} `json:"searchAttributes"`
}

func loadContract(data []byte) (*contractData, error) {
	var file contractFile
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, err
	}
	k := &contractData{
		workflowType:     file.Workflow.Type,
		workflowIDPrefix: file.Workflow.WorkflowID.Prefix,
		taskQueue:        file.Workflow.TaskQueue,
		schemas:          map[string]*payloadSchema{},
	}
	if k.workflowType == "" || k.workflowIDPrefix == "" || k.taskQueue == "" {
		return nil, fmt.Errorf("workflow type, id prefix or task queue missing")
	}
	for _, attribute := range file.SearchAttributes {
		k.searchAttributes = append(k.searchAttributes, attribute.Name)
	}
	raw := map[string]json.RawMessage{schemaRegistration: file.Workflow.Input.Schema}
	afterInstall := file.Workflow.Input.OptionalFields.AfterInstall
	if len(afterInstall.Schema) == 0 || len(afterInstall.Default.TelemetryCheckSeconds) == 0 || afterInstall.Default.DriftCheckSeconds == 0 {
		return nil, fmt.Errorf("the workflow input's afterInstall has no schema or no default")
	}
	raw[schemaAfterInstall] = afterInstall.Schema
	k.afterInstallDefaults = afterInstall.Default
	// A cluster id alone (signals, queries) follows the registration's rule for it.
	var input struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(file.Workflow.Input.Schema, &input); err != nil || input.Properties["clusterId"] == nil {
		return nil, fmt.Errorf("the workflow input schema has no clusterId property")
	}
	raw[schemaClusterID] = json.RawMessage(`{"type":"object","properties":{"clusterId":` + string(input.Properties["clusterId"]) +
		`},"required":["clusterId"],"additionalProperties":false}`)
	signals := map[string]bool{}
	for _, signal := range file.Signals {
		signals[signal.Name] = true
		if len(signal.Payload) > 0 && string(signal.Payload) != "null" {
			raw[signal.Name] = signal.Payload
		}
	}
	for _, name := range []string{signalRename, signalOpenshiftID, signalConsoleURL, signalInstallSucceeded, signalInstallFailed, signalInstallRestarted, signalDeleted} {
		if !signals[name] {
			return nil, fmt.Errorf("no signal %q", name)
		}
	}
	for _, name := range []string{signalRename, signalOpenshiftID, signalConsoleURL, signalInstallFailed, signalDeleted} {
		if raw[name] == nil {
			return nil, fmt.Errorf("signal %q has no payload schema", name)
		}
	}
	if err := k.readUpdate(file); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(file.Queries, func(q struct {
		Name string `json:"name"`
	}) bool {
		return q.Name == stateQuery
	}) {
		return nil, fmt.Errorf("no query %q", stateQuery)
	}
	for key, schema := range raw {
		compiled, err := compilePayload(key, schema)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", key, err)
		}
		k.schemas[key] = compiled
	}
	return k, nil
}

// readUpdate: the registration update and the failure types the client maps to errors.
func (k *contractData) readUpdate(file contractFile) error {
	for _, update := range file.Updates {
		if update.Name != registrationUpdate {
			continue
		}
		for _, failure := range []string{failureRefused, failurePending, failureDeleted, failureInvalidInput} {
			if !slices.Contains(update.Failures, failure) {
				return fmt.Errorf("update %q lists no failure %q", registrationUpdate, failure)
			}
		}
		if update.HandoverDetail == "" {
			return fmt.Errorf("update %q has no handoverDetail", registrationUpdate)
		}
		k.handover = update.HandoverDetail
		return nil
	}
	return fmt.Errorf("no update %q", registrationUpdate)
}
