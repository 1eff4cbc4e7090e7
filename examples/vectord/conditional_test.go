package vectord

import (
	"errors"
	"testing"

	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

// A conflict says which condition the store refused: If-None-Match on a
// create, If-Match with the ETag the writer last saw on an update.
func TestConflictErrorNamesItsCondition(t *testing.T) {
	refused := storeclient.ErrPreconditionFailed
	for _, c := range []struct {
		etag, want string
	}{
		{"", `save "docs" (If-None-Match: *): ` + ErrConflict.Error() + ": " + refused.Error()},
		{`"e1"`, `save "docs" (If-Match: "e1"): ` + ErrConflict.Error() + ": " + refused.Error()},
	} {
		err := error(&ConflictError{Name: "docs", ETag: c.etag, Err: refused})
		if err.Error() != c.want {
			t.Errorf("ETag %q:\n got %s\nwant %s", c.etag, err, c.want)
		}
		if !errors.Is(err, ErrConflict) || !errors.Is(err, refused) {
			t.Errorf("ETag %q: errors.Is(ErrConflict) %v, errors.Is(the store's refusal) %v",
				c.etag, errors.Is(err, ErrConflict), errors.Is(err, refused))
		}
	}
}
