package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	provider "github.com/terraform-providers/terraform-provider-docker/recette"
)

func main() { tfgen.Main("docker", provider.Version, provider.Provider()) }
