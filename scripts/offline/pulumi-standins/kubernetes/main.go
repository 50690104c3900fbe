// pulumi-resource-kubernetes: a small stand-in for the pulumi-kubernetes provider (whose Go module
// is not served offline). It answers to every kubernetes:<group>/<version>:<Kind> token the
// @pulumi/kubernetes classes register and manages the object with server-side apply (field manager
// "pulumi-kubernetes", as the real provider with server-side apply on), through client-go's dynamic
// client and the API's discovery. What it does not do (the real provider does): YAML/Helm
// components, invokes, auto-naming (a missing metadata.name is an error), and awaiting anything but
// Deployments (rolled out and available) and deletions (gone). scripts/ensure-pulumi builds it.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Version is set at link time to the plugin version the npm package asks for.
var Version = "0.0.0"

func main() {
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, &server{})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-kubernetes:", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-kubernetes:", err)
		os.Exit(1)
	}
}
