package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	upstream "github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

// The tokens @pulumi/docker's classes register, those recette uses first.
func TestTokensAreThoseOfPulumiDocker(t *testing.T) {
	p := Provider()
	if p.Name != "docker" {
		t.Errorf("name %q", p.Name)
	}
	for tf, tok := range map[string]string{
		"docker_service":        "docker:index/service:Service",
		"docker_network":        "docker:index/network:Network",
		"docker_volume":         "docker:index/volume:Volume",
		"docker_secret":         "docker:index/secret:Secret",
		"docker_config":         "docker:index/serviceConfig:ServiceConfig", // renamed by @pulumi/docker
		"docker_image":          "docker:index/remoteImage:RemoteImage",     // renamed by @pulumi/docker
		"docker_container":      "docker:index/container:Container",
		"docker_registry_image": "docker:index/registryImage:RegistryImage",
	} {
		r, ok := p.Resources[tf]
		if !ok || string(r.Tok) != tok {
			t.Errorf("resource %s: token %v, want %s", tf, r, tok)
		}
	}
	for tf, tok := range map[string]string{
		"docker_image":   "docker:index/getRemoteImage:getRemoteImage",
		"docker_network": "docker:index/getNetwork:getNetwork",
	} {
		d, ok := p.DataSources[tf]
		if !ok || string(d.Tok) != tok {
			t.Errorf("data source %s: token %v, want %s", tf, d, tok)
		}
	}
	for tf, r := range p.Resources {
		if !strings.HasPrefix(string(r.Tok), "docker:index/") {
			t.Errorf("%s: token %s outside docker:index", tf, r.Tok)
		}
	}
}

// What sdkv2/ adds to the bridge's terraform-plugin-sdk fork: the method terraform-plugin-go v0.31's
// ProviderServer asks for, answering that it is not supported.
func TestGenerateResourceConfigIsReportedUnsupported(t *testing.T) {
	var srv tfprotov5.ProviderServer = schema.NewGRPCProviderServer(upstream.New("test")())
	r, err := srv.GenerateResourceConfig(context.Background(), &tfprotov5.GenerateResourceConfigRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Diagnostics) != 1 || r.Diagnostics[0].Severity != tfprotov5.DiagnosticSeverityError ||
		!strings.Contains(r.Diagnostics[0].Summary, "not supported") {
		t.Errorf("diagnostics %+v", r.Diagnostics)
	}
}
