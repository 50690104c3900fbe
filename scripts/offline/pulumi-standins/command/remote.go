// command:remote:Command: runs create/update/delete on a host over ssh with
// golang.org/x/crypto/ssh, with the inputs and outputs of pulumi-command's
// remote.Command for the fields recette uses: connection {host, port, user,
// privateKey, privateKeyPassword, password, dialErrorLimit, perDialTimeout},
// create, update, delete, environment, stdin, triggers, addPreviousOutputInEnv;
// outputs stdout and stderr plus the inputs.
//
// Limits of this stand-in compared with the official provider:
//   - Host keys are NOT verified (ssh.InsecureIgnoreHostKey): any host key is
//     accepted, so only use it on networks where that is acceptable.
//   - connection.proxy, agentSocketPath and the ssh agent are not supported.
//   - environment is passed by prefixing `export K='v'` lines to the script
//     (the official provider uses session Setenv, which sshd usually refuses
//     unless AcceptEnv allows it); the script runs with `bash -c` remotely.
//   - logging is accepted but both streams are always captured.
//
// Nothing here logs the private key, password or environment values.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"golang.org/x/crypto/ssh"
)

// inputs of command:remote:Command whose change re-runs the command (update,
// or create when update is absent); a change to "triggers" replaces it.
var remoteUpdateKeys = []string{"create", "update", "delete", "environment", "stdin", "connection",
	"addPreviousOutputInEnv", "logging"}

type connection struct {
	host, user, privateKey, keyPassword, password string
	port, dialErrorLimit                          int
	perDialTimeout                                time.Duration
}

// plain strips a secret wrapper.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func num(m resource.PropertyMap, k string, def int) int {
	if v := plain(m[resource.PropertyKey(k)]); v.IsNumber() {
		return int(v.NumberValue())
	}
	return def
}

func parseConnection(in resource.PropertyMap) (connection, error) {
	v := plain(in["connection"])
	if !v.IsObject() {
		return connection{}, errors.New("command:remote:Command needs a connection")
	}
	m := v.ObjectValue()
	c := connection{
		host:           str(m, "host"),
		user:           str(m, "user"),
		privateKey:     str(m, "privateKey"),
		keyPassword:    str(m, "privateKeyPassword"),
		password:       str(m, "password"),
		port:           num(m, "port", 22),
		dialErrorLimit: num(m, "dialErrorLimit", 10),
		perDialTimeout: time.Duration(num(m, "perDialTimeout", 15)) * time.Second,
	}
	if c.user == "" {
		c.user = "root"
	}
	if c.host == "" {
		return c, errors.New("connection.host is required")
	}
	if c.perDialTimeout <= 0 {
		c.perDialTimeout = 15 * time.Second
	}
	if c.dialErrorLimit == 0 {
		c.dialErrorLimit = 10
	}
	if c.privateKey == "" && c.password == "" {
		return c, errors.New("connection needs a privateKey or a password (the ssh agent is not supported)")
	}
	return c, nil
}

func (c connection) config() (*ssh.ClientConfig, error) {
	var auth []ssh.AuthMethod
	if c.privateKey != "" {
		var signer ssh.Signer
		var err error
		if c.keyPassword != "" {
			signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(c.privateKey), []byte(c.keyPassword))
		} else {
			signer, err = ssh.ParsePrivateKey([]byte(c.privateKey))
		}
		if err != nil {
			// the parse error never quotes the key material
			return nil, fmt.Errorf("connection.privateKey: %w", err)
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if c.password != "" {
		pw := c.password
		auth = append(auth, ssh.Password(pw),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	return &ssh.ClientConfig{
		User: c.user,
		Auth: auth,
		// Stand-in limit: the host key is not checked (see the file comment).
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         c.perDialTimeout,
	}, nil
}

// dial connects and authenticates, retrying up to dialErrorLimit times (-1:
// without limit) with perDialTimeout for each attempt (TCP and handshake),
// so it gives up within dialErrorLimit*perDialTimeout.
func (c connection) dial(ctx context.Context) (*ssh.Client, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(c.host, strconv.Itoa(c.port))
	var last error
	for attempt := 1; ; attempt++ {
		start := time.Now()
		client, err := c.dialOnce(ctx, addr, cfg)
		if err == nil {
			return client, nil
		}
		last = err
		// wrong credentials do not get better with retries
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, fmt.Errorf("ssh %s@%s: %w", c.user, addr, err)
		}
		if c.dialErrorLimit > 0 && attempt >= c.dialErrorLimit {
			return nil, fmt.Errorf("ssh %s@%s: giving up after %d attempts (dialErrorLimit) of %s each (perDialTimeout): %w",
				c.user, addr, attempt, c.perDialTimeout, last)
		}
		// pause up to 1s between attempts, within the attempt's perDialTimeout, so that all
		// attempts together take at most dialErrorLimit*perDialTimeout
		wait := min(time.Second, c.perDialTimeout-time.Since(start))
		if wait <= 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("ssh %s@%s: %w (last error: %v)", c.user, addr, ctx.Err(), last)
		case <-time.After(wait):
		}
	}
}

func (c connection) dialOnce(ctx context.Context, addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	dctx, cancel := context.WithTimeout(ctx, c.perDialTimeout)
	defer cancel()
	tcp, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	deadline, _ := dctx.Deadline()
	_ = tcp.SetDeadline(deadline)
	sc, chans, reqs, err := ssh.NewClientConn(tcp, addr, cfg)
	if err != nil {
		_ = tcp.Close()
		return nil, err
	}
	_ = tcp.SetDeadline(time.Time{})
	return ssh.NewClient(sc, chans, reqs), nil
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// shq quotes s for a POSIX shell.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// runRemote runs cmdline with `bash -c` on the connection's host, with the
// environment exported first and stdin fed to it. A non-zero exit is an error
// that carries stderr.
func runRemote(ctx context.Context, cmdline string, in resource.PropertyMap, extraEnv []string) (string, string, error) {
	c, err := parseConnection(in)
	if err != nil {
		return "", "", err
	}
	var script strings.Builder
	if env := plain(in["environment"]); env.IsObject() {
		for _, k := range env.ObjectValue().StableKeys() {
			if !envName.MatchString(string(k)) {
				return "", "", fmt.Errorf("environment: %q is not a valid variable name", string(k))
			}
			fmt.Fprintf(&script, "export %s=%s\n", k, shq(str(env.ObjectValue(), string(k))))
		}
	}
	for _, kv := range extraEnv {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&script, "export %s=%s\n", k, shq(v))
	}
	script.WriteString(cmdline)

	client, err := c.dial(ctx)
	if err != nil {
		return "", "", err
	}
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		return "", "", fmt.Errorf("ssh session on %s: %w", c.host, err)
	}
	defer session.Close()
	var stdout, stderr bytes.Buffer
	session.Stdout, session.Stderr = &stdout, &stderr
	if stdin := str(in, "stdin"); stdin != "" {
		session.Stdin = strings.NewReader(stdin)
	}
	done := make(chan error, 1)
	go func() { done <- session.Run("bash -c " + shq(script.String())) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = session.Signal(ssh.SIGKILL)
		_ = client.Close()
		err = ctx.Err()
	}
	o, e := strings.TrimRight(stdout.String(), "\n"), strings.TrimRight(stderr.String(), "\n")
	if err != nil {
		// the script is not quoted: it may carry environment values
		return o, e, fmt.Errorf("remote command on %s@%s failed: %w\nstdout:\n%s\nstderr:\n%s", c.user, c.host, err, o, e)
	}
	return o, e, nil
}
