package amslifecycle

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
)

// scenario is one installer's story, told by the Go client and by the TypeScript one.
// Its install failure has an empty reason: both clients must send it as {reason: ""}.
type scenario struct {
	ClusterID          string `json:"clusterId"`
	AccountUsername    string `json:"accountUsername"`
	DisplayName        string `json:"displayName"`
	Renamed            string `json:"renamed"`
	OpenshiftClusterID string `json:"openshiftClusterId"`
	ConsoleURL         string `json:"consoleUrl"`
	Failure            string `json:"failure"`
}

func newScenario() scenario {
	return scenario{newClusterID(), "alice", "parity", "parity-renamed", newClusterID(), "https://console-openshift-console.apps.parity.example.com", ""}
}

func (s scenario) runInGo(ctx context.Context, c *Client) (string, error) {
	registered, err := c.RegisterCluster(ctx, Registration{ClusterID: s.ClusterID, DisplayName: s.DisplayName, AccountUsername: s.AccountUsername})
	if err != nil {
		return "", err
	}
	for _, step := range []func() error{
		func() error { return c.RenameCluster(ctx, s.ClusterID, s.Renamed) },
		func() error { return c.SetOpenshiftClusterID(ctx, s.ClusterID, s.OpenshiftClusterID) },
		func() error { return c.SetConsoleURL(ctx, s.ClusterID, s.ConsoleURL) },
		func() error { return c.MarkInstallFailed(ctx, s.ClusterID, s.Failure) },
		func() error { return c.RestartInstall(ctx, s.ClusterID) },
		func() error { return c.MarkInstalled(ctx, s.ClusterID) },
	} {
		if err := step(); err != nil {
			return "", err
		}
	}
	return registered.SubscriptionID, nil
}

// runInTypeScript runs testdata/scenario.ts, the same calls through client/.
func (s scenario) runInTypeScript(t *testing.T) string {
	t.Helper()
	encoded, _ := json.Marshal(s)
	cmd := exec.Command("node", "--import", "tsx", "clients/go/testdata/scenario.ts", string(encoded))
	cmd.Dir = env.root
	cmd.Env = append(os.Environ(), "TEMPORAL_ADDRESS="+env.address, "TEMPORAL_NAMESPACE=default", "TEMPORAL_TASK_QUEUE="+env.taskQueue)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the TypeScript scenario failed: %v", err)
	}
	var answer struct {
		SubscriptionID string `json:"subscriptionId"`
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &answer); err != nil {
		t.Fatalf("the TypeScript scenario printed %q: %v", out, err)
	}
	return answer.SubscriptionID
}

// messagesOf lists what the cluster's run received, in order: its start input and Web
// UI texts, the update's name, each signal's name and payload (the cluster's ids
// replaced, so two clusters compare).
func messagesOf(t *testing.T, s scenario) []string {
	t.Helper()
	ids := strings.NewReplacer(s.ClusterID, "<cluster id>", s.OpenshiftClusterID, "<openshift id>")
	var messages []string
	events := env.temporal.GetWorkflowHistory(context.Background(), WorkflowID(s.ClusterID), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for events.HasNext() {
		event, err := events.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", s.ClusterID, err)
		}
		if started := event.GetWorkflowExecutionStartedEventAttributes(); started != nil {
			messages = append(messages, "start "+started.GetWorkflowType().GetName()+" "+started.GetTaskQueue().GetName()+" "+payloadText(started.GetInput()))
			metadata := event.GetUserMetadata()
			messages = append(messages, "summary "+string(metadata.GetSummary().GetData()), "details "+string(metadata.GetDetails().GetData()))
		}
		if accepted := event.GetWorkflowExecutionUpdateAcceptedEventAttributes(); accepted != nil {
			messages = append(messages, "update "+accepted.GetAcceptedRequest().GetInput().GetName())
		}
		if signaled := event.GetWorkflowExecutionSignaledEventAttributes(); signaled != nil {
			messages = append(messages, "signal "+signaled.GetSignalName()+" "+payloadText(signaled.GetInput()))
		}
	}
	for i := range messages {
		messages[i] = ids.Replace(messages[i])
	}
	return messages
}

func payloadText(payloads *commonpb.Payloads) string {
	var texts []string
	for _, payload := range payloads.GetPayloads() {
		texts = append(texts, string(payload.GetMetadata()["encoding"])+":"+string(payload.GetData()))
	}
	return "[" + strings.Join(texts, ", ") + "]"
}

// What AMS holds of a subscription, less what differs by nature between two clusters.
func comparable(sub subscription, s scenario) subscription {
	out := subscription{}
	for field, value := range sub {
		switch field {
		case "id", "href", "cluster_id", "created_at", "updated_at", "last_reconcile_date", "last_released_at":
			continue
		case "external_cluster_id":
			value = strings.ReplaceAll(value.(string), s.OpenshiftClusterID, "<openshift id>")
		}
		out[field] = value
	}
	return out
}

// The same scenario through the Go client and through the TypeScript client leaves
// the same subscription in AMS and the same run state; and a registration from one
// client answers what the other one registered.
func TestSameAMSStateFromGoAndTypeScript(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{})
	fromGo, fromTS := newScenario(), newScenario()
	goSubscription, err := fromGo.runInGo(ctx, c)
	if err != nil {
		t.Fatalf("the Go scenario: %v", err)
	}
	tsSubscription := fromTS.runInTypeScript(t)

	final := map[string]subscription{}
	for _, s := range []scenario{fromGo, fromTS} {
		eventually(t, "cluster "+s.ClusterID+" settled", func() string {
			sub, problem := onlySubscription(t, s.ClusterID)
			if problem != "" {
				return problem
			}
			final[s.ClusterID] = sub
			return settled(t, c, s.ClusterID, "installed")
		})
	}
	goSub, tsSub := final[fromGo.ClusterID], final[fromTS.ClusterID]
	if goSub.str("id") != goSubscription || tsSub.str("id") != tsSubscription {
		t.Errorf("the subscription ids answered (%s, %s) are not AMS's (%s, %s)", goSubscription, tsSubscription, goSub.str("id"), tsSub.str("id"))
	}
	if a, b := comparable(goSub, fromGo), comparable(tsSub, fromTS); !reflect.DeepEqual(a, b) {
		t.Errorf("AMS differs:\nfrom Go:         %v\nfrom TypeScript: %v", a, b)
	}
	goState, err1 := c.GetClusterState(ctx, fromGo.ClusterID)
	tsState, err2 := c.GetClusterState(ctx, fromTS.ClusterID)
	if err1 != nil || err2 != nil {
		t.Fatalf("GetClusterState: %v, %v", err1, err2)
	}
	if goState.Phase != tsState.Phase || goState.Desired.DisplayName != tsState.Desired.DisplayName || goState.Applied.Status != tsState.Applied.Status ||
		len(goState.RejectedInputs) != len(tsState.RejectedInputs) || goState.InstallFailure == nil || tsState.InstallFailure == nil ||
		goState.InstallFailure.Reason != tsState.InstallFailure.Reason {
		t.Errorf("the runs differ:\nfrom Go:         %s\nfrom TypeScript: %s", goState.Raw, tsState.Raw)
	}

	if a, b := messagesOf(t, fromGo), messagesOf(t, fromTS); !reflect.DeepEqual(a, b) {
		t.Errorf("the runs got different messages:\nfrom Go:         %q\nfrom TypeScript: %q", a, b)
	}

	// Registering again from the other client finds the same run and subscription.
	again, err := c.RegisterCluster(ctx, Registration{ClusterID: fromTS.ClusterID, DisplayName: fromTS.Renamed, AccountUsername: fromTS.AccountUsername})
	if err != nil || again.SubscriptionID != tsSubscription {
		t.Errorf("Go registering the TypeScript-registered cluster: %+v, %v; want subscription %s", again, err, tsSubscription)
	}
}
