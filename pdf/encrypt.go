package pdf

import (
	"bytes"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// encryptionConfig returns the pdfcpu configuration that encrypts with
// AES-256 under password. It is built field by field instead of with
// model.NewAESConfiguration, whose default configuration creates a
// configuration folder in the user's home (and exits the process if it
// cannot). The same password is the user and the owner password: whoever
// can open the file may print and copy it, since PDF permissions are not
// security anyway.
func encryptionConfig(password string) *model.Configuration {
	return &model.Configuration{
		CheckFileNameExt:  true,
		Reader15:          true,
		ValidationMode:    model.ValidationRelaxed,
		Eol:               types.EolLF,
		WriteObjectStream: true,
		WriteXRefStream:   true,
		UserPW:            password,
		OwnerPW:           password,
		EncryptUsingAES:   true,
		EncryptKeyLength:  256,
		Permissions:       model.PermissionsAll,
		TimestampFormat:   "2006-01-02 15:04",
		DateFormat:        "2006-01-02",
		Cmd:               model.ENCRYPT,
	}
}

// encrypt returns pdf encrypted with AES-256 under password.
func encrypt(pdf []byte, password string) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(pdf) + len(pdf)/8)
	if err := api.Encrypt(bytes.NewReader(pdf), &out, encryptionConfig(password)); err != nil {
		return nil, fmt.Errorf("aes-256: %w", err)
	}
	return out.Bytes(), nil
}
