// Package provider maps the upstream Terraform random provider onto the
// Pulumi "random" package tokens used by @pulumi/random.
package provider

import (
	_ "embed"
	"fmt"

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

//go:embed cmd/pulumi-resource-random/bridge-metadata.json
var metadata []byte

// Version is set at link time to the plugin version the npm package asks for.
var Version = "0.0.0"

func Provider() tfbridge.ProviderInfo {
	p := tfbridge.ProviderInfo{
		P:            pfbridge.ShimProvider(upstream.New()),
		Name:         "random",
		Version:      Version,
		License:      "Apache-2.0",
		Repository:   "https://github.com/hashicorp/terraform-provider-random",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
	}
	// @pulumi/random keeps the prefix in type names: random_pet -> random:index/randomPet:RandomPet.
	std := tokens.MakeStandard("random")
	p.MustComputeTokens(tokens.SingleModule("random_", "index", func(module, name string) (string, error) {
		if name == "" {
			return "", fmt.Errorf("empty name in module %q", module)
		}
		return std(module, "Random"+name)
	}))
	return p
}
