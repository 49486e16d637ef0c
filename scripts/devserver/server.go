package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/headers"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/metrics"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"gopkg.in/yaml.v3"
)

const clusterName = "active"

type running struct {
	server temporal.Server
	ui     *uiserver.Server
}

func (r *running) stop() {
	if r.ui != nil {
		r.ui.Stop()
	}
	r.server.Stop()
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func searchAttributes(pairs []string) (map[string]enumspb.IndexedValueType, error) {
	raw, err := keyValues("search-attribute", pairs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]enumspb.IndexedValueType, len(raw))
	for name, typeName := range raw {
		for shorthand, value := range enumspb.IndexedValueType_shorthandValue {
			if value != 0 && strings.EqualFold(shorthand, typeName) {
				out[name] = enumspb.IndexedValueType(value)
			}
		}
		if out[name] == 0 {
			return nil, fmt.Errorf("--search-attribute %s: unknown type %q", name, typeName)
		}
	}
	return out, nil
}

// sqlStore opens (creating schema for a new file) the SQLite store and creates the namespaces.
func sqlStore(o *options, attributes map[string]enumspb.IndexedValueType) (*config.SQL, error) {
	store := &config.SQL{PluginName: sqliteplugin.PluginName}
	if o.dbFile == "" {
		store.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		store.DatabaseName = "dev-" + randomID()
	} else {
		store.ConnectAttributes = map[string]string{"mode": "rwc"}
		store.DatabaseName = o.dbFile
	}
	pragmas, err := keyValues("sqlite-pragma", o.pragmas)
	if err != nil {
		return nil, err
	}
	for name, value := range pragmas {
		store.ConnectAttributes[name] = value
	}
	if o.dbFile != "" {
		if _, err := os.Stat(o.dbFile); os.IsNotExist(err) {
			if _, err := os.Stat(filepath.Dir(o.dbFile)); err != nil {
				return nil, fmt.Errorf("--db-filename: %w", err)
			}
			if err := sqliteschema.SetupSchema(store); err != nil {
				return nil, fmt.Errorf("creating the SQLite schema: %w", err)
			}
		}
	}
	seen := map[string]bool{}
	var namespaces []*sqliteschema.NamespaceConfig
	for _, name := range append([]string{"default"}, o.namespaces...) {
		if seen[name] {
			continue
		}
		seen[name] = true
		namespace, err := sqliteschema.NewNamespaceConfig(clusterName, name, false, attributes)
		if err != nil {
			return nil, fmt.Errorf("namespace %s: %w", name, err)
		}
		namespaces = append(namespaces, namespace)
	}
	// Existing namespaces are left as they are.
	if err := sqliteschema.CreateNamespaces(store, namespaces...); err != nil {
		return nil, err
	}
	return store, nil
}

func serverConfig(o *options, store *config.SQL) (*config.Config, error) {
	c := &config.Config{}
	c.Global.Membership.MaxJoinDuration = 30 * time.Second
	c.Global.Membership.BroadcastAddress = o.ip
	if o.metricsPort > 0 {
		c.Global.Metrics = &metrics.Config{Prometheus: &metrics.PrometheusConfig{
			ListenAddress: hostPort(o.ip, o.metricsPort), HandlerPath: "/metrics",
		}}
	}
	c.Persistence.DefaultStore = "sqlite"
	c.Persistence.VisibilityStore = "sqlite"
	c.Persistence.NumHistoryShards = 1
	c.Persistence.DataStores = map[string]config.DataStore{"sqlite": {SQL: store}}
	c.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{clusterName: {
			Enabled:                true,
			InitialFailoverVersion: 1,
			RPCAddress:             hostPort(o.ip, o.port),
			HTTPAddress:            hostPort(o.ip, o.httpPort),
			ClusterID:              randomID(),
		}},
	}
	c.DCRedirectionPolicy.Policy = "noop"
	c.Services = map[string]config.Service{}
	for _, name := range temporal.DefaultServices {
		service := config.Service{RPC: config.RPC{BindOnIP: o.ip, GRPCPort: o.port, HTTPPort: o.httpPort}}
		if name != string(primitives.FrontendService) {
			port, err := freePort(o.ip)
			if err != nil {
				return nil, err
			}
			service.RPC = config.RPC{BindOnIP: o.ip, GRPCPort: port}
		}
		c.Services[name] = service
	}
	c.Archival.History.State = "disabled"
	c.Archival.Visibility.State = "disabled"
	c.NamespaceDefaults.Archival.History.State = "disabled"
	c.NamespaceDefaults.Archival.Visibility.State = "disabled"
	c.PublicClient.HostPort = hostPort(o.ip, o.port)
	return c, nil
}

func start(o *options, logger *slog.Logger, level *slog.LevelVar) (*running, error) {
	if err := portFree("frontend", o.ip, o.port); err != nil {
		return nil, err
	}
	var err error
	if o.httpPort == 0 {
		if o.httpPort, err = freePort(o.ip); err != nil {
			return nil, err
		}
	} else if err := portFree("frontend HTTP", o.ip, o.httpPort); err != nil {
		return nil, err
	}
	if !o.headless {
		if o.uiIP == "" {
			o.uiIP = o.ip
		}
		if o.uiPort == 0 {
			o.uiPort = min(o.port+1000, 65535)
		}
		if err := portFree("Web UI", o.uiIP, o.uiPort); err != nil {
			return nil, err
		}
	}
	dynamic := defaultDynamicConfig()
	given, err := dynamicConfigValues(o.dynamicConfig)
	if err != nil {
		return nil, err
	}
	for key, value := range given {
		dynamic[key] = value
	}
	attributes, err := searchAttributes(o.searchAttributes)
	if err != nil {
		return nil, err
	}
	store, err := sqlStore(o, attributes)
	if err != nil {
		return nil, err
	}
	conf, err := serverConfig(o, store)
	if err != nil {
		return nil, err
	}
	if o.logConfig {
		text, _ := yaml.Marshal(conf)
		os.Stderr.Write(text)
	}
	server, err := newServer(conf, dynamic, slogLogger{log: logger, level: level})
	if err != nil {
		return nil, err
	}
	r := &running{server: server}
	if !o.headless {
		r.ui = uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
			Host:                o.uiIP,
			Port:                o.uiPort,
			TemporalGRPCAddress: hostPort(o.ip, o.port),
			EnableUI:            true,
			PublicPath:          o.publicPath,
			UIAssetPath:         o.assetPath,
			Codec:               uiconfig.Codec{Endpoint: o.codecEndpoint},
			CORS:                uiconfig.CORS{CookieInsecure: true},
			HideLogs:            true,
			DisableNewsFetch:    o.disableNewsFetch,
		}))
		// Start blocks while the UI serves; a UI that cannot listen ends the process.
		go func() {
			if err := r.ui.Start(); err != nil {
				logger.Error("Web UI failed", "error", err)
				os.Exit(1)
			}
		}()
	}
	if err := server.Start(); err != nil {
		if r.ui != nil {
			r.ui.Stop()
		}
		return nil, fmt.Errorf("starting the server: %w", err)
	}
	fmt.Printf("Temporal Server:      %s (server %s)\n", hostPort(o.ip, o.port), headers.ServerVersion)
	if o.dbFile == "" {
		fmt.Println("Temporal Persistence: in-memory")
	} else {
		fmt.Printf("Temporal Persistence: %s\n", o.dbFile)
	}
	if !o.headless {
		fmt.Printf("Temporal UI:          http://%s%s\n", hostPort(o.uiIP, o.uiPort), o.publicPath)
	}
	return r, nil
}

func newServer(conf *config.Config, dynamic map[string]any, logger slogLogger) (temporal.Server, error) {
	authorizer, err := authorization.GetAuthorizerFromConfig(&conf.Global.Authorization)
	if err != nil {
		return nil, err
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&conf.Global.Authorization, logger)
	if err != nil {
		return nil, err
	}
	hosts := map[primitives.ServiceName]static.Hosts{}
	for _, name := range temporal.DefaultServices {
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(hostPort("127.0.0.1", conf.Services[name].RPC.GRPCPort))
	}
	dc := dynamicconfig.StaticClient{}
	for key, value := range dynamic {
		dc[dynamicconfig.MakeKey(key)] = value
	}
	return temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dc),
	)
}
