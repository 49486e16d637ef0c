package amslifecycle

// The stack the client talks to, each part real: the project's Temporal dev server
// (tools/bin/temporal-dev-server, with the contract's search attributes and a second
// namespace), the AMS emulator and the TypeScript worker (node, from the repository
// root found relative to this directory). The first test that needs it starts it
// (needStack), so pure tests run alone; TestMain stops it at the end. A missing
// prerequisite fails the tests that need it with what to do; nothing is skipped.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
)

type stack struct {
	once      sync.Once
	err       error
	root      string
	address   string
	taskQueue string
	amsURL    string
	temporal  client.Client
	workerEnv map[string]string // the emulator's URLs and service account, for the worker
	processes []child
}

var env stack

// otherNamespace: a namespace besides "default", for the clients dialled elsewhere.
const otherNamespace = "go-client-other"

// needStack starts the stack once, for the first test that needs it.
func needStack(t *testing.T) *stack {
	t.Helper()
	env.once.Do(func() { env.err = env.start() })
	if env.err != nil {
		t.Fatalf("clients/go: starting the test stack: %v", env.err)
	}
	return &env
}

// repositoryRoot: tests that only run node need the root, not the stack.
func repositoryRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// child is a process this run started; done closes when it has exited.
type child struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func (c child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// quiet: the SDK's own info logs would bury the test output.
var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	defer env.stop()
	return m.Run()
}

func (s *stack) start() error {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	s.root = root
	devServer := filepath.Join(root, "tools", "bin", "temporal-dev-server")
	for _, need := range []string{devServer, filepath.Join(root, "node_modules", "tsx")} {
		if _, err := os.Stat(need); err != nil {
			return fmt.Errorf("%s is missing: run 'npm ci && npm run setup' in %s", need, root)
		}
	}
	if err := s.startTemporal(devServer); err != nil {
		return err
	}
	if err := s.startEmulator(); err != nil {
		return err
	}
	return s.startWorker()
}

func (s *stack) startTemporal(binary string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.address = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(port), "--headless", "--log-level", "error", "--namespace", otherNamespace}
	for _, name := range contract.searchAttributes {
		args = append(args, "--search-attribute", name+"=Keyword")
	}
	cmd := exec.Command(binary, args...)
	cmd.Stderr = os.Stderr
	if err := s.spawn(cmd); err != nil {
		return err
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		err = s.temporalReady()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the Temporal dev server at %s is not ready after 90 s: %w", s.address, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// temporalReady: the frontend answers and knows the search attributes.
func (s *stack) temporalReady() error {
	if s.temporal == nil {
		c, err := client.Dial(client.Options{HostPort: s.address, Logger: quiet})
		if err != nil {
			return err
		}
		s.temporal = c
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	attrs, err := s.temporal.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		return err
	}
	for _, name := range contract.searchAttributes {
		if _, ok := attrs.GetCustomAttributes()[name]; !ok {
			return fmt.Errorf("search attribute %s not registered yet", name)
		}
	}
	return nil
}

var (
	listening = regexp.MustCompile(`listening on (http://\S+)`)
	tokenURL  = regexp.MustCompile(`token URL: (\S+)`)
	account   = regexp.MustCompile(`client id (\S+)\s+secret (\S+)`)
)

func (s *stack) startEmulator() error {
	cmd := exec.Command("node", "--import", "tsx", "emulator/main.ts", "--port", "0", "--log-level", "silent")
	cmd.Dir = s.root
	cmd.Stderr = os.Stderr
	// A pipe of our own, not StdoutPipe: cmd.Wait (in spawn) closes StdoutPipe's reader,
	// and os/exec forbids reading it concurrently with Wait.
	stdout, writer, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdout = writer
	err = s.spawn(cmd)
	writer.Close() // the child holds its copy; EOF comes when it exits
	if err != nil {
		stdout.Close()
		return err
	}
	banner := make(chan map[string]string, 1)
	go func() {
		found := map[string]string{}
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				found["AMS_URL"] = m[1]
			} else if m := tokenURL.FindStringSubmatch(lines.Text()); m != nil {
				found["AMS_TOKEN_URL"] = m[1]
			} else if m := account.FindStringSubmatch(lines.Text()); m != nil && found["AMS_CLIENT_ID"] == "" {
				found["AMS_CLIENT_ID"], found["AMS_CLIENT_SECRET"] = m[1], m[2]
				banner <- found
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout) // never block the emulator on a full pipe
		stdout.Close()
		close(banner)
	}()
	select {
	case found, ok := <-banner:
		if !ok || found["AMS_URL"] == "" || found["AMS_TOKEN_URL"] == "" {
			return fmt.Errorf("the AMS emulator exited before printing its URL and credentials")
		}
		s.amsURL = found["AMS_URL"]
		s.workerEnv = found
		return nil
	case <-time.After(60 * time.Second):
		return fmt.Errorf("the AMS emulator printed no URL within 60 s")
	}
}

func (s *stack) startWorker() error {
	s.taskQueue = "go-client-test"
	cmd := exec.Command("node", "--import", "tsx", "worker/main.ts")
	cmd.Dir = s.root
	cmd.Env = append(os.Environ(), "TEMPORAL_ADDRESS="+s.address, "TEMPORAL_NAMESPACE=default", "TEMPORAL_TASK_QUEUE="+s.taskQueue, "LOG_LEVEL=warn")
	for name, value := range s.workerEnv {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := s.spawn(cmd); err != nil {
		return err
	}
	// Ready once it polls the task queue (it bundles the workflow code first).
	deadline := time.Now().Add(180 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		resp, err := s.temporal.DescribeTaskQueue(ctx, s.taskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
		cancel()
		if err == nil && len(resp.GetPollers()) > 0 {
			return nil
		}
		if s.processes[len(s.processes)-1].exited() {
			return fmt.Errorf("the worker exited (its output is above)")
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("the worker did not poll task queue %s within 180 s", s.taskQueue)
}

// spawn starts a child that dies with the test binary, even when a timeout panics past TestMain.
func (s *stack) spawn(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	done := make(chan struct{})
	s.processes = append(s.processes, child{cmd, done})
	go func() { _ = cmd.Wait(); close(done) }()
	return nil
}

// stop ends what this run started, newest first: SIGTERM, then SIGKILL if it lingers.
func (s *stack) stop() {
	if s.temporal != nil {
		s.temporal.Close()
	}
	for i := len(s.processes) - 1; i >= 0; i-- {
		c := s.processes[i]
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	}
}

func freePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}
