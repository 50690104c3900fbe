package main

import (
	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"
	provider "github.com/terraform-providers/terraform-provider-random/recette"
)

func main() { pftfgen.Main("random", provider.Provider()) }
