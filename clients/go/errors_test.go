package amslifecycle

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Bad input is refused before anything is sent: the error names the field and the
// rule in the TypeScript client's words (the contract's x-rules), and the Temporal
// client (a double that counts every call) was not called at all.
func TestBadInputIsRefusedBeforeAnythingIsSent(t *testing.T) {
	ctx := testContext(t)
	c, fake := refusingClient(t, Options{})
	good := newClusterID()
	cases := []struct {
		name, clusterID, field, rule string
		call                         func(clusterID string) error
	}{
		{"cluster id not a UUID", "not-a-uuid", "clusterId", "must be a UUID",
			func(id string) error { return c.RenameCluster(ctx, id, "x") }},
		{"empty display name", good, "displayName", "must not be empty",
			func(id string) error { return c.RenameCluster(ctx, id, "") }},
		{"control character in the name", good, "displayName", "must not contain control characters",
			func(id string) error { return c.RenameCluster(ctx, id, "a\nb") }},
		{"display name too long", good, "displayName", "must be at most 255 characters",
			func(id string) error { return c.RenameCluster(ctx, id, strings.Repeat("n", 256)) }},
		{"display name too long in UTF-16", good, "displayName", "must be at most 255 characters",
			func(id string) error { return c.RenameCluster(ctx, id, strings.Repeat("😀", 200)) }},
		{"registration without account", good, "accountUsername", "must not be empty",
			func(id string) error {
				_, err := c.RegisterCluster(ctx, Registration{ClusterID: id, DisplayName: "x"})
				return err
			}},
		{"registration with a bad id", "123", "clusterId", "must be a UUID",
			func(id string) error {
				_, err := c.RegisterCluster(ctx, Registration{ClusterID: id, DisplayName: "x", AccountUsername: "alice"})
				return err
			}},
		{"OpenShift id not a UUID", good, "openshiftClusterId", "must be a UUID",
			func(id string) error { return c.SetOpenshiftClusterID(ctx, id, "nope") }},
		{"console URL over http", good, "consoleUrl", "must be an absolute https URL",
			func(id string) error { return c.SetConsoleURL(ctx, id, "http://console.example.com") }},
		{"console URL with user-info", good, "consoleUrl", "must not contain user-info (user:password@)",
			func(id string) error { return c.SetConsoleURL(ctx, id, "https://user:secret@console.example.com") }},
		{"console URL with port 0", good, "consoleUrl", "must have a port from 1 to 65535",
			func(id string) error { return c.SetConsoleURL(ctx, id, "https://console.example.com:0/") }},
		{"install failure reason too long", good, "reason", "must be at most 2000 characters",
			func(id string) error { return c.MarkInstallFailed(ctx, id, strings.Repeat("r", 2001)) }},
		{"unknown deleter", good, "by", "must be 'user' or 'garbage-collection'",
			func(id string) error { _, err := c.DeleteCluster(ctx, id, "robot"); return err }},
		{"state of a bad id", "x", "clusterId", "must be a UUID",
			func(id string) error { _, err := c.GetClusterState(ctx, id); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(tc.clusterID)
			var invalid *InvalidInputError
			if !errors.As(err, &invalid) {
				t.Fatalf("got %v, want *InvalidInputError", err)
			}
			if !hasIssue(invalid.Issues, tc.field, tc.rule) {
				t.Errorf("issues %+v name no field %q with the rule %q", invalid.Issues, tc.field, tc.rule)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error repeats the URL's password: %v", err)
			}
			if n := fake.calls.Swap(0); n != 0 {
				t.Errorf("%d call(s) reached the Temporal client for refused input", n)
			}
		})
	}
}

// The message names the operation, the field and the rule.
func TestInvalidInputMessage(t *testing.T) {
	c, _ := refusingClient(t, Options{})
	err := c.RenameCluster(context.Background(), newClusterID(), strings.Repeat("n", 256))
	if want := "renameCluster: invalid input: displayName: must be at most 255 characters"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func hasIssue(issues []Issue, field, rule string) bool {
	for _, issue := range issues {
		if issue.Field == field && issue.Rule == rule {
			return true
		}
	}
	return false
}

func TestErrorsOfUnknownClusters(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{})
	clusterID := newClusterID()
	var notFound *ClusterNotFoundError
	if err := c.MarkInstalled(ctx, clusterID); !errors.As(err, &notFound) || notFound.ClusterID != clusterID {
		t.Errorf("MarkInstalled of an unknown cluster: %v, want *ClusterNotFoundError", err)
	}
	if _, err := c.GetClusterState(ctx, clusterID); !errors.As(err, &notFound) {
		t.Errorf("GetClusterState of an unknown cluster: %v, want *ClusterNotFoundError", err)
	}
	if alreadyDeleted, err := c.DeleteCluster(ctx, clusterID, ""); err != nil || !alreadyDeleted {
		t.Errorf("DeleteCluster of an unknown cluster: %v, %v; want alreadyDeleted", alreadyDeleted, err)
	}
}

// AMS refusing the reservation (quota 403) is *RegistrationRefusedError; a run that
// ended so takes no signals (*ClusterNotRunningError) until registered again.
func TestRefusedRegistration(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{})
	clusterID := newClusterID()
	emulatorCall(t, "PUT", "/_emulator/quota", map[string]any{"max_clusters": 0, "status": 403}, nil)
	_, err := c.RegisterCluster(ctx, Registration{ClusterID: clusterID, DisplayName: "go-refused", AccountUsername: "alice"})
	emulatorCall(t, "PUT", "/_emulator/quota", map[string]any{"max_clusters": nil}, nil)
	var refused *RegistrationRefusedError
	if !errors.As(err, &refused) || refused.AmsError == nil || refused.AmsError.Status != 403 {
		t.Fatalf("RegisterCluster over quota: %v, want *RegistrationRefusedError with HTTP 403", err)
	}
	var notRunning *ClusterNotRunningError
	if err := c.RenameCluster(ctx, clusterID, "x"); !errors.As(err, &notRunning) || notRunning.Ended != "refused" {
		t.Errorf("RenameCluster of a refused cluster: %v, want *ClusterNotRunningError ended refused", err)
	}
	registered, err := c.RegisterCluster(ctx, Registration{ClusterID: clusterID, DisplayName: "go-refused", AccountUsername: "alice"})
	if err != nil || registered.SubscriptionID == "" {
		t.Fatalf("RegisterCluster once the quota allows it: %+v, %v", registered, err)
	}
}

// AMS down for longer than the wait: *RegistrationPendingError, and the id comes later.
func TestPendingRegistration(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{RegistrationWait: time.Second})
	clusterID := newClusterID()
	emulatorCall(t, "POST", "/_emulator/faults", map[string]any{"kind": "error", "status": 503, "route": "/api/accounts_mgmt/v1/cluster_authorizations", "method": "POST"}, nil)
	_, err := c.RegisterCluster(ctx, Registration{ClusterID: clusterID, DisplayName: "go-pending", AccountUsername: "alice"})
	emulatorCall(t, "DELETE", "/_emulator/faults", nil, nil)
	var pending *RegistrationPendingError
	if !errors.As(err, &pending) || pending.ClusterID != clusterID {
		t.Fatalf("RegisterCluster while AMS fails: %v, want *RegistrationPendingError", err)
	}
	eventually(t, "the registration answered once AMS is back", func() string {
		_, err := c.RegisterCluster(ctx, Registration{ClusterID: clusterID, DisplayName: "go-pending", AccountUsername: "alice"})
		if err != nil {
			return err.Error()
		}
		return ""
	})
}

// A caller deadline shorter than the registration wait: AMS being slow still answers
// *RegistrationPendingError (the wait ends before the caller's deadline), not *TimeoutError.
func TestPendingRegistrationWithinTheCallersDeadline(t *testing.T) {
	c := newClient(t, Options{}) // a 30 s wait
	clusterID := newClusterID()
	emulatorCall(t, "POST", "/_emulator/faults", map[string]any{"kind": "error", "status": 503, "route": "/api/accounts_mgmt/v1/cluster_authorizations", "method": "POST"}, nil)
	short, cancel := context.WithTimeout(context.Background(), 12*time.Second)
	defer cancel()
	_, err := c.RegisterCluster(short, Registration{ClusterID: clusterID, DisplayName: "go-pending-short", AccountUsername: "alice"})
	emulatorCall(t, "DELETE", "/_emulator/faults", nil, nil)
	var pending *RegistrationPendingError
	if !errors.As(err, &pending) {
		t.Fatalf("RegisterCluster under a 12 s deadline while AMS fails: %v, want *RegistrationPendingError", err)
	}
}

// An operator terminated the run: signals say so; deleting starts a short run that
// removes the Reserved subscription.
func TestTerminatedRun(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{})
	clusterID := newClusterID()
	if _, err := c.RegisterCluster(ctx, Registration{ClusterID: clusterID, DisplayName: "go-term", AccountUsername: "alice"}); err != nil {
		t.Fatalf("RegisterCluster: %v", err)
	}
	if err := env.temporal.TerminateWorkflow(ctx, WorkflowID(clusterID), "", "test"); err != nil {
		t.Fatal(err)
	}
	var notRunning *ClusterNotRunningError
	if err := c.SetConsoleURL(ctx, clusterID, "https://console.example.com"); !errors.As(err, &notRunning) || notRunning.Ended != "terminated" {
		t.Fatalf("SetConsoleURL of a terminated run: %v, want *ClusterNotRunningError ended terminated", err)
	}
	if alreadyDeleted, err := c.DeleteCluster(ctx, clusterID, DeletedByUser); err != nil || alreadyDeleted {
		t.Fatalf("DeleteCluster of a terminated run: %v, %v; want a deletion run", alreadyDeleted, err)
	}
	eventually(t, "the Reserved subscription deleted by the deletion run", func() string {
		if subs := amsSubscriptions(t, clusterID); len(subs) > 0 {
			return "still in AMS"
		}
		return ""
	})
}

// No worker polls the task queue: the calls answer *TimeoutError saying so, never hang.
func TestDeadline(t *testing.T) {
	c := newClient(t, Options{TaskQueue: "nobody-polls-" + newClusterID(), CallTimeout: 2 * time.Second, RegistrationWait: time.Second})
	clusterID := newClusterID()
	_, err := c.RegisterCluster(context.Background(), Registration{ClusterID: clusterID, DisplayName: "go-late", AccountUsername: "alice"})
	var timeout *TimeoutError
	if !errors.As(err, &timeout) || timeout.Reason != NoWorker || timeout.Operation != "registerCluster" {
		t.Fatalf("RegisterCluster with no worker: %v, want *TimeoutError with reason no-worker", err)
	}
	if !strings.Contains(err.Error(), "no worker is polling task queue") {
		t.Errorf("the message does not say why: %v", err)
	}
	_, err = c.GetClusterState(context.Background(), clusterID)
	if !errors.As(err, &timeout) || timeout.Operation != "getClusterState" || timeout.Timeout != 2*time.Second {
		t.Errorf("GetClusterState with no worker: %v, want *TimeoutError after 2 s", err)
	}
	// The caller's own shorter deadline counts too.
	short, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := c.GetClusterState(short, clusterID); !errors.As(err, &timeout) || timeout.Timeout > 500*time.Millisecond {
		t.Errorf("GetClusterState under the caller's deadline: %v, want *TimeoutError", err)
	}
	_ = env.temporal.TerminateWorkflow(context.Background(), WorkflowID(clusterID), "", "test over")
}

// Bad options are refused by New, naming the option and the rule.
func TestBadOptions(t *testing.T) {
	cases := []struct {
		options Options
		want    string
	}{
		{Options{RegistrationWait: 1500 * time.Millisecond}, "Options.RegistrationWait: must be whole seconds from 1 to 300"},
		{Options{RegistrationWait: 301 * time.Second}, "Options.RegistrationWait: must be whole seconds from 1 to 300"},
		{Options{CallTimeout: -time.Second}, "Options.CallTimeout: must be > 0"},
		{Options{}, "Options.Namespace: required"},
		{Options{AfterInstall: &AfterInstallTiming{TelemetryCheckSeconds: []int{60, 30}}}, "Options.AfterInstall.TelemetryCheckSeconds: must be 1 to 10 rising"},
		{Options{AfterInstall: &AfterInstallTiming{DriftCheckSeconds: -1}}, "Options.AfterInstall.DriftCheckSeconds: must be a whole number"},
		// the rules are the contract's (x-rules, x-risingItems), in its words
		{Options{AfterInstall: &AfterInstallTiming{TelemetryCheckSeconds: []int{}}}, "Options.AfterInstall.TelemetryCheckSeconds: must be 1 to 10 rising whole numbers of seconds from 1 to 31536000, got []"},
		{Options{AfterInstall: &AfterInstallTiming{TelemetryCheckSeconds: []int{60, 60}}}, "Options.AfterInstall.TelemetryCheckSeconds: must be 1 to 10 rising whole numbers of seconds from 1 to 31536000, got [60 60]"},
		{Options{AfterInstall: &AfterInstallTiming{TelemetryCheckSeconds: []int{0}}}, "Options.AfterInstall.TelemetryCheckSeconds: must be 1 to 10 rising whole numbers of seconds from 1 to 31536000, got [0]"},
		{Options{AfterInstall: &AfterInstallTiming{TelemetryCheckSeconds: []int{60, 31_536_001}}}, "Options.AfterInstall.TelemetryCheckSeconds: must be 1 to 10 rising"},
		{Options{AfterInstall: &AfterInstallTiming{TelemetryCheckSeconds: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}}, "Options.AfterInstall.TelemetryCheckSeconds: must be 1 to 10 rising"},
		{Options{AfterInstall: &AfterInstallTiming{DriftCheckSeconds: 31_536_001}}, "Options.AfterInstall.DriftCheckSeconds: must be a whole number of seconds from 1 to 31536000, got 31536001"},
	}
	for _, tc := range cases {
		if tc.options.Namespace == "" && !strings.HasPrefix(tc.want, "Options.Namespace") {
			tc.options.Namespace = "default"
		}
		if _, err := New(&refusingTemporal{}, tc.options); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("New(%+v): %v, want an error starting %q", tc.options, err, tc.want)
		}
	}
}

// Unset AfterInstall fields take the contract's defaults (the workflow's AFTER_INSTALL_DEFAULTS).
func TestAfterInstallDefaultsFromTheContract(t *testing.T) {
	timing, err := checkAfterInstall(AfterInstallTiming{DriftCheckSeconds: 3600})
	if err != nil || !reflect.DeepEqual(timing, AfterInstallTiming{TelemetryCheckSeconds: []int{3_600, 21_600, 86_400}, DriftCheckSeconds: 3600}) {
		t.Fatalf("checkAfterInstall: %+v, %v", timing, err)
	}
	timing, err = checkAfterInstall(AfterInstallTiming{TelemetryCheckSeconds: []int{60}})
	if err != nil || !reflect.DeepEqual(timing, AfterInstallTiming{TelemetryCheckSeconds: []int{60}, DriftCheckSeconds: 86_400}) {
		t.Fatalf("checkAfterInstall: %+v, %v", timing, err)
	}
}

// AfterInstall reaches the run's start input, as the TypeScript client's option does.
func TestAfterInstallReachesTheRun(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{AfterInstall: &AfterInstallTiming{TelemetryCheckSeconds: []int{60, 120}, DriftCheckSeconds: 3600}})
	s := scenario{ClusterID: newClusterID(), OpenshiftClusterID: newClusterID()}
	if _, err := c.RegisterCluster(ctx, Registration{ClusterID: s.ClusterID, DisplayName: "go-timing", AccountUsername: "alice"}); err != nil {
		t.Fatalf("RegisterCluster: %v", err)
	}
	start := messagesOf(t, s)[0]
	if want := `"afterInstall":{"telemetryCheckSeconds":[60,120],"driftCheckSeconds":3600}`; !strings.Contains(start, want) {
		t.Errorf("the run started with %s, want %s in it", start, want)
	}
}

// The AfterInstall rules are read from the contract, not written in Go: a contract with
// another bound validates by it.
func TestAfterInstallRulesComeFromTheContract(t *testing.T) {
	edited := strings.ReplaceAll(string(contractJSON), `"maxItems": 10,`, `"maxItems": 2,`)
	k, err := loadContract([]byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	issues := validatePayload(k.schemas[schemaAfterInstall], map[string]any{"telemetryCheckSeconds": []int{1, 2, 3}})
	if len(issues) != 1 || issues[0].Field != "telemetryCheckSeconds" || !strings.HasPrefix(issues[0].Rule, "must be 1 to 10 rising") {
		t.Fatalf("issues: %+v", issues)
	}
	if issues := validatePayload(contract.schemas[schemaAfterInstall], map[string]any{"telemetryCheckSeconds": []int{1, 2, 3}}); len(issues) != 0 {
		t.Fatalf("the real contract refused 3 checks: %+v", issues)
	}
}
