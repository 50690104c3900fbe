// Package provider maps the upstream Terraform docker provider onto the
// Pulumi "docker" package tokens used by @pulumi/docker.
package provider

import (
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	upstream "github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

//go:embed cmd/pulumi-resource-docker/bridge-metadata.json
var metadata []byte

// Version is set at link time to the plugin version the npm package asks for.
var Version = "0.0.0"

func Provider() tfbridge.ProviderInfo {
	p := tfbridge.ProviderInfo{
		P:            shimv2.NewProvider(upstream.New(Version)()),
		Name:         "docker",
		Version:      Version,
		License:      "Apache-2.0",
		Repository:   "https://github.com/kreuzwerker/terraform-provider-docker",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
		// Names @pulumi/docker gives differently from the default mapping.
		Resources: map[string]*tfbridge.ResourceInfo{
			"docker_image":  {Tok: "docker:index/remoteImage:RemoteImage"},
			"docker_config": {Tok: "docker:index/serviceConfig:ServiceConfig"},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"docker_image": {Tok: "docker:index/getRemoteImage:getRemoteImage"},
		},
	}
	p.MustComputeTokens(tokens.SingleModule("docker_", "index", tokens.MakeStandard("docker")))
	return p
}
