package deploy

import (
	"regexp"
	"slices"
	"strings"
)

// Platform builds: what each platform's object store needs from the tags
// its functions are built with.
const (
	// FCTagsVar is the Makefile variable of make build's tags (Function
	// Compute, s.yaml).
	FCTagsVar = "FC_TAGS"
	// LambdaTagsVar is the Makefile variable of the build-<LogicalId>
	// targets' tags (Lambda, template.yaml).
	LambdaTagsVar = "LAMBDA_TAGS"
)

// withoutTag is the build tag that leaves each object store driver out.
var withoutTag = map[string]string{"s3": "nos3", "oss": "nooss"}

// BuildDrivers are the object store drivers each platform's configuration
// names: s.yaml for Function Compute, template.yaml for Lambda,
// infra/knative/config.yaml for Knative.
type BuildDrivers struct {
	FC, Lambda, Knative string
}

// CheckBuildTags reports a platform whose build leaves out the object
// store its configuration names, so that its functions would refuse to
// start: make build (FC_TAGS), the Lambda targets (LAMBDA_TAGS) and the
// Knative image built by dockerfile, which keeps every store because a
// cluster may point it at S3, MinIO or OSS.
func CheckBuildTags(makefile, dockerfile string, d BuildDrivers) []string {
	var p problems
	vars := MakefileVars(makefile)
	for _, b := range []struct{ name, variable, driver string }{
		{"Function Compute", FCTagsVar, d.FC}, {"Lambda", LambdaTagsVar, d.Lambda}} {
		tags, ok := vars[b.variable]
		if !ok {
			p.add("Makefile: no %s := (the %s build's tags)", b.variable, b.name)
			continue
		}
		if tag := withoutTag[b.driver]; slices.Contains(splitTags(tags), tag) {
			p.add("Makefile: %s %q leaves out %s, which the %s configuration names", b.variable, tags, b.driver, b.name)
		}
	}
	if !regexp.MustCompile(`(?m)^lambda-build = .*-tags \$\(` + LambdaTagsVar + `\)`).MatchString(makefile) {
		p.add("Makefile: lambda-build does not build with $(%s)", LambdaTagsVar)
	}
	m := regexp.MustCompile(`-tags (\S+)`).FindStringSubmatch(dockerfile)
	if m == nil {
		p.add("infra/docker/Dockerfile: no -tags")
		return p
	}
	for _, driver := range []string{"oss", "s3"} {
		if slices.Contains(splitTags(m[1]), withoutTag[driver]) {
			p.add("infra/docker/Dockerfile: -tags %s leaves %s out; Knative images keep every object store (config.yaml names %s)", m[1], driver, d.Knative)
		}
	}
	return p
}

// MakefileVars returns the simply expanded variables (NAME := value) of
// makefile, each $(NAME) in a value replaced as make does.
func MakefileVars(makefile string) map[string]string {
	vars := map[string]string{}
	ref := regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)
	for _, line := range strings.Split(makefile, "\n") {
		name, value, ok := strings.Cut(line, ":=")
		if name = strings.TrimSpace(name); !ok || name == "" || strings.ContainsAny(name, " \t#$") {
			continue
		}
		vars[name] = ref.ReplaceAllStringFunc(strings.TrimSpace(value), func(r string) string { return vars[r[2:len(r)-1]] })
	}
	return vars
}

func splitTags(tags string) []string {
	return strings.Split(strings.ReplaceAll(tags, " ", ""), ",")
}
