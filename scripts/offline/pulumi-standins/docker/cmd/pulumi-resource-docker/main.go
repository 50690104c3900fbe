package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	provider "github.com/terraform-providers/terraform-provider-docker/recette"
)

//go:embed schema-embed.json
var schema []byte

func main() { tfbridge.Main("docker", provider.Version, provider.Provider(), schema) }
