package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachConsole connects the command line to the console it was typed in.
// SafeInvoice.exe is a window program (it opens no console of its own when
// started from the Start menu), so Windows gives it no standard output;
// with a command to run it attaches to its parent's console, if there is
// one, and writes there. Output redirected to a file or a pipe is used as
// it is. Failures leave the streams as they were: the exit status still
// tells.
func attachConsole() {
	if h, err := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE); err == nil && h != 0 && h != windows.InvalidHandle {
		return
	}
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	const parentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS
	if ok, _, _ := attach.Call(parentProcess); ok == 0 {
		return
	}
	if out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = out, out
	}
	if in, err := os.OpenFile("CONIN$", os.O_RDWR, 0); err == nil {
		os.Stdin = in
	}
}
