// Package amslifecycle is the Go client of ams-lifecycle: one function per event of
// a cluster's life, for the Assisted Installer. It has the surface of the TypeScript
// library (client/cluster-client.ts): every call validates its input first against
// the published contract (contract.json), is idempotent, has a deadline, and maps
// Temporal's answers onto the errors in errors.go.
package amslifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// Defaults of Options, as the TypeScript client's CLIENT_DEFAULTS.
const (
	DefaultCallTimeout         = 10 * time.Second
	DefaultRegistrationWait    = 30 * time.Second
	MaxRegistrationWaitSeconds = 300
)

// Options of New. Zero values take the defaults.
type Options struct {
	// Namespace the Temporal client was dialled with (client.Options.Namespace, "default"
	// when that was empty); required: the client sends argument-less signals through the
	// raw service, which needs it, and the SDK client does not tell it.
	Namespace string
	// TaskQueue the workflows start on; the contract's default task queue when empty.
	TaskQueue string
	// CallTimeout is the deadline of every call (RegisterCluster: this plus RegistrationWait).
	CallTimeout time.Duration
	// RegistrationWait is how long RegisterCluster waits for AMS before *RegistrationPendingError;
	// whole seconds from 1 to 300.
	RegistrationWait time.Duration
	// AfterInstall sets when a run registered by this client checks AMS after the install;
	// the workflow's defaults when nil.
	AfterInstall *AfterInstallTiming
}

// AfterInstallTiming: seconds after Active at which telemetry is looked for, and between drift checks.
type AfterInstallTiming struct {
	TelemetryCheckSeconds []int `json:"telemetryCheckSeconds"`
	DriftCheckSeconds     int   `json:"driftCheckSeconds"`
}

// Registration is what the installer registers; it never carries secrets.
type Registration struct {
	ClusterID       string `json:"clusterId"`
	DisplayName     string `json:"displayName"`
	AccountUsername string `json:"accountUsername"`
}

// RegisterResult answers RegisterCluster.
type RegisterResult struct {
	SubscriptionID string
	WorkflowID     string
}

// DeletedBy says who deletes a cluster.
type DeletedBy string

const (
	DeletedByUser              DeletedBy = "user"
	DeletedByGarbageCollection DeletedBy = "garbage-collection"
)

// Client is the lifecycle client; safe for concurrent use.
type Client struct {
	temporal         client.Client
	namespace        string
	taskQueue        string
	callTimeout      time.Duration
	registrationWait time.Duration
	afterInstall     *AfterInstallTiming
}

// New wraps a Temporal client (client.Dial). Bad options give an error naming the option and the rule.
func New(temporal client.Client, options Options) (*Client, error) {
	if temporal == nil {
		return nil, errors.New("amslifecycle.New: the Temporal client must not be nil")
	}
	c := &Client{temporal: temporal, namespace: options.Namespace, taskQueue: options.TaskQueue, callTimeout: options.CallTimeout, registrationWait: options.RegistrationWait}
	if c.namespace == "" {
		return nil, errors.New(`Options.Namespace: required: the namespace the Temporal client was dialled with (client.Options.Namespace, "default" when that was empty)`)
	}
	if c.taskQueue == "" {
		c.taskQueue = contract.taskQueue
	}
	if c.callTimeout == 0 {
		c.callTimeout = DefaultCallTimeout
	}
	if c.registrationWait == 0 {
		c.registrationWait = DefaultRegistrationWait
	}
	if c.callTimeout < 0 {
		return nil, fmt.Errorf("Options.CallTimeout: must be > 0, got %s", c.callTimeout)
	}
	wait := c.registrationWait
	if wait%time.Second != 0 || wait < time.Second || wait > MaxRegistrationWaitSeconds*time.Second {
		return nil, fmt.Errorf("Options.RegistrationWait: must be whole seconds from 1 to %d, got %s", MaxRegistrationWaitSeconds, wait)
	}
	if options.AfterInstall != nil {
		timing, err := checkAfterInstall(*options.AfterInstall)
		if err != nil {
			return nil, err
		}
		c.afterInstall = &timing
	}
	return c, nil
}

// TaskQueue is the task queue this client starts workflows on.
func (c *Client) TaskQueue() string { return c.taskQueue }

// WorkflowID is the id of a cluster's workflow (ids are lower-cased: UUIDs in any case are one cluster).
func WorkflowID(clusterID string) string {
	return contract.workflowIDPrefix + strings.ToLower(clusterID)
}

// RegisterCluster starts (or finds) the cluster's workflow and answers its AMS subscription id.
func (c *Client) RegisterCluster(ctx context.Context, registration Registration) (RegisterResult, error) {
	if err := contract.check("registerCluster", schemaRegistration, registration); err != nil {
		return RegisterResult{}, err
	}
	asGiven := registration.ClusterID
	registration.ClusterID = strings.ToLower(asGiven)
	var result RegisterResult
	cl := call{"registerCluster", registration.ClusterID, c.registrationWait + c.callTimeout}
	err := c.withDeadline(ctx, cl, func(ctx context.Context) error {
		workflowID, err := c.existingWorkflowID(ctx, asGiven)
		if err != nil {
			return err
		}
		result, err = c.register(ctx, registration, workflowID)
		return err
	})
	if err != nil {
		return RegisterResult{}, err // after a missed deadline fn may still be running: result is its
	}
	return result, nil
}

// RenameCluster sets the subscription's display_name.
func (c *Client) RenameCluster(ctx context.Context, clusterID, displayName string) error {
	return c.signal(ctx, "renameCluster", clusterID, signalRename, map[string]any{"displayName": displayName})
}

// SetOpenshiftClusterID sets the subscription's external_cluster_id.
func (c *Client) SetOpenshiftClusterID(ctx context.Context, clusterID, openshiftClusterID string) error {
	return c.signal(ctx, "setOpenshiftClusterId", clusterID, signalOpenshiftID, map[string]any{"openshiftClusterId": openshiftClusterID})
}

// SetConsoleURL sets the subscription's console_url (https, no user-info).
func (c *Client) SetConsoleURL(ctx context.Context, clusterID, consoleURL string) error {
	return c.signal(ctx, "setConsoleUrl", clusterID, signalConsoleURL, map[string]any{"consoleUrl": consoleURL})
}

// MarkInstalled: the install succeeded (the subscription becomes Active once AMS has the OpenShift id).
func (c *Client) MarkInstalled(ctx context.Context, clusterID string) error {
	return c.signal(ctx, "markInstalled", clusterID, signalInstallSucceeded, nil)
}

// MarkInstallFailed: the install failed; reason may be empty (sent as given, as the
// TypeScript client sends an empty reason).
func (c *Client) MarkInstallFailed(ctx context.Context, clusterID, reason string) error {
	payload := map[string]any{"reason": reason}
	return c.signal(ctx, "markInstallFailed", clusterID, signalInstallFailed, payload)
}

// RestartInstall: a failed install starts again.
func (c *Client) RestartInstall(ctx context.Context, clusterID string) error {
	return c.signal(ctx, "restartInstall", clusterID, signalInstallRestarted, nil)
}

// GetClusterState answers desired vs applied state, pending work, phase and last AMS
// error (also for finished runs).
func (c *Client) GetClusterState(ctx context.Context, clusterID string) (*ClusterState, error) {
	id, err := checkClusterID("getClusterState", clusterID)
	if err != nil {
		return nil, err
	}
	var state ClusterState
	err = c.withDeadline(ctx, call{"getClusterState", id, c.callTimeout}, func(ctx context.Context) error {
		workflowID, err := c.existingWorkflowID(ctx, clusterID)
		if err != nil {
			return err
		}
		value, err := c.temporal.QueryWorkflow(ctx, workflowID, "", stateQuery)
		if isNotFound(err) {
			return &ClusterNotFoundError{ClusterID: id}
		}
		if err != nil {
			return err
		}
		return value.Get(&state)
	})
	if err != nil {
		return nil, err
	}
	return &state, nil
}

func checkClusterID(operation, clusterID string) (string, error) {
	if err := contract.check(operation, schemaClusterID, map[string]any{"clusterId": clusterID}); err != nil {
		return "", err
	}
	return strings.ToLower(clusterID), nil
}

// existingWorkflowID: ids are lower-cased since the hardening; a run started before it
// under an upper-case id keeps its workflow id, and is found as given when no lower-case run exists.
func (c *Client) existingWorkflowID(ctx context.Context, asGiven string) (string, error) {
	lower := WorkflowID(asGiven)
	old := contract.workflowIDPrefix + asGiven
	if old == lower {
		return lower, nil
	}
	for _, id := range []string{lower, old} {
		_, err := c.temporal.DescribeWorkflowExecution(ctx, id, "")
		if err == nil {
			return id, nil
		}
		if !isNotFound(err) {
			return "", err
		}
	}
	return lower, nil
}

func isNotFound(err error) bool {
	var notFound *serviceerror.NotFound
	return errors.As(err, &notFound)
}
