package engine_test

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/kqltest"
)

// TestScripts runs the shared KQL script corpus (testdata/*.test at the
// repository root) on the in-memory engine.
func TestScripts(t *testing.T) {
	kqltest.RunFiles(t, "../testdata/*.test", kqltest.EngineBackend{})
}
