package store

import "database/sql"

// DB exposes the pool of s to the tests of package store_test, which set up
// states the API cannot reach.
func DB(s *Store) *sql.DB { return s.db }

// Translate exposes translate to the error table test.
var Translate = translate
