//go:build !unix

// peek_other.go: without MSG_PEEK the probe falls back to a short read.

package syslog

import "net"

type peekState int

const (
	peekIdle peekState = iota
	peekData
	peekClosed
	peekUnknown
)

func peek(net.Conn) peekState { return peekUnknown }
