//go:build !unix

package syslog

// peek_other.go: without MSG_PEEK the probe falls back to a short read.

import "net"

type peekState int

const (
	peekIdle peekState = iota
	peekData
	peekClosed
	peekUnknown
)

func peek(net.Conn) peekState { return peekUnknown }
