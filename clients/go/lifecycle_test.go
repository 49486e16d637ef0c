package amslifecycle

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
)

// A whole life driven from Go, checked in AMS (the emulator, over HTTP) at each step.
func TestLifecycleFromGo(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{})
	clusterID, openshiftID := newClusterID(), newClusterID()
	consoleURL := "https://console-openshift-console.apps.go-life.example.com"

	// Upper case on purpose: UUIDs in any case are one cluster.
	registered, err := c.RegisterCluster(ctx, Registration{ClusterID: strings.ToUpper(clusterID), DisplayName: "go-life", AccountUsername: "alice"})
	if err != nil {
		t.Fatalf("RegisterCluster: %v", err)
	}
	if registered.WorkflowID != "cluster-subscription-"+clusterID {
		t.Errorf("workflow id %q, want the lower-cased cluster id after the prefix", registered.WorkflowID)
	}
	sub, problem := onlySubscription(t, clusterID)
	if problem != "" {
		t.Fatal(problem)
	}
	if sub.str("id") != registered.SubscriptionID || sub.str("status") != "Reserved" || sub.str("display_name") != "go-life" {
		t.Fatalf("after registration AMS has %v, want Reserved subscription %s named go-life", sub, registered.SubscriptionID)
	}
	again, err := c.RegisterCluster(ctx, Registration{ClusterID: clusterID, DisplayName: "go-life", AccountUsername: "alice"})
	if err != nil || again.SubscriptionID != registered.SubscriptionID {
		t.Fatalf("registering again answered %+v, %v; want the same subscription %s", again, err, registered.SubscriptionID)
	}

	steps := []struct {
		name string
		do   func() error
	}{
		{"RenameCluster", func() error { return c.RenameCluster(ctx, clusterID, "go-life-renamed") }},
		{"SetOpenshiftClusterID", func() error { return c.SetOpenshiftClusterID(ctx, clusterID, openshiftID) }},
		{"SetConsoleURL", func() error { return c.SetConsoleURL(ctx, clusterID, consoleURL) }},
		{"MarkInstallFailed", func() error { return c.MarkInstallFailed(ctx, clusterID, "disk full") }},
		{"RestartInstall", func() error { return c.RestartInstall(ctx, clusterID) }},
		{"MarkInstalled", func() error { return c.MarkInstalled(ctx, clusterID) }},
	}
	for _, step := range steps {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
	}
	eventually(t, "AMS in step with the installed cluster", func() string {
		sub, problem := onlySubscription(t, clusterID)
		if problem != "" {
			return problem
		}
		want := subscription{"display_name": "go-life-renamed", "external_cluster_id": openshiftID, "console_url": consoleURL, "status": "Active"}
		for field, value := range want {
			if sub[field] != value {
				return fmt.Sprintf("%s %v (want %v)", field, sub[field], value)
			}
		}
		return settled(t, c, clusterID, "installed")
	})
	state, err := c.GetClusterState(ctx, clusterID)
	if err != nil {
		t.Fatalf("GetClusterState: %v", err)
	}
	if state.SubscriptionID != registered.SubscriptionID || state.Applied.ConsoleURL != consoleURL || state.Registration.AccountUsername != "alice" {
		t.Errorf("state %s does not show what was applied", state.Raw)
	}
	if state.InstallFailure == nil || state.InstallFailure.Reason != "disk full" {
		t.Errorf("state keeps no install failure reason: %s", state.Raw)
	}

	alreadyDeleted, err := c.DeleteCluster(ctx, clusterID, DeletedByUser)
	if err != nil || alreadyDeleted {
		t.Fatalf("DeleteCluster answered %v, %v; want a deletion sent", alreadyDeleted, err)
	}
	eventually(t, "the deletion applied", func() string {
		state, err := c.GetClusterState(ctx, clusterID)
		if err != nil {
			return err.Error()
		}
		if state.Phase != "deleted" || !state.Done {
			return "phase " + state.Phase
		}
		return ""
	})
	// An Active subscription is the running cluster's: the deletion leaves it untouched.
	if sub, problem := onlySubscription(t, clusterID); problem != "" || sub.str("status") != "Active" {
		t.Errorf("after the deletion AMS has %v (%s), want the Active subscription left", sub, problem)
	}
	var deleted *ClusterDeletedError
	if err := c.RenameCluster(ctx, clusterID, "too-late"); !errors.As(err, &deleted) || deleted.ClusterID != clusterID {
		t.Errorf("RenameCluster after the deletion: %v, want *ClusterDeletedError", err)
	}
	if _, err := c.RegisterCluster(ctx, Registration{ClusterID: clusterID, DisplayName: "go-life", AccountUsername: "alice"}); !errors.As(err, &deleted) {
		t.Errorf("RegisterCluster after the deletion: %v, want *ClusterDeletedError", err)
	}
	if alreadyDeleted, err := c.DeleteCluster(ctx, clusterID, DeletedByUser); err != nil || !alreadyDeleted {
		t.Errorf("DeleteCluster again answered %v, %v; want alreadyDeleted", alreadyDeleted, err)
	}
}

// A cluster deleted before its install: its Reserved subscription goes.
func TestDeleteBeforeInstallRemovesTheReservation(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{})
	clusterID := newClusterID()
	if _, err := c.RegisterCluster(ctx, Registration{ClusterID: clusterID, DisplayName: "go-gc", AccountUsername: "alice"}); err != nil {
		t.Fatalf("RegisterCluster: %v", err)
	}
	if _, err := c.DeleteCluster(ctx, clusterID, DeletedByGarbageCollection); err != nil {
		t.Fatalf("DeleteCluster: %v", err)
	}
	eventually(t, "the Reserved subscription deleted", func() string {
		if subs := amsSubscriptions(t, clusterID); len(subs) > 0 {
			return fmt.Sprintf("%d subscription(s) in AMS", len(subs))
		}
		state, err := c.GetClusterState(ctx, clusterID)
		if err != nil {
			return err.Error()
		}
		if state.Deletion == nil || state.Deletion.By != DeletedByGarbageCollection || state.Deletion.Outcome != "deleted" {
			return "state " + string(state.Raw)
		}
		return ""
	})
}

// A run started before ids were lower-cased keeps its upper-case workflow id: calls
// with the id as given still reach it when no lower-case run exists.
func TestUpperCaseRunOfEarlierReleases(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t, Options{})
	upper := strings.ToUpper(newClusterID())
	oldID := "cluster-subscription-" + upper
	_, err := env.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: oldID, TaskQueue: env.taskQueue}, contract.workflowType,
		Registration{ClusterID: upper, DisplayName: "go-old", AccountUsername: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RenameCluster(ctx, upper, "go-old-renamed"); err != nil {
		t.Fatalf("RenameCluster: %v", err)
	}
	eventually(t, "the rename applied by the upper-case run", func() string {
		state, err := c.GetClusterState(ctx, upper)
		if err != nil {
			return err.Error()
		}
		if state.WorkflowID != oldID || state.Desired.DisplayName != "go-old-renamed" {
			return fmt.Sprintf("workflow %s wants %q", state.WorkflowID, state.Desired.DisplayName)
		}
		return ""
	})
	if _, err := env.temporal.DescribeWorkflowExecution(ctx, WorkflowID(upper), ""); !isNotFound(err) {
		t.Errorf("a lower-case run was started for the upper-case cluster (describe: %v)", err)
	}
	_ = env.temporal.TerminateWorkflow(ctx, oldID, "", "test over")
}
