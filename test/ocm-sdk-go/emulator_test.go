// Conformance of the AMS emulator with the official OCM Go SDK, the client the
// Assisted Installer uses. go.mod pins v0.1.205 (what the installer pins);
// go.current.mod a current release, v0.1.510: the newest whose whole module graph
// the Go checksum database verified when written (v0.1.513 is served, but the
// ocm-api-model v0.0.468 it needs was not verifiable). scripts/test-go.sh runs both.
//
// TestMain starts the emulator (node, from the repository root) on a free port,
// reads its URL and service account from what it prints, and stops it at the end,
// so `go test ./...` here needs nothing else running.
package ocmsdkgo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	sdk "github.com/openshift-online/ocm-sdk-go"
)

// emulator is what the running emulator printed about itself.
type emulator struct {
	url, tokenURL, clientID, clientSecret string
}

var (
	emu  emulator
	conn *sdk.Connection
)

var (
	listening = regexp.MustCompile(`listening on (http://\S+)`)
	tokenURL  = regexp.MustCompile(`token URL: (\S+)`)
	client    = regexp.MustCompile(`client id (\S+)\s+secret (\S+)`)
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	cmd, err := startEmulator()
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the AMS emulator: %v\n", err)
		return 1
	}
	defer stop(cmd)

	conn, err = sdk.NewConnectionBuilder().
		URL(emu.url).
		TokenURL(emu.tokenURL).
		Client(emu.clientID, emu.clientSecret).
		Build()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the SDK connection: %v\n", err)
		return 1
	}
	defer conn.Close()
	fmt.Printf("ocm-sdk-go %s against the AMS emulator at %s\n", sdk.Version, emu.url)
	return m.Run()
}

func startEmulator() (*exec.Cmd, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", "--import", "tsx", "emulator/main.ts", "--port", "0", "--log-level", "silent")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = childAttributes()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan error, 1)
	go func() { ready <- readBanner(stdout) }()
	select {
	case err = <-ready:
	case <-time.After(60 * time.Second):
		err = fmt.Errorf("no URL printed within 60 s")
	}
	if err != nil {
		stop(cmd)
		return nil, err
	}
	return cmd, nil
}

// readBanner reads the start-up text up to the first service account line, then
// keeps draining stdout so the emulator never blocks on a full pipe.
func readBanner(stdout io.Reader) error {
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		line := lines.Text()
		if match := listening.FindStringSubmatch(line); match != nil {
			emu.url = match[1]
		} else if match := tokenURL.FindStringSubmatch(line); match != nil {
			emu.tokenURL = match[1]
		} else if match := client.FindStringSubmatch(line); match != nil {
			emu.clientID, emu.clientSecret = match[1], match[2]
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			if emu.url == "" || emu.tokenURL == "" {
				return fmt.Errorf("banner without URL or token URL")
			}
			return nil
		}
	}
	return fmt.Errorf("emulator exited before printing its URL and credentials (%v)", lines.Err())
}

// stop ends the emulator with SIGTERM (it closes cleanly), killing it if it lingers.
func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
