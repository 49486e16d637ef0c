package amslifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The little of AMS the capability check needs: a token (OAuth2 client credentials,
// or a static one), the current account and the capability review.

// AMSConnection says where AMS is and how to log in: ClientID and ClientSecret at
// TokenURL, or a static Token. The secret is only ever sent to TokenURL.
type AMSConnection struct {
	URL          string
	TokenURL     string
	ClientID     string
	ClientSecret string
	Token        string
	// HTTPClient for every request; http.DefaultClient when nil.
	HTTPClient *http.Client
}

// String, GoString and Format keep the secret and the token out of logs (%v, %+v, %#v).
func (c AMSConnection) String() string {
	return fmt.Sprintf("{URL:%s TokenURL:%s ClientID:%s ClientSecret:%s Token:%s}", c.URL, c.TokenURL, c.ClientID, redacted(c.ClientSecret), redacted(c.Token))
}

func (c AMSConnection) GoString() string { return "amslifecycle.AMSConnection" + c.String() }

func redacted(secret string) string {
	if secret == "" {
		return `""`
	}
	return "[redacted]"
}

// unknownTokenLife: a token answer without expires_in (RFC 6749 makes it optional)
// is kept this long, not refetched on every call.
const unknownTokenLife = time.Minute

// tokenLife: renewed a little early, so a token never expires on its way.
func tokenLife(expiresIn int) time.Duration {
	if expiresIn <= 0 {
		return unknownTokenLife
	}
	return time.Duration(expiresIn) * time.Second * 9 / 10
}

type amsClient struct {
	conn AMSConnection
	http *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// amsStatusError: AMS answered with an error status.
type amsStatusError struct {
	status int
	body   string
}

func (e *amsStatusError) Error() string { return fmt.Sprintf("AMS answered %d: %s", e.status, e.body) }

func newAMSClient(conn AMSConnection) (*amsClient, error) {
	if u, err := url.Parse(conn.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("AMSConnection.URL: must be an http(s) URL, got %q", conn.URL)
	}
	if conn.Token == "" && (conn.TokenURL == "" || conn.ClientID == "" || conn.ClientSecret == "") {
		return nil, fmt.Errorf("AMSConnection: needs Token, or TokenURL with ClientID and ClientSecret")
	}
	client := conn.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	return &amsClient{conn: conn, http: client, token: conn.Token}, nil
}

// bearer answers a valid token. The lock is not held across the token request, so a
// slow token endpoint never queues callers behind one context; callers racing on an
// expired token may each fetch one, which is harmless (each is valid).
func (a *amsClient) bearer(ctx context.Context) (string, error) {
	a.mu.Lock()
	token, expires := a.token, a.expires
	a.mu.Unlock()
	if a.conn.Token != "" || (token != "" && time.Now().Before(expires)) {
		return token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {a.conn.ClientID}, "client_secret": {a.conn.ClientSecret}}
	request, err := http.NewRequestWithContext(ctx, http.MethodPost, a.conn.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var answer struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := a.do(request, &answer); err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	a.mu.Lock()
	a.token, a.expires = answer.AccessToken, time.Now().Add(tokenLife(answer.ExpiresIn))
	a.mu.Unlock()
	return answer.AccessToken, nil
}

func (a *amsClient) call(ctx context.Context, method, path string, body, answer any) error {
	token, err := a.bearer(ctx)
	if err != nil {
		return err
	}
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(encoded)
	}
	request, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(a.conn.URL, "/")+path, reader)
	if err != nil {
		return err
	}
	request.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	return a.do(request, answer)
}

func (a *amsClient) do(request *http.Request, answer any) error {
	response, err := a.http.Do(request)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	data, err := io.ReadAll(io.LimitReader(response.Body, 1<<20))
	if err != nil {
		return err
	}
	if response.StatusCode >= 300 {
		return &amsStatusError{status: response.StatusCode, body: capText(strings.TrimSpace(string(data)))}
	}
	return json.Unmarshal(data, answer)
}

func (a *amsClient) currentAccount(ctx context.Context) (string, error) {
	var account struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	}
	if err := a.call(ctx, http.MethodGet, "/api/accounts_mgmt/v1/current_account", nil, &account); err != nil {
		return "", err
	}
	if account.Username != "" {
		return account.Username, nil
	}
	return account.ID, nil
}

func (a *amsClient) reviewCapability(ctx context.Context, account, organizationID, capability string) (bool, error) {
	var answer struct {
		Result string `json:"result"`
	}
	body := map[string]string{"account_username": account, "capability": capability, "type": "Organization", "organization_id": organizationID}
	if err := a.call(ctx, http.MethodPost, "/api/authorizations/v1/capability_review", body, &answer); err != nil {
		return false, err
	}
	return answer.Result == "true", nil
}
