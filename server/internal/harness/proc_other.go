//go:build !linux

package harness

import (
	"os"
	"os/exec"
)

// SetDeathSignal does nothing where there is no Pdeathsig; the tools kill
// their children on their way out instead.
func SetDeathSignal(*exec.Cmd) {}

// OwnGroup does nothing here; KillGroup kills the process alone.
func OwnGroup(*exec.Cmd) {}

// KillGroup kills cmd's process (there is no group of its own here).
func KillGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }

// SigQuit would ask nginx for a graceful stop; without SIGQUIT it is killed.
var SigQuit = os.Kill
