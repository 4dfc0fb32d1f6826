// Package archtest holds the test that keeps SafeInvoice's layers apart: the
// dependency rule of ARCHITECTURE.md. It has no code of its own.
package archtest
