package amslifecycle

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// HasCapability against the emulator over HTTP, as test/client.capabilities.test.ts
// holds the TypeScript one: the review's answer, the cache, shared requests, failures
// never kept, bad input refused before anything is sent.

const (
	acmeOrg   = "7exm4fQmKtT8suz4nE5cXNAbB6n" // the emulator's Acme Corp
	globexOrg = "RSTwjpbuE5b7uk2mSSuH2xT352K"
	multiarch = "capability.organization.bare_metal_installer_multiarch"
	reviewAPI = "/api/authorizations/v1/capability_review"
)

func emulatorAMS(t *testing.T) AMSConnection {
	needStack(t)
	return AMSConnection{URL: env.amsURL, TokenURL: env.workerEnv["AMS_TOKEN_URL"], ClientID: env.workerEnv["AMS_CLIENT_ID"], ClientSecret: env.workerEnv["AMS_CLIENT_SECRET"]}
}

func newChecker(t *testing.T, options CapabilityOptions) *CapabilityChecker {
	t.Helper()
	options.AMS = emulatorAMS(t)
	checker, err := NewCapabilityChecker(options)
	if err != nil {
		t.Fatal(err)
	}
	return checker
}

// setLabel sets (or with value "" removes) the organisation label through AMS's API as the service account.
func setLabel(t *testing.T, org, value string) {
	t.Helper()
	ams, _ := newAMSClient(emulatorAMS(t))
	ctx := context.Background()
	if value == "" {
		token, err := ams.bearer(ctx)
		if err != nil {
			t.Fatal(err)
		}
		request, _ := http.NewRequest(http.MethodDelete, env.amsURL+"/api/accounts_mgmt/v1/organizations/"+org+"/labels/"+multiarch, nil)
		request.Header.Set("Authorization", "Bearer "+token)
		if response, err := http.DefaultClient.Do(request); err == nil {
			response.Body.Close()
		}
		return
	}
	var label map[string]any
	if err := ams.call(ctx, http.MethodPost, "/api/accounts_mgmt/v1/organizations/"+org+"/labels", map[string]any{"key": multiarch, "value": value, "internal": true}, &label); err != nil {
		t.Fatalf("setting the label: %v", err)
	}
}

func reviews(t *testing.T) int {
	var answer struct {
		Total int `json:"total"`
	}
	emulatorCall(t, http.MethodGet, "/_emulator/requests?path="+reviewAPI, nil, &answer)
	return answer.Total
}

func resetCapabilities(t *testing.T) {
	emulatorCall(t, http.MethodDelete, "/_emulator/faults", nil, nil)
	emulatorCall(t, http.MethodDelete, "/_emulator/requests", nil, nil)
	setLabel(t, acmeOrg, "")
	setLabel(t, globexOrg, "")
}

func TestHasCapabilityAnswersTheReview(t *testing.T) {
	resetCapabilities(t)
	ctx := testContext(t)
	checker := newChecker(t, CapabilityOptions{NoCache: true})
	check := func(org, name string, want bool) {
		t.Helper()
		if got, err := checker.HasCapability(ctx, org, name); err != nil || got != want {
			t.Errorf("HasCapability(%s, %s) = %v, %v; want %v", org, name, got, err, want)
		}
	}
	check(acmeOrg, "bare_metal_installer_multiarch", false)
	setLabel(t, acmeOrg, "true")
	check(acmeOrg, "bare_metal_installer_multiarch", true)
	check(acmeOrg, multiarch, true)
	check(globexOrg, multiarch, false)
}

func TestHasCapabilityCaches(t *testing.T) {
	resetCapabilities(t)
	ctx := testContext(t)
	now := time.Unix(1_000_000, 0)
	var clock sync.Mutex
	checker := newChecker(t, CapabilityOptions{CacheTTL: time.Minute, Now: func() time.Time { clock.Lock(); defer clock.Unlock(); return now }})
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }
	ask := func(want bool, wantReviews int, why string) {
		t.Helper()
		if got, err := checker.HasCapability(ctx, acmeOrg, multiarch); err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", why, got, err, want)
		}
		if n := reviews(t); n != wantReviews {
			t.Errorf("%s: %d reviews sent, want %d", why, n, wantReviews)
		}
	}
	ask(false, 1, "first call")
	setLabel(t, acmeOrg, "true")
	advance(59 * time.Second)
	ask(false, 1, "within the TTL: the cached answer")
	advance(2 * time.Second)
	ask(true, 2, "expired: asked again")
	checker.Clear()
	ask(true, 3, "after Clear")

	// Concurrent calls for one key share one request; another key gets its own.
	checker.Clear()
	var wg sync.WaitGroup
	for _, org := range []string{acmeOrg, acmeOrg, acmeOrg, acmeOrg, globexOrg} {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = checker.HasCapability(ctx, org, "bare_metal_installer_multiarch") }()
	}
	wg.Wait()
	if n := reviews(t); n != 5 {
		t.Errorf("concurrent calls sent %d reviews in all, want 5 (3 before, one per organisation)", n)
	}
}

func TestHasCapabilityFailuresAreNotKept(t *testing.T) {
	resetCapabilities(t)
	ctx := testContext(t)
	checker := newChecker(t, CapabilityOptions{})
	if _, err := checker.HasCapability(ctx, globexOrg, "hypershift"); err != nil { // logs in and looks the account up first
		t.Fatal(err)
	}
	emulatorCall(t, http.MethodPost, "/_emulator/faults", map[string]any{"kind": "error", "status": 503, "route": reviewAPI, "count": 1}, nil)
	_, err := checker.HasCapability(ctx, acmeOrg, multiarch)
	var failed *CapabilityCheckError
	if !errors.As(err, &failed) || failed.Status != 503 || failed.Capability != multiarch {
		t.Fatalf("HasCapability while AMS fails: %v, want *CapabilityCheckError with status 503", err)
	}
	if got, err := checker.HasCapability(ctx, acmeOrg, multiarch); err != nil || got {
		t.Errorf("the next call: %v, %v; want AMS asked again (false)", got, err)
	}
}

func TestHasCapabilityRefusesBadInput(t *testing.T) {
	resetCapabilities(t)
	ctx := testContext(t)
	checker := newChecker(t, CapabilityOptions{})
	var invalid *InvalidInputError
	if _, err := checker.HasCapability(ctx, acmeOrg, "Not A Name"); !errors.As(err, &invalid) || invalid.Issues[0].Field != "capability" {
		t.Errorf("a bad capability: %v, want *InvalidInputError on capability", err)
	}
	if _, err := checker.HasCapability(ctx, "org/../x", multiarch); !errors.As(err, &invalid) || invalid.Issues[0].Field != "organizationId" {
		t.Errorf("a bad organisation id: %v, want *InvalidInputError on organizationId", err)
	}
	if n := reviews(t); n != 0 {
		t.Errorf("%d reviews sent for bad input", n)
	}
	if _, err := NewCapabilityChecker(CapabilityOptions{AMS: AMSConnection{URL: "ftp://x"}}); err == nil {
		t.Error("NewCapabilityChecker took an ftp URL")
	}
}

// The client secret and a static token never show in a printed connection or options.
func TestAMSConnectionPrintsNoSecret(t *testing.T) {
	conn := AMSConnection{URL: "https://ams.example.com", ClientID: "id", ClientSecret: "s3cr3t-value", Token: "t0ken-value"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, value := range []any{conn, &conn, CapabilityOptions{AMS: conn}} {
			printed := fmt.Sprintf(format, value)
			if strings.Contains(printed, "s3cr3t") || strings.Contains(printed, "t0ken") {
				t.Errorf("%s of %T shows a secret: %s", format, value, printed)
			}
		}
	}
}

// A token answer without expires_in is kept a while, not refetched on every call.
func TestTokenLife(t *testing.T) {
	if got := tokenLife(0); got != unknownTokenLife {
		t.Errorf("tokenLife(0) = %s, want %s", got, unknownTokenLife)
	}
	if got := tokenLife(100); got != 90*time.Second {
		t.Errorf("tokenLife(100) = %s, want 90s (renewed a little early)", got)
	}
}
