//go:build nosqlite

package store

// sqliteBuiltIn is false in binaries built with the nosqlite tag: they
// carry no embedded database and open MySQL only.
const sqliteBuiltIn = false

func sqliteDuplicate(error) bool { return false }

func sqliteBusy(error) bool { return false }
