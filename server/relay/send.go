package relay

import (
	"context"
	"strconv"
	"time"

	"wirebook/server/expect"
	"wirebook/server/wireproto"
)

// Send makes the request f (a FrameSend) describes and gives emit what
// comes back, one frame at a time and in order: Queued while it waits for
// one of the relay's slots, Sent (the request as written), Head, a Chunk for each piece of the body as it arrives, a Check
// if f carries expectations, then End; or an Error at any point, which is
// the last frame. A request the relay will not write (see buildRequest) is
// an Error before anything is sent. Every frame
// carries f's ID. It is the one sender of wirebook: the page's wire
// transport and `wirebook check` both call it, so the target policy, the
// caps and the time limit are the same for both.
//
// Send returns once it has emitted the last frame, or once emit has failed:
// an error from emit means no one is reading, and the exchange is dropped
// without a last frame. ctx cancelled with a cause stops the exchange with
// an Error frame that says why.
//
// Expectations (Hurl's grammar, see package expect) are checked against the
// answer once the body has ended: its version, status, headers in order,
// the body up to the relay's body cap (Truncated past it) and the total
// time. A malformed block is an Error frame, "expectations, line N: …",
// and nothing is sent.
func (r *Relay) Send(ctx context.Context, f wireproto.Frame, emit func(*wireproto.Frame) error) {
	r.wg.Add(1)
	defer r.wg.Done()
	fail := func(msg string) { emit(&wireproto.Frame{Type: wireproto.FrameError, ID: f.ID, Message: msg}) }

	var ans *answer
	if f.Expect != "" {
		spec, err := expect.Parse(f.Expect)
		if err != nil {
			fail("expectations, " + err.Error())
			return
		}
		if n := spec.Len(); n > wireproto.MaxFrameChecks {
			fail("expectations: " + strconv.Itoa(n) + " checks, more than the " + strconv.Itoa(wireproto.MaxFrameChecks) + " a cell may have")
			return
		}
		if spec.Len() > 0 {
			ans = &answer{spec: spec, maxBody: r.maxBody}
		}
	}
	t, err := r.policy.Load().check(f.URL)
	if err != nil {
		fail(err.Error())
		return
	}
	w, err := buildRequest(f.Request, f.Client, f.URL, t)
	if err != nil {
		fail(err.Error())
		return
	}
	if msg, ok := r.admit(ctx, f.ID, emit); !ok {
		if msg != "" {
			fail(msg)
		}
		return
	}

	ctx, stop := context.WithTimeoutCause(ctx, r.timeout, errTimeout)
	last := r.roundTrip(ctx, f.ID, w, t, emit, ans)
	stop()
	// The slot is free before the last frame goes out, so a client that
	// sends again the moment it reads that frame finds it free.
	r.admission.release()
	if last == nil {
		return // no one to tell
	}
	if last.Type == wireproto.FrameEnd && ans != nil {
		if emit(ans.check(last)) != nil {
			return
		}
	}
	r.log.Debug("relay: done", "id", f.ID, "target", t.String(), "end", last.Type, "message", last.Message)
	emit(last)
}

// answer keeps what the expectations of one exchange are checked against.
// Its methods do nothing on a nil answer: a send without expectations
// keeps no copy of the body.
type answer struct {
	spec    expect.Spec
	resp    expect.Response
	maxBody int64
}

func (a *answer) head(h *wireproto.Frame) {
	if a == nil {
		return
	}
	a.resp.Proto, a.resp.Status = h.Proto, h.Status
	a.resp.Header = make([]expect.Header, len(h.Headers))
	for i, hd := range h.Headers {
		a.resp.Header[i] = expect.Header{Name: hd.Name, Value: hd.Value}
	}
}

// chunk keeps a copy of data, which the relay has already cut at its body
// cap; the copy grows by doubling but never past the cap, so a send with
// expectations holds at most maxBody bytes of body.
func (a *answer) chunk(data []byte) {
	if a == nil {
		return
	}
	body := a.resp.Body
	if need := len(body) + len(data); need > cap(body) {
		grown := make([]byte, len(body), min(max(2*cap(body), need), int(max(a.maxBody, int64(need)))))
		copy(grown, body)
		body = grown
	}
	a.resp.Body = append(body, data...)
}

// check checks the expectations against the answer that end closes.
func (a *answer) check(end *wireproto.Frame) *wireproto.Frame {
	a.resp.Truncated = end.Truncated
	a.resp.Duration = time.Duration(end.Total)
	results := a.spec.Check(a.resp)
	f := &wireproto.Frame{Type: wireproto.FrameCheck, ID: end.ID, Checks: make([]wireproto.CheckResult, len(results))}
	for i, res := range results {
		f.Checks[i] = wireproto.CheckResult{Line: res.Line, Pass: res.Pass, Text: res.Text, Got: res.Got, Want: res.Want}
	}
	return f
}
