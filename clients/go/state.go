package amslifecycle

import (
	"encoding/json"
	"fmt"
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

const afterInstallMaxSeconds = 365 * 86_400

// checkAfterInstall: the timing of the checks after the install, each field named with its rule when wrong.
func checkAfterInstall(t AfterInstallTiming) (AfterInstallTiming, error) {
	const name = "Options.AfterInstall"
	checks := t.TelemetryCheckSeconds
	if checks == nil {
		checks = []int{3_600, 21_600, 86_400}
	}
	ok := len(checks) >= 1 && len(checks) <= 10
	for i, n := range checks {
		ok = ok && n >= 1 && n <= afterInstallMaxSeconds && (i == 0 || n > checks[i-1])
	}
	if !ok {
		return t, fmt.Errorf("%s.TelemetryCheckSeconds: must be 1 to 10 rising whole numbers of seconds from 1 to %d, got %v", name, afterInstallMaxSeconds, checks)
	}
	drift := t.DriftCheckSeconds
	if drift == 0 {
		drift = 86_400
	}
	if drift < 1 || drift > afterInstallMaxSeconds {
		return t, fmt.Errorf("%s.DriftCheckSeconds: must be a whole number of seconds from 1 to %d, got %d", name, afterInstallMaxSeconds, drift)
	}
	return AfterInstallTiming{TelemetryCheckSeconds: append([]int(nil), checks...), DriftCheckSeconds: drift}, nil
}
