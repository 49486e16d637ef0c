package ocmsdkgo

import "syscall"

// The emulator dies with the test binary, even when a timeout panics past TestMain's cleanup.
func childAttributes() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
