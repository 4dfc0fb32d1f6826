// Package invoice is the invoicing domain of SafeInvoice: clients, invoices,
// lines, payments and credit notes, decimal money and tax arithmetic, number
// patterns, lifecycle rules and the minimal-information scanner.
//
// The package does no I/O and imports no other package of the project. Money
// is decimal (github.com/bojanz/currency); no float is used anywhere.
package invoice
