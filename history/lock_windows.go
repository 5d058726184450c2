//go:build windows

package history

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// lockFile takes a LockFileEx lock on the whole of f (released when f is
// closed), so that luascope processes sharing one history file take turns
// as flock makes them on Unix. The call waits for the lock.
func lockFile(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, ^uint32(0), ^uint32(0), new(windows.Overlapped))
}

// openFile opens the history file sharing delete access: rotation renames
// a new file over one that other luascope processes may hold open and
// locked, which Windows allows only when every handle shares delete
// (os.OpenFile does not). It knows the flags this package uses: O_RDONLY,
// and O_RDWR|O_CREATE|O_APPEND.
func openFile(path string, flag int) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	access := uint32(windows.GENERIC_READ)
	if flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		// What os.OpenFile asks for with O_APPEND: append, never overwrite.
		access |= windows.FILE_APPEND_DATA | windows.FILE_WRITE_ATTRIBUTES | windows.FILE_WRITE_EA |
			windows.STANDARD_RIGHTS_WRITE | windows.SYNCHRONIZE
	}
	create := uint32(windows.OPEN_EXISTING)
	if flag&os.O_CREATE != 0 {
		create = windows.OPEN_ALWAYS
	}
	share := uint32(windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE)
	h, err := windows.CreateFile(p, access, share, nil, create, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// replaceFile renames tmp over path with POSIX semantics (os.Root does),
// so the old file may still be open, and locked, in another process: that
// process sees the rename in openLocked and opens the new file.
func replaceFile(tmp, path string) error {
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer root.Close()
	return root.Rename(filepath.Base(tmp), filepath.Base(path))
}
