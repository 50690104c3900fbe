// pulumi-resource-command: a small stand-in for the pulumi-command provider
// (whose Go module is not served offline). It implements command:local:Command,
// the command:local:run invoke and command:remote:Command (remote.go) with the
// same inputs and outputs; other tokens (command:remote:CopyToRemote, ...)
// report a clear error. scripts/ensure-pulumi builds it from this directory.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Version is set at link time to the plugin version the npm package asks for.
var Version = "0.0.0"

const (
	localCommand  = "command:local:Command"
	remoteCommand = "command:remote:Command"
)

// inputs whose change re-runs the command; a change to "triggers" replaces it.
var updateKeys = []string{"create", "update", "delete", "dir", "environment", "interpreter", "stdin",
	"addPreviousOutputInEnv", "logging", "assetPaths", "archivePaths"}

type server struct {
	pulumirpc.UnimplementedResourceProviderServer
}

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, opts)
}
func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, opts)
}

func checkType(urn string) error {
	if t := string(resource.URN(urn).Type()); t != localCommand && t != remoteCommand {
		return fmt.Errorf("%s is not available in recette's offline command provider (only %s and %s)",
			t, localCommand, remoteCommand)
	}
	return nil
}

func isRemote(urn string) bool { return string(resource.URN(urn).Type()) == remoteCommand }

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}
func (s *server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":"command","version":%q}`, Version)}, nil
}
func (s *server) CheckConfig(_ context.Context, r *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: r.GetNews()}, nil
}
func (s *server) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{}, nil
}
func (s *server) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}
func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *server) Check(_ context.Context, r *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := checkType(r.GetUrn()); err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: r.GetNews()}, nil
}

func (s *server) Diff(_ context.Context, r *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(r.GetOldInputs())
	if err != nil {
		return nil, err
	}
	if len(olds) == 0 { // old state without recorded inputs: compare with outputs
		if olds, err = unmarshal(r.GetOlds()); err != nil {
			return nil, err
		}
	}
	news, err := unmarshal(r.GetNews())
	if err != nil {
		return nil, err
	}
	keys := updateKeys
	if isRemote(r.GetUrn()) {
		keys = remoteUpdateKeys
	}
	var diffs, replaces []string
	for _, k := range append([]string{"triggers"}, keys...) {
		o, n := olds[resource.PropertyKey(k)], news[resource.PropertyKey(k)]
		if o.DeepEquals(n) && !n.ContainsUnknowns() {
			continue
		}
		diffs = append(diffs, k)
		if k == "triggers" {
			replaces = append(replaces, k)
		}
	}
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(diffs) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{Changes: changes, Diffs: diffs, Replaces: replaces, DeleteBeforeReplace: len(replaces) > 0}, nil
}

func str(m resource.PropertyMap, k string) string {
	v := m[resource.PropertyKey(k)]
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// run executes one command the way pulumi-command does: through the
// interpreter (default /bin/sh -c), in dir, with environment and stdin.
func run(ctx context.Context, cmdline string, in resource.PropertyMap, extraEnv []string) (string, string, error) {
	interp := []string{"/bin/sh", "-c"}
	if v := in["interpreter"]; v.IsArray() && len(v.ArrayValue()) > 0 {
		interp = interp[:0]
		for _, e := range v.ArrayValue() {
			interp = append(interp, e.StringValue())
		}
	}
	cmd := exec.CommandContext(ctx, interp[0], append(interp[1:], cmdline)...)
	cmd.Dir = str(in, "dir")
	cmd.Env = os.Environ()
	if env := in["environment"]; env.IsObject() {
		keys := env.ObjectValue().StableKeys()
		for _, k := range keys {
			cmd.Env = append(cmd.Env, string(k)+"="+str(env.ObjectValue(), string(k)))
		}
	}
	cmd.Env = append(cmd.Env, extraEnv...)
	if stdin := str(in, "stdin"); stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	o, e := strings.TrimRight(stdout.String(), "\n"), strings.TrimRight(stderr.String(), "\n")
	if err != nil {
		return o, e, fmt.Errorf("%w: running %q:\n%s\n%s", err, cmdline, o, e)
	}
	return o, e, nil
}

// runFor runs a command locally or, for command:remote:Command, over ssh.
func runFor(ctx context.Context, urn, cmdline string, in resource.PropertyMap, extraEnv []string) (string, string, error) {
	if isRemote(urn) {
		return runRemote(ctx, cmdline, in, extraEnv)
	}
	return run(ctx, cmdline, in, extraEnv)
}

func outputs(in resource.PropertyMap, stdout, stderr string) resource.PropertyMap {
	out := in.Copy()
	out["stdout"] = resource.NewStringProperty(stdout)
	out["stderr"] = resource.NewStringProperty(stderr)
	return out
}

func (s *server) Create(ctx context.Context, r *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := checkType(r.GetUrn()); err != nil {
		return nil, err
	}
	in, err := unmarshal(r.GetProperties())
	if err != nil {
		return nil, err
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := resource.URN(r.GetUrn()).Name() + hex.EncodeToString(b)
	if r.GetPreview() {
		out := in.Copy()
		out["stdout"] = resource.MakeComputed(resource.NewStringProperty(""))
		out["stderr"] = resource.MakeComputed(resource.NewStringProperty(""))
		props, err := marshal(out)
		return &pulumirpc.CreateResponse{Id: "", Properties: props}, err
	}
	var stdout, stderr string
	if c := str(in, "create"); c != "" {
		if stdout, stderr, err = runFor(ctx, r.GetUrn(), c, in, nil); err != nil {
			return nil, err
		}
	}
	props, err := marshal(outputs(in, stdout, stderr))
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (s *server) Update(ctx context.Context, r *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	news, err := unmarshal(r.GetNews())
	if err != nil {
		return nil, err
	}
	if r.GetPreview() {
		out := news.Copy()
		out["stdout"] = resource.MakeComputed(resource.NewStringProperty(""))
		out["stderr"] = resource.MakeComputed(resource.NewStringProperty(""))
		props, err := marshal(out)
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	c := str(news, "update")
	if c == "" {
		c = str(news, "create")
	}
	var stdout, stderr string
	if c != "" {
		if stdout, stderr, err = runFor(ctx, r.GetUrn(), c, news, nil); err != nil {
			return nil, err
		}
	}
	props, err := marshal(outputs(news, stdout, stderr))
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (s *server) Delete(ctx context.Context, r *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	olds, err := unmarshal(r.GetProperties())
	if err != nil {
		return nil, err
	}
	if c := str(olds, "delete"); c != "" {
		var env []string
		if v := olds["addPreviousOutputInEnv"]; !v.IsBool() || v.BoolValue() {
			env = []string{"PULUMI_COMMAND_STDOUT=" + str(olds, "stdout"), "PULUMI_COMMAND_STDERR=" + str(olds, "stderr")}
		}
		if _, _, err := runFor(ctx, r.GetUrn(), c, olds, env); err != nil {
			return nil, err
		}
	}
	return &emptypb.Empty{}, nil
}

func (s *server) Read(_ context.Context, r *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: r.GetId(), Properties: r.GetProperties(), Inputs: r.GetInputs()}, nil
}

func (s *server) Invoke(ctx context.Context, r *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	if r.GetTok() != "command:local:run" {
		return nil, fmt.Errorf("%s is not available in recette's offline command provider (only command:local:run)", r.GetTok())
	}
	in, err := unmarshal(r.GetArgs())
	if err != nil {
		return nil, err
	}
	stdout, stderr, err := run(ctx, str(in, "command"), in, nil)
	if err != nil {
		return nil, err
	}
	props, err := marshal(outputs(in, stdout, stderr))
	return &pulumirpc.InvokeResponse{Return: props}, err
}

func main() {
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, &server{})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-command:", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-command:", err)
		os.Exit(1)
	}
}
