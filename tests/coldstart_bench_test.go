package tests

import "github.com/logifn/logifn/functions/registry"

// coldStartFunctions are the functions whose binaries the smoke test
// starts: every function of the manifest. Cold starts, sizes and resident
// sets are measured by `logifn bench` (make bench).
func coldStartFunctions() []string {
	var names []string
	for _, spec := range registry.All() {
		names = append(names, spec.Name)
	}
	return names
}
