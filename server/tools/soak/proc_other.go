//go:build !linux

package main

import (
	"os"
	"os/exec"
)

// setDeathSignal does nothing where there is no Pdeathsig; the soak kills
// its children on its way out instead.
func setDeathSignal(*exec.Cmd) {}

// ownGroup does nothing here; killGroup kills the process alone.
func ownGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }

// sigQuit would ask nginx for a graceful stop; without SIGQUIT it is killed.
var sigQuit = os.Kill
