package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func conn(m map[string]interface{}) resource.PropertyMap {
	return resource.PropertyMap{"connection": resource.NewObjectProperty(resource.NewPropertyMapFromMap(m))}
}

func TestParseConnectionDefaultsAndRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   resource.PropertyMap
		want connection
		err  string
	}{
		{name: "defaults", in: conn(map[string]interface{}{"host": "10.0.0.2", "password": "pw"}),
			want: connection{host: "10.0.0.2", user: "root", password: "pw", port: 22, dialErrorLimit: 10, perDialTimeout: 15 * time.Second}},
		{name: "given", in: conn(map[string]interface{}{"host": "h", "user": "deploy", "privateKey": "K", "privateKeyPassword": "P",
			"port": 2222, "dialErrorLimit": -1, "perDialTimeout": 3}),
			want: connection{host: "h", user: "deploy", privateKey: "K", keyPassword: "P", port: 2222, dialErrorLimit: -1, perDialTimeout: 3 * time.Second}},
		{name: "zero limits fall back", in: conn(map[string]interface{}{"host": "h", "password": "pw", "dialErrorLimit": 0, "perDialTimeout": 0}),
			want: connection{host: "h", user: "root", password: "pw", port: 22, dialErrorLimit: 10, perDialTimeout: 15 * time.Second}},
		{name: "a secret connection", in: resource.PropertyMap{"connection": resource.MakeSecret(resource.NewObjectProperty(
			resource.PropertyMap{"host": resource.NewStringProperty("h"), "privateKey": resource.MakeSecret(resource.NewStringProperty("K"))}))},
			want: connection{host: "h", user: "root", privateKey: "K", port: 22, dialErrorLimit: 10, perDialTimeout: 15 * time.Second}},
		{name: "no connection", in: resource.PropertyMap{}, err: "needs a connection"},
		{name: "no host", in: conn(map[string]interface{}{"password": "pw"}), err: "connection.host is required"},
		{name: "no credentials", in: conn(map[string]interface{}{"host": "h"}), err: "privateKey or a password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConnection(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c != tc.want {
				t.Errorf("got %+v, want %+v", c, tc.want)
			}
		})
	}
}

func TestConfigRefusesABadKeyWithoutQuotingIt(t *testing.T) {
	_, err := connection{host: "h", user: "u", privateKey: "NOT-A-KEY-secret-material"}.config()
	if err == nil || !strings.Contains(err.Error(), "connection.privateKey") || strings.Contains(err.Error(), "secret-material") {
		t.Errorf("err %v", err)
	}
	cfg, err := connection{host: "h", user: "u", password: "pw", perDialTimeout: time.Second}.config()
	if err != nil || cfg.User != "u" || len(cfg.Auth) != 2 || cfg.Timeout != time.Second {
		t.Errorf("a password gives password and keyboard-interactive auth: %+v %v", cfg, err)
	}
}

func TestShqQuotesForAPOSIXShell(t *testing.T) {
	for _, s := range []string{"", "plain", "it's", "a b\tc\nd", `$HOME "q" \ ; rm -rf /`, "''"} {
		out, err := exec.Command("/bin/sh", "-c", "printf %s "+shq(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh read %q back as %q (%v)", s, out, err)
		}
	}
}

func TestRunRemoteRefusesAnEnvironmentNameBeforeConnecting(t *testing.T) {
	in := conn(map[string]interface{}{"host": "192.0.2.1", "password": "pw", "perDialTimeout": 1, "dialErrorLimit": 1})
	in["environment"] = resource.NewObjectProperty(resource.NewPropertyMapFromMap(map[string]interface{}{"BAD-NAME": "x"}))
	_, _, err := runRemote(context.Background(), "true", in, nil)
	if err == nil || !strings.Contains(err.Error(), `"BAD-NAME" is not a valid variable name`) {
		t.Errorf("err %v", err)
	}
}
