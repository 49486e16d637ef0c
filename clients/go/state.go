package amslifecycle

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ClusterState is what GetClusterState answers (the workflow's clusterState query):
// the fields an installer reads, typed; Raw holds the whole answer.
type ClusterState struct {
	WorkflowID     string              `json:"workflowId"`
	Phase          string              `json:"phase"`
	SubscriptionID string              `json:"subscriptionId,omitempty"`
	Registration   Registration        `json:"registration"`
	Desired        SubscriptionValues  `json:"desired"`
	Applied        SubscriptionValues  `json:"applied"`
	AMS            *SubscriptionValues `json:"ams,omitempty"`
	LastError      *AmsErrorInfo       `json:"lastError,omitempty"`
	Refusal        *AmsErrorInfo       `json:"refusal,omitempty"`
	Deletion       *struct {
		By      DeletedBy `json:"by"`
		Outcome string    `json:"outcome,omitempty"`
	} `json:"deletion,omitempty"`
	InstallFailure *struct {
		Reason string `json:"reason,omitempty"`
		At     string `json:"at"`
	} `json:"installFailure,omitempty"`
	RejectedInputs []struct {
		Signal string `json:"signal"`
		Field  string `json:"field"`
		Rule   string `json:"rule"`
		At     string `json:"at"`
	} `json:"rejectedInputs"`
	Pending []map[string]any `json:"pending"`
	Done    bool             `json:"done"`
	Raw     json.RawMessage  `json:"-"`
}

// SubscriptionValues are the subscription fields the workflow keeps in step with AMS.
type SubscriptionValues struct {
	DisplayName       string `json:"display_name,omitempty"`
	ExternalClusterID string `json:"external_cluster_id,omitempty"`
	ConsoleURL        string `json:"console_url,omitempty"`
	Status            string `json:"status,omitempty"`
}

// UnmarshalJSON keeps the whole answer in Raw besides the typed fields.
func (s *ClusterState) UnmarshalJSON(data []byte) error {
	type plain ClusterState
	if err := json.Unmarshal(data, (*plain)(s)); err != nil {
		return err
	}
	s.Raw = append(json.RawMessage(nil), data...)
	return nil
}

// checkAfterInstall: the timing of the checks after the install, validated by the
// contract's afterInstall schema (as the TypeScript client's option), unset fields
// (nil, 0) taken from its defaults; a wrong field is named with its rule.
func checkAfterInstall(t AfterInstallTiming) (AfterInstallTiming, error) {
	given := map[string]any{}
	if t.TelemetryCheckSeconds != nil {
		given["telemetryCheckSeconds"] = t.TelemetryCheckSeconds
	}
	if t.DriftCheckSeconds != 0 {
		given["driftCheckSeconds"] = t.DriftCheckSeconds
	}
	if issues := validatePayload(contract.schemas[schemaAfterInstall], given); len(issues) > 0 {
		name, _, _ := strings.Cut(issues[0].Field, ".")
		got := given[name]
		return t, fmt.Errorf("Options.AfterInstall.%s: %s, got %v", strings.ToUpper(name[:1])+name[1:], issues[0].Rule, got)
	}
	timing := contract.afterInstallDefaults
	if t.TelemetryCheckSeconds != nil {
		timing.TelemetryCheckSeconds = t.TelemetryCheckSeconds
	}
	if t.DriftCheckSeconds != 0 {
		timing.DriftCheckSeconds = t.DriftCheckSeconds
	}
	timing.TelemetryCheckSeconds = append([]int(nil), timing.TelemetryCheckSeconds...)
	return timing, nil
}
