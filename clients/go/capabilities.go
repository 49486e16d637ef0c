package amslifecycle

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"
)

// HasCapability (client/capabilities.ts): AMS's capability review behind a short
// cache, so the installer can gate a feature on an organisation capability without
// asking AMS on every request. A type of its own: the lifecycle calls need no AMS
// credentials.

// Defaults of CapabilityOptions.
const (
	DefaultCapabilityCacheTTL = 60 * time.Second
	DefaultCapabilityEntries  = 10_000
	capabilityPrefix          = "capability.organization."
)

var (
	capabilityKeyPattern  = regexp.MustCompile(`^capability\.[a-z]+\.[a-z0-9_]+$`)
	capabilityNamePattern = regexp.MustCompile(`^[a-z0-9_]+$`)
	amsIDPattern          = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// CapabilityOptions of NewCapabilityChecker.
type CapabilityOptions struct {
	AMS AMSConnection
	// AccountUsername whose review is asked; the account the credentials log in as when empty (looked up once).
	AccountUsername string
	// CacheTTL: how long an answer is reused (DefaultCapabilityCacheTTL when zero; NoCache turns the cache off).
	CacheTTL time.Duration
	NoCache  bool
	// MaxEntries: answers kept at most, the oldest go first (DefaultCapabilityEntries when zero).
	MaxEntries int
	// CallTimeout: the deadline of one HasCapability call (DefaultCallTimeout when zero).
	CallTimeout time.Duration
	// Now is the clock; tests set one.
	Now func() time.Time
}

// CapabilityCheckError: AMS could not answer the review (unreachable, refused, 5xx).
// Never cached: the next call asks again. Status is AMS's HTTP status when it answered.
type CapabilityCheckError struct {
	OrganizationID string
	Capability     string
	Status         int
	Err            error
}

func (e *CapabilityCheckError) Error() string {
	return fmt.Sprintf("capability review of %s for organization %s failed: %v", e.Capability, e.OrganizationID, e.Err)
}

func (e *CapabilityCheckError) Unwrap() error { return e.Err }

// CapabilityChecker answers HasCapability; safe for concurrent use.
type CapabilityChecker struct {
	ams         *amsClient
	ttl         time.Duration
	maxEntries  int
	callTimeout time.Duration
	now         func() time.Time

	mu      sync.Mutex
	account string
	entries map[string]*capabilityEntry
	order   []string // keys, oldest first
}

// capabilityEntry is an answer, or a request in flight (done open) that calls for the same key share.
type capabilityEntry struct {
	done    chan struct{}
	value   bool
	err     error
	expires time.Time
}

// NewCapabilityChecker checks its options; a bad one gives an error naming it and the rule.
func NewCapabilityChecker(options CapabilityOptions) (*CapabilityChecker, error) {
	ams, err := newAMSClient(options.AMS)
	if err != nil {
		return nil, err
	}
	c := &CapabilityChecker{ams: ams, ttl: options.CacheTTL, maxEntries: options.MaxEntries, callTimeout: options.CallTimeout,
		now: options.Now, account: options.AccountUsername, entries: map[string]*capabilityEntry{}}
	switch {
	case options.NoCache:
		c.ttl = 0
	case c.ttl == 0:
		c.ttl = DefaultCapabilityCacheTTL
	case c.ttl < 0:
		return nil, fmt.Errorf("CapabilityOptions.CacheTTL: must be >= 0, got %s", c.ttl)
	}
	if c.maxEntries == 0 {
		c.maxEntries = DefaultCapabilityEntries
	} else if c.maxEntries < 0 {
		return nil, fmt.Errorf("CapabilityOptions.MaxEntries: must be >= 1, got %d", c.maxEntries)
	}
	if c.callTimeout == 0 {
		c.callTimeout = DefaultCallTimeout
	} else if c.callTimeout < 0 {
		return nil, fmt.Errorf("CapabilityOptions.CallTimeout: must be > 0, got %s", c.callTimeout)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// HasCapability is true when AMS's capability review says the organisation has the
// capability (bare_metal_installer_multiarch, or the whole key capability.organization.…).
// Calls for the same organisation and capability share one request; an answer is
// reused for CacheTTL; a failure (*CapabilityCheckError) is not kept.
func (c *CapabilityChecker) HasCapability(ctx context.Context, organizationID, name string) (bool, error) {
	capability := name
	if !capabilityKeyPattern.MatchString(name) {
		if !capabilityNamePattern.MatchString(name) {
			return false, &InvalidInputError{Operation: "hasCapability", Issues: []Issue{{Field: "capability",
				Rule: fmt.Sprintf("must be a capability key like capability.organization.bare_metal_installer_multiarch, or its last part (a-z, 0-9, _), got %q", name)}}}
		}
		capability = capabilityPrefix + name
	}
	if !amsIDPattern.MatchString(organizationID) {
		return false, &InvalidInputError{Operation: "hasCapability", Issues: []Issue{{Field: "organizationId",
			Rule: fmt.Sprintf("must be an AMS id (1 to 64 letters, digits, - or _), got %q", organizationID)}}}
	}
	key := organizationID + "\n" + capability
	c.mu.Lock()
	entry, found := c.entries[key]
	if found && entry.isDone() && !c.now().Before(entry.expires) {
		found = false // expired
	}
	if !found {
		entry = &capabilityEntry{done: make(chan struct{})}
		c.remember(key, entry)
		go c.review(key, entry, organizationID, capability)
	}
	c.mu.Unlock()
	select {
	case <-entry.done:
		return entry.value, entry.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// Clear forgets every cached answer (an operator just changed a capability).
func (c *CapabilityChecker) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries, c.order = map[string]*capabilityEntry{}, nil
}

func (e *capabilityEntry) isDone() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// review asks AMS under the call's deadline and settles the entry; only an answer stays cached.
func (c *CapabilityChecker) review(key string, entry *capabilityEntry, organizationID, capability string) {
	ctx, cancel := context.WithTimeout(context.Background(), c.callTimeout)
	defer cancel()
	value, err := c.ask(ctx, organizationID, capability)
	c.mu.Lock()
	defer c.mu.Unlock()
	entry.value, entry.expires = value, c.now().Add(c.ttl)
	if err != nil {
		var status *amsStatusError
		check := &CapabilityCheckError{OrganizationID: organizationID, Capability: capability, Err: err}
		if errors.As(err, &status) {
			check.Status = status.status
		}
		entry.err = check
	}
	if (err != nil || c.ttl == 0) && c.entries[key] == entry {
		c.forget(key)
	}
	close(entry.done)
}

func (c *CapabilityChecker) ask(ctx context.Context, organizationID, capability string) (bool, error) {
	c.mu.Lock()
	account := c.account
	c.mu.Unlock()
	if account == "" {
		var err error
		if account, err = c.ams.currentAccount(ctx); err != nil {
			return false, err
		}
		c.mu.Lock()
		c.account = account
		c.mu.Unlock()
	}
	return c.ams.reviewCapability(ctx, account, organizationID, capability)
}

func (c *CapabilityChecker) remember(key string, entry *capabilityEntry) {
	c.forget(key)
	c.entries[key] = entry
	c.order = append(c.order, key)
	if len(c.order) > c.maxEntries {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *CapabilityChecker) forget(key string) {
	if _, ok := c.entries[key]; !ok {
		return
	}
	delete(c.entries, key)
	for i, k := range c.order {
		if k == key {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
}
