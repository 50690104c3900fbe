// Added by recette's Traefik build (images/traefik/offline-build.conf) to the upstream module
// github.com/abbot/go-http-auth, used when Traefik's fork github.com/containous/go-http-auth is not
// served by the Go module proxy. The fork adds RequireAuthStale, which Traefik's digestAuth
// middleware calls when a client presents an unknown (expired) nonce.

package auth

import (
	"fmt"
	"net/http"
	"time"
)

// RequireAuthStale answers like RequireAuth with a fresh nonce, flagged stale=true (RFC 7616
// section 3.3): the client may retry with the new nonce without asking the user again.
func (da *DigestAuth) RequireAuthStale(w http.ResponseWriter, r *http.Request) {
	da.mutex.RLock()
	clientsLen := len(da.clients)
	da.mutex.RUnlock()
	if clientsLen > da.ClientCacheSize+da.ClientCacheTolerance {
		da.Purge(da.ClientCacheTolerance * 2)
	}

	nonce := RandomKey()
	da.mutex.Lock()
	da.clients[nonce] = &digestClient{nc: 0, lastSeen: time.Now().UnixNano()}
	da.mutex.Unlock()

	da.mutex.RLock()
	defer da.mutex.RUnlock()
	h := da.Headers.V()
	w.Header().Set(contentType, h.UnauthContentType)
	w.Header().Set(h.Authenticate,
		fmt.Sprintf(`Digest realm="%s", nonce="%s", opaque="%s", algorithm=MD5, qop="auth", stale=true`,
			da.Realm, nonce, da.Opaque))
	w.WriteHeader(h.UnauthCode)
	_, _ = w.Write([]byte(h.UnauthResponse))
}
