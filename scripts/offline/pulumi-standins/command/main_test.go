package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	localURN  = "urn:pulumi:dev::recette::command:local:Command::boot"
	remoteURN = "urn:pulumi:dev::recette::command:remote:Command::join"
)

func props(m map[string]interface{}) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func TestCheckTypeAcceptsOnlyTheCommandsItImplements(t *testing.T) {
	for _, tc := range []struct {
		urn string
		ok  bool
	}{
		{localURN, true},
		{remoteURN, true},
		{"urn:pulumi:dev::recette::command:remote:CopyToRemote::copy", false},
		{"urn:pulumi:dev::recette::command:local:Other::x", false},
	} {
		err := checkType(tc.urn)
		if (err == nil) != tc.ok {
			t.Errorf("checkType(%s) = %v, want ok=%v", tc.urn, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "not available in recette's offline command provider") {
			t.Errorf("checkType(%s): the error does not say why: %v", tc.urn, err)
		}
	}
	if !isRemote(remoteURN) || isRemote(localURN) {
		t.Error("isRemote tells command:remote:Command from command:local:Command")
	}
}

func TestDiffRerunsOnCommandInputsAndReplacesOnTriggers(t *testing.T) {
	base := map[string]interface{}{"create": "echo a", "delete": "echo gone", "environment": map[string]interface{}{"A": "1"}}
	with := func(k string, v interface{}) map[string]interface{} {
		m := map[string]interface{}{}
		for k0, v0 := range base {
			m[k0] = v0
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name                string
		urn                 string
		olds, news          map[string]interface{}
		diffs, replaces     []string
		deleteBeforeReplace bool
	}{
		{"unchanged", localURN, base, base, nil, nil, false},
		{"create changed", localURN, base, with("create", "echo b"), []string{"create"}, nil, false},
		{"environment changed", localURN, base, with("environment", map[string]interface{}{"A": "2"}), []string{"environment"}, nil, false},
		{"triggers changed", localURN, base, with("triggers", []interface{}{"x"}), []string{"triggers"}, []string{"triggers"}, true},
		{"an input it ignores", localURN, base, with("other", "x"), nil, nil, false},
		{"local dir", localURN, base, with("dir", "/tmp"), []string{"dir"}, nil, false},
		// dir is not an input of remote.Command; connection is
		{"remote dir", remoteURN, base, with("dir", "/tmp"), nil, nil, false},
		{"remote connection", remoteURN, base, with("connection", map[string]interface{}{"host": "h"}), []string{"connection"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			olds, _ := marshal(props(tc.olds))
			news, _ := marshal(props(tc.news))
			r, err := (&server{}).Diff(context.Background(), &pulumirpc.DiffRequest{Urn: tc.urn, OldInputs: olds, News: news})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Diffs, tc.diffs) || !reflect.DeepEqual(r.Replaces, tc.replaces) {
				t.Errorf("diffs %v replaces %v, want %v %v", r.Diffs, r.Replaces, tc.diffs, tc.replaces)
			}
			if want := len(tc.diffs) > 0; (r.Changes == pulumirpc.DiffResponse_DIFF_SOME) != want {
				t.Errorf("changes %v, want some=%v", r.Changes, want)
			}
			if r.DeleteBeforeReplace != tc.deleteBeforeReplace {
				t.Errorf("deleteBeforeReplace %v", r.DeleteBeforeReplace)
			}
		})
	}
}

func TestDiffComparesWithOutputsWhenTheStateHasNoInputs(t *testing.T) {
	olds, _ := marshal(props(map[string]interface{}{"create": "echo a", "stdout": "a"}))
	news, _ := marshal(props(map[string]interface{}{"create": "echo a"}))
	r, err := (&server{}).Diff(context.Background(), &pulumirpc.DiffRequest{Urn: localURN, Olds: olds, News: news})
	if err != nil || r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("Diff = %v, %v; want no change", r, err)
	}
}

func TestDiffSeesAnUnknownInputAsAChange(t *testing.T) {
	olds, _ := marshal(props(map[string]interface{}{"create": "echo a"}))
	news, _ := marshal(resource.PropertyMap{"create": resource.MakeComputed(resource.NewStringProperty(""))})
	r, err := (&server{}).Diff(context.Background(), &pulumirpc.DiffRequest{Urn: localURN, OldInputs: olds, News: news})
	if err != nil || !reflect.DeepEqual(r.Diffs, []string{"create"}) {
		t.Errorf("Diff = %v, %v; want create", r, err)
	}
}

func TestStrReadsStringsAndSecrets(t *testing.T) {
	m := resource.PropertyMap{
		"plain":  resource.NewStringProperty("a"),
		"secret": resource.MakeSecret(resource.NewStringProperty("s")),
		"number": resource.NewNumberProperty(1),
	}
	for k, want := range map[string]string{"plain": "a", "secret": "s", "number": "", "missing": ""} {
		if got := str(m, k); got != want {
			t.Errorf("str(%s) = %q, want %q", k, got, want)
		}
	}
}

func TestRunPassesItsInputsToTheCommand(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, cmdline string
		in            map[string]interface{}
		extraEnv      []string
		stdout        string
	}{
		{"through /bin/sh -c", "echo $((1+2))", nil, nil, "3"},
		{"environment, sorted, and the extra environment", `echo "$A $B $PULUMI_COMMAND_STDOUT"`,
			map[string]interface{}{"environment": map[string]interface{}{"B": "b", "A": "a"}}, []string{"PULUMI_COMMAND_STDOUT=prev"}, "a b prev"},
		{"a secret environment value", `echo "$S"`,
			nil, nil, "hidden"},
		{"stdin", "cat", map[string]interface{}{"stdin": "fed\n"}, nil, "fed"},
		{"dir", "pwd", map[string]interface{}{"dir": dir}, nil, dir},
		{"interpreter", "print(6*7)", map[string]interface{}{"interpreter": []interface{}{"/bin/sh", "-c", "echo 42 #"}}, nil, "42"},
		{"trailing newlines trimmed", "printf 'x\\n\\n'", nil, nil, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := props(tc.in)
			if tc.name == "a secret environment value" {
				in = resource.PropertyMap{"environment": resource.NewObjectProperty(resource.PropertyMap{
					"S": resource.MakeSecret(resource.NewStringProperty("hidden")),
				})}
			}
			out, _, err := run(context.Background(), tc.cmdline, in, tc.extraEnv)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := filepath.EvalSymlinks(tc.stdout); tc.name == "dir" {
				out, _ = filepath.EvalSymlinks(out)
				tc.stdout = want
			}
			if out != tc.stdout {
				t.Errorf("stdout %q, want %q", out, tc.stdout)
			}
		})
	}
}

func TestRunReportsAFailureWithItsOutput(t *testing.T) {
	out, errOut, err := run(context.Background(), "echo partial; echo broken >&2; exit 3", nil, nil)
	if err == nil {
		t.Fatal("a non-zero exit is an error")
	}
	if out != "partial" || errOut != "broken" {
		t.Errorf("stdout %q stderr %q", out, errOut)
	}
	for _, want := range []string{"exit status 3", "partial", "broken"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q lacks %q", err, want)
		}
	}
}

func TestOutputsAreTheInputsWithStdoutAndStderr(t *testing.T) {
	in := props(map[string]interface{}{"create": "echo a"})
	out := outputs(in, "o", "e")
	if str(out, "create") != "echo a" || str(out, "stdout") != "o" || str(out, "stderr") != "e" {
		t.Errorf("outputs = %v", out)
	}
	if _, ok := in["stdout"]; ok {
		t.Error("outputs changed its inputs")
	}
}

func TestInvokeRunsOnlyCommandLocalRun(t *testing.T) {
	args, _ := marshal(props(map[string]interface{}{"command": "echo ran"}))
	r, err := (&server{}).Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: "command:local:run", Args: args})
	if err != nil {
		t.Fatal(err)
	}
	ret, _ := unmarshal(r.Return)
	if str(ret, "stdout") != "ran" {
		t.Errorf("stdout %q", str(ret, "stdout"))
	}
	if _, err := (&server{}).Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: "command:remote:run", Args: args}); err == nil {
		t.Error("an invoke it does not implement is an error")
	}
}

func TestCreateRunsCreateAndUpdateRunsUpdateElseCreate(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	in, _ := marshal(props(map[string]interface{}{"create": "echo create >>" + log, "delete": "echo delete >>" + log}))
	c, err := (&server{}).Create(context.Background(), &pulumirpc.CreateRequest{Urn: localURN, Properties: in})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.Id, "boot") {
		t.Errorf("id %q: the resource's name and a random suffix", c.Id)
	}
	if _, err := (&server{}).Update(context.Background(), &pulumirpc.UpdateRequest{Urn: localURN, Olds: c.Properties, News: in}); err != nil {
		t.Fatal(err)
	}
	if _, err := (&server{}).Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: localURN, Properties: c.Properties}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(log)
	if got := string(b); got != "create\ncreate\ndelete\n" {
		t.Errorf("ran %q", got)
	}
	prev, _ := marshal(props(map[string]interface{}{"create": "true"}))
	if r, err := (&server{}).Create(context.Background(), &pulumirpc.CreateRequest{Urn: localURN, Properties: prev, Preview: true}); err != nil || r.Id != "" {
		t.Errorf("a preview runs nothing and has no id: %v %v", r, err)
	}
}
