package harness

import (
	"os/exec"
	"syscall"
)

// SetDeathSignal has the kernel kill cmd if this process dies first, so an
// interrupted bench or soak leaves no wirebook or nginx listening behind.
func SetDeathSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

// OwnGroup puts cmd in a process group of its own, so KillGroup reaches the
// processes it forks (nginx's workers), which the death signal does not.
func OwnGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.Cancel = func() error { return KillGroup(cmd) }
}

// KillGroup kills cmd's process group.
func KillGroup(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

// SigQuit asks nginx for a graceful stop.
var SigQuit = syscall.SIGQUIT
