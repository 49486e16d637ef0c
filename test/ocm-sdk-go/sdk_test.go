package ocmsdkgo

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	amv1 "github.com/openshift-online/ocm-sdk-go/accountsmgmt/v1"
	azv1 "github.com/openshift-online/ocm-sdk-go/authorizations/v1"
	ocmerrors "github.com/openshift-online/ocm-sdk-go/errors"
)

// What the Assisted Installer sends and expects (pkg/ocm in assisted-service).
const (
	productOCP      = "OCP"
	assistedInstall = "AssistedInstall"
	adminCapability = "bare_metal_installer_admin"
)

func accounts() *amv1.Client { return conn.AccountsMgmt().V1() }

func newClusterID(t *testing.T) string {
	return fmt.Sprintf("%s-%d", strings.ToLower(t.Name()), time.Now().UnixNano())
}

// reserve registers a cluster the way the installer does and returns the subscription id.
func reserve(t *testing.T, clusterID, username string) string {
	t.Helper()
	request, err := amv1.NewClusterAuthorizationRequest().
		AccountUsername(username).
		ProductCategory(assistedInstall).
		ProductID(productOCP).
		ClusterID(clusterID).
		DisplayName("sdk-" + clusterID).
		Managed(false).
		Resources().
		Reserve(true).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	response, err := accounts().ClusterAuthorizations().Post().Request(request).SendContext(testContext(t))
	if err != nil {
		t.Fatalf("cluster_authorizations: %v", err)
	}
	if !response.Response().Allowed() {
		t.Fatalf("cluster_authorizations: not allowed")
	}
	id := response.Response().Subscription().ID()
	if id == "" {
		t.Fatalf("cluster_authorizations: no subscription id")
	}
	return id
}

func TestClientCredentialsLogin(t *testing.T) {
	access, refresh, err := conn.TokensContext(testContext(t))
	if err != nil {
		t.Fatalf("login with client credentials at %s: %v", emu.tokenURL, err)
	}
	parts := strings.Split(access, ".")
	if len(parts) != 3 {
		t.Fatalf("access token is not a JWT: %q", access)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Typ string `json:"typ"`
		Exp int64  `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims.Typ != "Bearer" || claims.Exp <= time.Now().Unix() {
		t.Errorf("claims typ=%q exp=%d, want Bearer and a future expiry", claims.Typ, claims.Exp)
	}
	if refresh != "" {
		t.Errorf("client credentials got a refresh token")
	}
}

func TestCurrentAccount(t *testing.T) {
	response, err := accounts().CurrentAccount().Get().SendContext(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	account := response.Body()
	if account.Username() != "service-account-"+emu.clientID || !account.ServiceAccount() || account.Organization().ID() == "" {
		t.Errorf("current_account: username %q, service account %v, organization %q",
			account.Username(), account.ServiceAccount(), account.Organization().ID())
	}
}

// TestSubscriptionLifecycle goes through what the installer does to a subscription:
// reserve, find by cluster id, read, patch one field at a time, delete while Reserved.
func TestSubscriptionLifecycle(t *testing.T) {
	clusterID := newClusterID(t)
	id := reserve(t, clusterID, "alice")
	subscription := accounts().Subscriptions().Subscription(id)

	list, err := accounts().Subscriptions().List().Search(fmt.Sprintf("cluster_id = '%s'", clusterID)).SendContext(testContext(t))
	if err != nil {
		t.Fatalf("list with search: %v", err)
	}
	if list.Size() != 1 || list.Total() != 1 || list.Items().Get(0).ID() != id {
		t.Fatalf("search cluster_id: size %d total %d, want the one subscription %s", list.Size(), list.Total(), id)
	}

	got, err := subscription.Get().SendContext(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if body := got.Body(); body.Status() != "Reserved" || body.ClusterID() != clusterID || body.Plan().ID() != "OCP-AssistedInstall" || body.Managed() {
		t.Errorf("get: status %q cluster %q plan %q managed %v", body.Status(), body.ClusterID(), body.Plan().ID(), body.Managed())
	}

	// One changed field per PATCH, as the installer sends them.
	patch := func(builder *amv1.SubscriptionBuilder) *amv1.Subscription {
		t.Helper()
		body, err := builder.Build()
		if err != nil {
			t.Fatal(err)
		}
		response, err := subscription.Update().Body(body).SendContext(testContext(t))
		if err != nil {
			t.Fatalf("patch: %v", err)
		}
		return response.Body()
	}
	external, console := "ext-"+clusterID, "https://console.example.com"
	if got := patch(amv1.NewSubscription().DisplayName("renamed")).DisplayName(); got != "renamed" {
		t.Errorf("patch display_name answered %q", got)
	}
	if got := patch(amv1.NewSubscription().ExternalClusterID(external)).ExternalClusterID(); got != external {
		t.Errorf("patch external_cluster_id answered %q", got)
	}
	if got := patch(amv1.NewSubscription().ConsoleURL(console)).ConsoleURL(); got != console {
		t.Errorf("patch console_url answered %q", got)
	}

	deleted, err := subscription.Delete().SendContext(testContext(t))
	if err != nil {
		t.Fatalf("delete (a 204 without Content-Type fails here on v0.1.83-v0.1.397): %v", err)
	}
	if deleted.Status() != 204 {
		t.Errorf("delete answered %d, want 204", deleted.Status())
	}
	assertNotFound(t, id)
}

func TestNotFoundIsAnSDKError(t *testing.T) {
	assertNotFound(t, "no-such-subscription")
}

func assertNotFound(t *testing.T, id string) {
	t.Helper()
	response, err := accounts().Subscriptions().Subscription(id).Get().SendContext(testContext(t))
	var apiErr *ocmerrors.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("get %s: want an *errors.Error parsed from the OCM envelope, got %T %v", id, err, err)
	}
	if response.Status() != 404 || apiErr.Kind() != "Error" || apiErr.ID() != "7" || apiErr.Code() != "ACCT-MGMT-7" || apiErr.Reason() == "" {
		t.Errorf("get %s: status %d, kind %q id %q code %q reason %q", id, response.Status(), apiErr.Kind(), apiErr.ID(), apiErr.Code(), apiErr.Reason())
	}
}

func TestUnknownSearchFieldIsAnSDKError(t *testing.T) {
	response, err := accounts().Subscriptions().List().Search("colour = 'blue'").SendContext(testContext(t))
	var apiErr *ocmerrors.Error
	if !errors.As(err, &apiErr) || response.Status() != 400 || !strings.Contains(apiErr.Reason(), "'colour'") {
		t.Fatalf("search on an unknown field: want a 400 naming it, got %v", err)
	}
}

func TestAccessReview(t *testing.T) {
	review := func(username, action, resourceType, subscriptionID string) bool {
		t.Helper()
		builder := azv1.NewAccessReviewRequest().AccountUsername(username).Action(action).ResourceType(resourceType)
		if subscriptionID != "" {
			builder.SubscriptionID(subscriptionID)
		}
		request, err := builder.Build()
		if err != nil {
			t.Fatal(err)
		}
		response, err := conn.Authorizations().V1().AccessReview().Post().Request(request).SendContext(testContext(t))
		if err != nil {
			t.Fatalf("access_review %s %s for %s: %v", action, resourceType, username, err)
		}
		return response.Response().Allowed()
	}
	// Sent on every user request to the installer.
	for _, user := range []string{"alice", "bob"} {
		if !review(user, "create", "BareMetalCluster", "") {
			t.Errorf("%s may not create a BareMetalCluster", user)
		}
	}
	// Sent before changing or deleting a cluster: the owner's organization may, another may not.
	id := reserve(t, newClusterID(t), "alice")
	if !review("bob", "update", "Subscription", id) || !review("bob", "delete", "Subscription", id) {
		t.Errorf("bob, in alice's organization, may not update or delete her subscription")
	}
	if review("carol", "update", "Subscription", id) {
		t.Errorf("carol, in another organization, may update alice's subscription")
	}
}

func TestCapabilityReviewFindsAdmins(t *testing.T) {
	for user, want := range map[string]string{"alice": "true", "bob": "false"} {
		request, err := azv1.NewCapabilityReviewRequest().AccountUsername(user).Capability(adminCapability).Type("Account").Build()
		if err != nil {
			t.Fatal(err)
		}
		response, err := conn.Authorizations().V1().CapabilityReview().Post().Request(request).SendContext(testContext(t))
		if err != nil {
			t.Fatalf("capability_review for %s: %v", user, err)
		}
		if got := response.Response().Result(); got != want {
			t.Errorf("capability %s for %s = %q, want %q", adminCapability, user, got, want)
		}
	}
}
