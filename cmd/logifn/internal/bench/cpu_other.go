//go:build !unix

package bench

import "time"

// selfCPU is unknown here: CPU columns stay empty.
func selfCPU() time.Duration { return 0 }
