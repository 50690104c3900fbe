// Package ext: a stand-in for Traefik's nested module github.com/traefik/traefik/dynamic/ext
// (directory pkg/config/dynamic/ext of Traefik's repository). Traefik's go.mod replaces it by that
// directory, but a nested module is left out of the parent module's zip and the module proxy
// serves no version of it, so a build from the Go module proxy (scripts/build-images) has to
// provide it. In Traefik it only holds empty extension points, embedded in dynamic.HTTPConfiguration
// and dynamic.Router; keep this in step with the Traefik version pinned in images/versions.env.
package ext

// HTTP extends dynamic.HTTPConfiguration (no fields in open-source Traefik).
type HTTP struct{}

// Router extends dynamic.Router (no fields in open-source Traefik).
type Router struct{}

// RouterIng extends the Kubernetes Ingress router annotations (no fields).
type RouterIng struct{}

// ToRouter turns the annotation extension into a Router extension.
func (RouterIng) ToRouter() Router { return Router{} }
