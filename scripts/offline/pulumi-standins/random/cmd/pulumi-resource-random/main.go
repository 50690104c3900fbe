package main

import (
	"context"
	_ "embed"

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	provider "github.com/terraform-providers/terraform-provider-random/recette"
)

//go:embed schema-embed.json
var schema []byte

func main() {
	pfbridge.Main(context.Background(), "random", provider.Provider(), pfbridge.ProviderMetadata{PackageSchema: schema})
}
