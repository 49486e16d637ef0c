package main

import (
	"fmt"
	"net"
	"strconv"
)

// hostPort formats ip:port, with brackets for IPv6.
func hostPort(ip string, port int) string { return net.JoinHostPort(ip, strconv.Itoa(port)) }

// freePort asks the kernel for a port nobody listens on (for the internal services), left
// in TIME_WAIT as the Temporal CLI and SDK do: for a minute no other process's port-0
// listener or connection gets it (two test passes run at once), yet this server can bind it.
func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", hostPort(ip, 0))
	if err != nil {
		return 0, err
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	c, err := net.Dial("tcp", hostPort(ip, port))
	if err != nil {
		return 0, err
	}
	defer c.Close()
	s, err := l.Accept()
	if err != nil {
		return 0, err
	}
	return port, s.Close()
}

// portFree fails with a clear message when something listens there already.
func portFree(what, ip string, port int) error {
	l, err := net.Listen("tcp", hostPort(ip, port))
	if err != nil {
		return fmt.Errorf("%s port %d on %s is not free: %w", what, port, ip, err)
	}
	return l.Close()
}
