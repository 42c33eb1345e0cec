package main

import (
	"os/exec"
	"syscall"
)

// setDeathSignal has the kernel kill cmd if the soak dies first, so an
// interrupted soak leaves no wirebook or nginx master listening behind.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// ownGroup puts cmd in a process group of its own, so killGroup reaches the
// processes it forks (nginx's workers), which the death signal does not.
func ownGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.Cancel = func() error { return killGroup(cmd) }
}

func killGroup(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

// sigQuit asks nginx for a graceful stop.
var sigQuit = syscall.SIGQUIT
