// Package archtest holds the test that keeps SafeInvoice's layers apart (the
// dependency rule of DESIGN §1). It has no code of its own.
package archtest
