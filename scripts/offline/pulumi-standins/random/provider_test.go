package provider

import (
	"regexp"
	"testing"
)

// The tokens @pulumi/random's classes register: the Terraform name keeps its prefix as a type name.
func TestTokensAreThoseOfPulumiRandom(t *testing.T) {
	p := Provider()
	if p.Name != "random" {
		t.Errorf("name %q", p.Name)
	}
	for tf, tok := range map[string]string{
		"random_id":       "random:index/randomId:RandomId", // components: the cluster's token, the blog's salts
		"random_password": "random:index/randomPassword:RandomPassword",
		"random_pet":      "random:index/randomPet:RandomPet",
		"random_string":   "random:index/randomString:RandomString",
		"random_integer":  "random:index/randomInteger:RandomInteger",
		"random_uuid":     "random:index/randomUuid:RandomUuid",
		"random_shuffle":  "random:index/randomShuffle:RandomShuffle",
	} {
		r, ok := p.Resources[tf]
		if !ok || string(r.Tok) != tok {
			t.Errorf("%s: token %v, want %s", tf, r, tok)
		}
	}
	shape := regexp.MustCompile(`^random:index/random[A-Z][A-Za-z0-9]*:Random[A-Z][A-Za-z0-9]*$`)
	for tf, r := range p.Resources {
		if !shape.MatchString(string(r.Tok)) {
			t.Errorf("%s: token %s is not random:index/random<X>:Random<X>", tf, r.Tok)
		}
	}
}
