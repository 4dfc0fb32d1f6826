package fsutil

import (
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// restrictToOwner gives f, when perm grants nothing to group and others
// (0o600, 0o400), an access list of its own that lets only the current user
// in, and no longer inherits the folder's: on Windows permission bits are
// not enforced, and a file created in a shared folder (a USB drive, a
// network share, C:\Users\Public) would otherwise be readable by everyone
// the folder lets in. Files of other modes keep the folder's access list.
func restrictToOwner(f *os.File, perm fs.FileMode) error {
	if perm&0o077 != 0 {
		return nil
	}
	sid, err := currentUser()
	if err != nil {
		return err
	}
	// D:P = a protected DACL (nothing inherited); one ACE: full access for
	// the user.
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;FA;;;" + sid.String() + ")")
	if err != nil {
		return fmt.Errorf("access list for %s: %w", f.Name(), err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("access list for %s: %w", f.Name(), err)
	}
	// By name: the handle f holds was opened without WRITE_DAC.
	err = windows.SetNamedSecurityInfo(f.Name(), windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	if err != nil {
		return fmt.Errorf("restrict %s to its owner: %w", f.Name(), err)
	}
	return nil
}

// currentUser is the security identifier of the user this process runs as.
func currentUser() (*windows.SID, error) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("current user: %w", err)
	}
	return tu.User.Sid, nil
}
