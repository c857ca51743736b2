//go:build !linux

// Giving back the pages of the state file that delivery read: only done on
// Linux (release_linux.go); elsewhere the system pages them out when it
// needs the memory.

package state

func (s *Store) releaseMapped() {}
