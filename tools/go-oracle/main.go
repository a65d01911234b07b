// go-oracle: the Go reference for sigchain's differential fuzzing. It reads tokens on stdin,
// one per line, and for each prints one JSON line saying what nats-io/jwt v2 (the library
// nats-server links) makes of it: jwt.Decode, then the claim's own Validate, as the server
// does before trusting a token. Built in GOPATH mode against the Debian package
// golang-github-nats-io-jwt-dev (2.3.0), so no module download is needed:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o go-oracle ./tools/go-oracle
//
// Output fields: accept (Decode succeeded and Validate found no blocking or time issue),
// decoded (Decode succeeded), error (Decode's error text), blocking (Validate's blocking and
// time-check descriptions), type (the claim type), claims (the decoded claims re-marshalled
// by Go, i.e. what the server reads), panic (a recovered panic, if any).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	jwt "github.com/nats-io/jwt/v2"
)

type answer struct {
	Accept   bool            `json:"accept"`
	Decoded  bool            `json:"decoded"`
	Error    string          `json:"error,omitempty"`
	Blocking []string        `json:"blocking,omitempty"`
	Type     string          `json:"type,omitempty"`
	Claims   json.RawMessage `json:"claims,omitempty"`
	Panic    string          `json:"panic,omitempty"`
}

func judge(token string) (a answer) {
	// A panic in the library is an answer too (the server would crash or refuse); never die.
	defer func() {
		if r := recover(); r != nil {
			a = answer{Panic: fmt.Sprint(r)}
		}
	}()
	c, err := jwt.Decode(token)
	if err != nil {
		return answer{Error: err.Error()}
	}
	a.Decoded = true
	a.Type = string(c.ClaimType())
	vr := &jwt.ValidationResults{}
	c.Validate(vr)
	for _, i := range vr.Issues {
		if i.Blocking || i.TimeCheck {
			a.Blocking = append(a.Blocking, i.Description)
		}
	}
	a.Accept = !vr.IsBlocking(true)
	if b, err := json.Marshal(c); err == nil {
		a.Claims = b
	} else {
		a.Error = "re-marshal: " + err.Error()
	}
	return a
}

// benchDecode is `go-oracle -bench SECONDS`: the tokens on stdin decoded (jwt.Decode: parse
// and verify the signature) one after another on one core for SECONDS, then one JSON line
// {"per_second":N,"tokens":T}: the single-core rate sigchain's bulk verification is compared with.
func benchDecode(seconds float64) {
	runtime.GOMAXPROCS(1)
	var tokens []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if t := sc.Text(); t != "" {
			tokens = append(tokens, t)
		}
	}
	if len(tokens) == 0 {
		fmt.Println(`{"error":"no tokens on stdin"}`)
		os.Exit(1)
	}
	n := 0
	start := time.Now()
	for time.Since(start).Seconds() < seconds {
		if _, err := jwt.Decode(tokens[n%len(tokens)]); err != nil {
			fmt.Printf("{\"error\":%q}\n", err.Error())
			os.Exit(1)
		}
		n++
	}
	fmt.Printf("{\"per_second\":%.0f,\"tokens\":%d}\n", float64(n)/time.Since(start).Seconds(), len(tokens))
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-bench" {
		s, err := strconv.ParseFloat(os.Args[2], 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "usage: go-oracle -bench SECONDS < tokens")
			os.Exit(2)
		}
		benchDecode(s)
		return
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadString('\n')
		if len(line) > 0 {
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			_ = enc.Encode(judge(line))
			// One answer per line, flushed when the input runs dry, so a caller can stream.
			if in.Buffered() == 0 {
				_ = out.Flush()
			}
		}
		if err != nil {
			break
		}
	}
	_ = out.Flush()
}
