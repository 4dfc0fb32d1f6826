// Package search is the in-memory index behind the invoice list: summaries
// of every invoice, an inverted index of word prefixes, and sorted orders.
// It decides nothing about invoices itself: the overdue rule and amount
// comparison are invoice.Overdue and invoice.CompareDecimal.
package search
