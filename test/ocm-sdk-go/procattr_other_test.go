//go:build !linux

package ocmsdkgo

import "syscall"

func childAttributes() *syscall.SysProcAttr { return nil }
