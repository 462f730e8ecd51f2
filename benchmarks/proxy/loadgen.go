// Copy of /work/shared/bench/loadgen/loadgen.go with one change: when the -proxy URL has user info
// (http://agent:TOKEN@127.0.0.1:14322), the CONNECT carries it as Proxy-Authorization: Basic, as every
// HTTPS_PROXY client does (av refuses unauthenticated tunnels with 407). Without user info it behaves
// exactly like the shared copy, so direct and squid are measured by the same binary.
//
// loadgen: minimal closed-loop HTTPS/1.1 load generator for perfkit (Go standard library only).
//
// -c workers each own one connection and send GETs back to back for -d seconds after a -warmup,
// either reusing the connection (keep-alive) or opening a new one per request (-new), optionally
// through an HTTP proxy via CONNECT. The TLS peer is verified against -ca (the proxy's MITM CA, or
// the upstream CA when direct or tunnelled). No TLS session cache, so in -new mode every request
// pays TCP connect + CONNECT + a full TLS handshake. The client closes after reading the response
// (no "Connection: close" header), like a one-shot client would.
//
// Latency = request write (or dial, in -new mode) to last body byte. Prints one line of key=value:
// rps n errors p50_ms p90_ms p99_ms max_ms cpu_client_us_req [cpu_<label>_us_req] busy_pct other_pct
// where cpu_<label>_us_req is the CPU of the processes given with -cpu label=pid,pid (from /proc)
// per completed request, busy_pct is whole-machine CPU use during the window and other_pct the part of
// it not charged to the client or the -cpu processes.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type cpuFlag []string

func (c *cpuFlag) String() string     { return strings.Join(*c, " ") }
func (c *cpuFlag) Set(v string) error { *c = append(*c, v); return nil }

var (
	target   = flag.String("url", "https://localhost:8443/small", "upstream URL")
	caFile   = flag.String("ca", "", "PEM file with the CA(s) to trust for the TLS peer")
	proxyURL = flag.String("proxy", "", "http://host:port of a CONNECT proxy; empty or 'direct' for none")
	conc     = flag.Int("c", 1, "concurrent connections (workers)")
	dur      = flag.Float64("d", 10, "measurement seconds")
	warmup   = flag.Float64("warmup", 3, "warm-up seconds (not measured)")
	newConn  = flag.Bool("new", false, "new connection (and full TLS handshake) per request")
	maxReq   = flag.Int64("max", 5_000_000, "hard cap on requests (bounds the run)")
	cpus     cpuFlag
)

var (
	hostPort  string
	proxy     string
	proxyAuth string // "Proxy-Authorization: Basic ...\r\n" from the -proxy URL's user info, or ""
	tlsConf   *tls.Config
	reqBytes  []byte
	t0, t1    time.Time
	issued    atomic.Int64
	errCount  atomic.Int64
	firstErr  atomic.Value
)

type conn struct {
	c  net.Conn
	br *bufio.Reader
}

func dial() (*conn, error) {
	addr := hostPort
	if proxy != "" {
		addr = proxy
	}
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	raw.SetDeadline(time.Now().Add(10 * time.Second))
	if proxy != "" {
		fmt.Fprintf(raw, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", hostPort, hostPort, proxyAuth)
		br := bufio.NewReader(raw)
		resp, err := http.ReadResponse(br, &http.Request{Method: "CONNECT"})
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("CONNECT refused: %s", resp.Status)
		}
		if err == nil && br.Buffered() > 0 {
			err = errors.New("unexpected bytes after CONNECT reply")
		}
		if err != nil {
			raw.Close()
			return nil, err
		}
	}
	tc := tls.Client(raw, tlsConf)
	if err := tc.Handshake(); err != nil {
		raw.Close()
		return nil, err
	}
	return &conn{tc, bufio.NewReaderSize(tc, 64<<10)}, nil
}

// get sends one request and drains the response; keep reports whether the connection is reusable.
func (c *conn) get() (keep bool, err error) {
	c.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err = c.c.Write(reqBytes); err != nil {
		return false, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return false, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("status %s", resp.Status)
	}
	return err == nil && !resp.Close, err
}

func worker(lat *[]time.Duration, wg *sync.WaitGroup) {
	defer wg.Done()
	var c *conn
	for {
		s := time.Now()
		if !s.Before(t1) || issued.Add(1) > *maxReq {
			break
		}
		var err error
		keep := false
		if c == nil {
			c, err = dial()
		}
		if err == nil {
			keep, err = c.get()
		}
		e := time.Now()
		if err != nil {
			errCount.Add(1)
			firstErr.CompareAndSwap(nil, err.Error())
			time.Sleep(10 * time.Millisecond)
		} else if !s.Before(t0) && !e.After(t1) {
			*lat = append(*lat, e.Sub(s))
		}
		if c != nil && (err != nil || !keep || *newConn) {
			c.c.Close()
			c = nil
		}
	}
	if c != nil {
		c.c.Close()
	}
}

// procTicks sums utime+stime (clock ticks) of the given pids and all their threads.
func procTicks(pids []string) (t int64) {
	for _, p := range pids {
		b, err := os.ReadFile("/proc/" + p + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		t += u + s
	}
	return
}

// machineTicks returns (busy, total) jiffies from /proc/stat.
func machineTicks() (busy, total int64) {
	b, _ := os.ReadFile("/proc/stat")
	f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1:]
	for i, v := range f {
		n, _ := strconv.ParseInt(v, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func pct(s []time.Duration, p float64) float64 {
	if len(s) == 0 {
		return 0
	}
	i := int(float64(len(s))*p/100+0.999999) - 1
	if i < 0 {
		i = 0
	}
	return float64(s[i]) / 1e6
}

func main() {
	flag.Var(&cpus, "cpu", "label=pid[,pid...]: report CPU of these processes per request (repeatable)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Scheme != "https" || *caFile == "" {
		fmt.Fprintln(os.Stderr, "usage: loadgen -url https://host:port/path -ca ca.pem [-proxy http://h:p] [-c N] [-d s] [-warmup s] [-new]")
		os.Exit(2)
	}
	hostPort = u.Host
	if u.Port() == "" {
		hostPort = net.JoinHostPort(u.Hostname(), "443")
	}
	if *proxyURL != "" && *proxyURL != "direct" {
		p, err := url.Parse(*proxyURL)
		if err != nil || p.Host == "" {
			fmt.Fprintln(os.Stderr, "bad -proxy", *proxyURL)
			os.Exit(2)
		}
		proxy = p.Host
		if p.User != nil {
			pass, _ := p.User.Password()
			proxyAuth = "Proxy-Authorization: Basic " +
				base64.StdEncoding.EncodeToString([]byte(p.User.Username()+":"+pass)) + "\r\n"
		}
	}
	pem, err := os.ReadFile(*caFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "no certificates in", *caFile)
		os.Exit(2)
	}
	tlsConf = &tls.Config{RootCAs: pool, ServerName: u.Hostname()} // no ClientSessionCache: no resumption
	reqBytes = []byte("GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: perfkit-loadgen\r\n\r\n")

	t0 = time.Now().Add(time.Duration(*warmup * float64(time.Second)))
	t1 = t0.Add(time.Duration(*dur * float64(time.Second)))
	lats := make([][]time.Duration, *conc)
	var wg sync.WaitGroup
	for i := range lats {
		lats[i] = make([]time.Duration, 0, 1<<16)
		wg.Add(1)
		go worker(&lats[i], &wg)
	}
	groups := map[string][]string{}
	var labels []string
	for _, c := range cpus {
		k, v, _ := strings.Cut(c, "=")
		labels = append(labels, k)
		groups[k] = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	time.Sleep(time.Until(t0))
	c0, b0, m0 := selfCPU(), map[string]int64{}, [2]int64{}
	for k, p := range groups {
		b0[k] = procTicks(p)
	}
	m0[0], m0[1] = machineTicks()
	time.Sleep(time.Until(t1))
	c1 := selfCPU()
	b1 := map[string]int64{}
	for k, p := range groups {
		b1[k] = procTicks(p)
	}
	mb, mt := machineTicks()
	wg.Wait() // bounded: every request has a 10 s deadline

	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	n := len(all)
	per := func(d time.Duration) float64 {
		if n == 0 {
			return 0
		}
		return float64(d) / 1e3 / float64(n)
	}
	out := fmt.Sprintf("rps=%.1f n=%d errors=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f cpu_client_us_req=%.1f",
		float64(n)/t1.Sub(t0).Seconds(), n, errCount.Load(), pct(all, 50), pct(all, 90), pct(all, 99), pct(all, 100), per(c1-c0))
	for _, k := range labels {
		out += fmt.Sprintf(" cpu_%s_us_req=%.1f", k, per(time.Duration(b1[k]-b0[k])*10*time.Millisecond)) // USER_HZ=100
	}
	// other_pct: machine CPU not used by the client or the -cpu processes (other tenants, kernel
	// threads): a noise indicator. Both are in % of all cores.
	ours := int64((c1 - c0) / (10 * time.Millisecond))
	for k := range groups {
		ours += b1[k] - b0[k]
	}
	tot, other := float64(mt-m0[1]), mb-m0[0]-ours
	if other < 0 { // process times are exact, /proc/stat is tick-sampled
		other = 0
	}
	out += fmt.Sprintf(" busy_pct=%.0f other_pct=%.0f", 100*float64(mb-m0[0])/tot, 100*float64(other)/tot)
	if issued.Load() > *maxReq {
		out += " capped=1"
	}
	fmt.Println(out)
	if e := firstErr.Load(); e != nil {
		fmt.Fprintln(os.Stderr, "first error:", e)
	}
	if n == 0 {
		os.Exit(1)
	}
}
