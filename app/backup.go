package app

import (
	"errors"

	"safeinvoice/backup"
)

// Errors of the backup use cases, checked with errors.Is. The backup
// package's sentinels (backup.ErrCorrupt, backup.ErrWrongKey,
// backup.ErrChainGap, backup.ErrForeign, backup.ErrFolderFull,
// backup.ErrFolderMissing, …) pass through wrapped.
var (
	// ErrNoBackupFolder means no folder was given and none is set.
	ErrNoBackupFolder = errors.New("no backup folder is set")
	// ErrTargetNotEmpty means a restore would overwrite a data directory
	// and was not told to replace it.
	ErrTargetNotEmpty = errors.New("the data directory is not empty")
)

// The backup package's types and values that front ends need, so that they
// import only app.
type (
	BackupReport   = backup.Report
	BackupManifest = backup.Manifest
	BackupSchedule = backup.Schedule
	BackupPolicy   = backup.Policy
	BackupEvent    = backup.Event
)

// Kinds of backup, and the events AutoBackup is called on.
const (
	BackupFull        = backup.Full
	BackupIncremental = backup.Incremental
	BackupOnTimer     = backup.Timer
	BackupOnClose     = backup.Closing
)

// The backup package's sentinel errors, for front ends.
var (
	ErrNoBackup         = backup.ErrNoBackup
	ErrBackupCorrupt    = backup.ErrCorrupt
	ErrBackupWrongKey   = backup.ErrWrongKey
	ErrBackupChainGap   = backup.ErrChainGap
	ErrBackupForeign    = backup.ErrForeign
	ErrBadRecipient     = backup.ErrBadRecipient
	ErrBackupFolderGone = backup.ErrFolderMissing
	ErrBackupFolderFull = backup.ErrFolderFull
)
