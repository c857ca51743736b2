//go:build !unix

// Where flock does not exist, check does not probe the state file's lock.

package agent

import (
	"errors"
	"os"
)

func tryLock(*os.File) (held bool, err error) {
	return false, errors.New("probing the lock is not supported on this system")
}
