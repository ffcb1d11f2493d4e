package deploy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/schedule"
)

// CheckKnative reports every way infra/knative disagrees with the
// manifest: a Service, PingSource or Trigger missing or extra, a Service's
// image, sizing, timeout, probes, settings and security context, a
// PingSource's schedule, payload and sink, a Trigger's filter and
// subscriber, the migrate Job and the canary example.
func CheckKnative(specs []app.Spec, k *Knative) []string {
	var p problems
	ku := k.Kustomization
	if ku.Kind != "Kustomization" {
		p.add("kustomization.yaml: kind %q", ku.Kind)
	}
	same(&p, "kustomization.yaml", "resources", KnativeFiles, ku.Resources)
	images := []string{KnativeMigrateImage}
	for _, s := range specs {
		images = append(images, KnativeImagePrefix+s.Name)
	}
	var gotImages []string
	for _, im := range ku.Images {
		gotImages = append(gotImages, im.Name)
	}
	same(&p, "kustomization.yaml", "images", images, gotImages)

	var cm *KConfigMap
	for i := range k.ConfigMaps {
		if k.ConfigMaps[i].Metadata.Name == KnativeConfigMap {
			cm = &k.ConfigMaps[i]
		} else {
			p.add("config map %s is not used by logifn", k.ConfigMaps[i].Metadata.Name)
		}
	}
	if cm == nil {
		p.add("config map %s is missing", KnativeConfigMap)
	} else {
		if cm.Data["LOGIFN_DB_DRIVER"] != "mysql" {
			p.add("config map %s: LOGIFN_DB_DRIVER must be mysql", KnativeConfigMap)
		}
		for _, key := range []string{"LOGIFN_DB_DSN", "LOGIFN_JWT_SECRET"} {
			if _, ok := cm.Data[key]; ok {
				p.add("config map %s: %s belongs in the Secret %s", KnativeConfigMap, key, KnativeSecret)
			}
		}
	}

	want := map[string]app.Spec{}
	for _, s := range specs {
		want[s.Name] = s
	}
	seen := map[string]bool{}
	for _, svc := range k.Services {
		name := svc.Metadata.Name
		s, ok := want[name]
		if !ok {
			p.add("service %s is no function of the manifest", name)
			continue
		}
		if seen[name] {
			p.add("service %s appears twice", name)
		}
		seen[name] = true
		checkKService(&p, "service "+name, s, svc)
		if len(svc.Spec.Traffic) > 0 {
			p.add("service %s: traffic belongs in the canary example", name)
		}
	}
	for _, s := range specs {
		if !seen[s.Name] {
			p.add("service %s is missing", s.Name)
		}
	}

	// PingSources: one per schedule, named after it.
	pings := map[string]KPingSource{}
	for _, ps := range k.PingSources {
		if _, dup := pings[ps.Metadata.Name]; dup {
			p.add("pingsource %s appears twice", ps.Metadata.Name)
		}
		pings[ps.Metadata.Name] = ps
	}
	for _, s := range specs {
		for _, sc := range s.Schedules {
			where := "pingsource " + sc.Name
			ps, ok := pings[sc.Name]
			if !ok {
				p.add("%s (schedule of %s) is missing", where, s.Name)
				continue
			}
			delete(pings, sc.Name)
			checkPing(&p, where, s, sc, ps)
		}
	}
	for name := range pings {
		p.add("pingsource %s is no schedule of the manifest", name)
	}

	// Triggers: one per function with object triggers.
	triggers := map[string]KTrigger{}
	for _, t := range k.Triggers {
		if _, dup := triggers[t.Metadata.Name]; dup {
			p.add("trigger %s appears twice", t.Metadata.Name)
		}
		triggers[t.Metadata.Name] = t
	}
	for _, s := range specs {
		if len(s.Objects) == 0 {
			continue
		}
		name := KnativeTriggerName(s)
		t, ok := triggers[name]
		if !ok {
			p.add("trigger %s (objects of %s) is missing", name, s.Name)
			continue
		}
		delete(triggers, name)
		checkTrigger(&p, "trigger "+name, s, t)
	}
	for name := range triggers {
		p.add("trigger %s is no object trigger of the manifest", name)
	}

	checkJobs(&p, k.Jobs)
	if c, ok := want[KnativeCanaryFunction]; ok && k.Canary != nil {
		checkCanary(&p, c, k.Canary)
	}
	sort.Strings(p)
	return p
}

func checkKService(p *problems, where string, s app.Spec, svc KService) {
	if svc.APIVersion != "serving.knative.dev/v1" {
		p.add("%s: apiVersion %q", where, svc.APIVersion)
	}
	tm := svc.Spec.Template.Metadata.Annotations
	if tm["autoscaling.knative.dev/min-scale"] == "" || tm["autoscaling.knative.dev/max-scale"] == "" {
		p.add("%s: min-scale and max-scale annotations are required", where)
	}
	rs := svc.Spec.Template.Spec
	if rs.ContainerConcurrency == nil || *rs.ContainerConcurrency != KnativeConcurrency(s) {
		p.add("%s: containerConcurrency must be %d", where, KnativeConcurrency(s))
	}
	if rs.TimeoutSeconds == nil || *rs.TimeoutSeconds != s.TimeoutSeconds {
		p.add("%s: timeoutSeconds must be the manifest's %d", where, s.TimeoutSeconds)
	}
	if len(rs.Containers) != 1 {
		p.add("%s: wants exactly one container, has %d", where, len(rs.Containers))
		return
	}
	c := rs.Containers[0]
	if c.Image != KnativeImagePrefix+s.Name {
		p.add("%s: image %q, want %s%s", where, c.Image, KnativeImagePrefix, s.Name)
	}
	mem := fmt.Sprintf("%dMi", s.MemoryMB)
	if c.Resources.Limits["memory"] != mem || c.Resources.Requests["memory"] != mem {
		p.add("%s: memory request and limit %q/%q, the manifest has %s", where, c.Resources.Requests["memory"], c.Resources.Limits["memory"], mem)
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		p.add("%s: readinessProbe must get /readyz", where)
	}
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
		p.add("%s: livenessProbe must get /healthz", where)
	}
	checkEnv(p, where, c)
	checkSecurity(p, where, c.SecurityContext)
}

// checkEnv: settings from the ConfigMap, secrets from the Secret, none
// written in the file.
func checkEnv(p *problems, where string, c KContainer) {
	fromCM := false
	for _, ef := range c.EnvFrom {
		if ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == KnativeConfigMap {
			fromCM = true
		}
	}
	if !fromCM {
		p.add("%s: envFrom must name the config map %s", where, KnativeConfigMap)
	}
	secrets := map[string]bool{}
	for _, e := range c.Env {
		if strings.Contains(e.Name, "DSN") || strings.Contains(e.Name, "SECRET") {
			if e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != KnativeSecret || e.ValueFrom.SecretKeyRef.Key != e.Name {
				p.add("%s: env %s must come from the Secret %s, key %s", where, e.Name, KnativeSecret, e.Name)
				continue
			}
			secrets[e.Name] = true
		}
	}
	for _, k := range []string{"LOGIFN_DB_DSN", "LOGIFN_JWT_SECRET"} {
		if !secrets[k] {
			p.add("%s: env %s from the Secret %s is missing", where, k, KnativeSecret)
		}
	}
}

func checkSecurity(p *problems, where string, sc *KSecurityContext) {
	yes := func(b *bool) bool { return b != nil && *b }
	no := func(b *bool) bool { return b != nil && !*b }
	if sc == nil || !yes(sc.RunAsNonRoot) || !yes(sc.ReadOnlyRootFilesystem) || !no(sc.AllowPrivilegeEscalation) ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []string{"ALL"}) || len(sc.Capabilities.Add) > 0 ||
		sc.SeccompProfile == nil || sc.SeccompProfile.Type != "RuntimeDefault" {
		p.add("%s: securityContext must run as non-root on a read-only root filesystem, without privilege escalation, dropping ALL capabilities, with seccomp RuntimeDefault", where)
	}
}

func checkPing(p *problems, where string, s app.Spec, sc app.Schedule, ps KPingSource) {
	c, err := schedule.Parse(sc.Cron, sc.TimeZone)
	if err != nil {
		p.add("%s: manifest schedule: %v", where, err)
		return
	}
	if err := c.CheckPing(ps.Spec.Schedule, ps.Spec.Timezone); err != nil {
		p.add("%s: %v", where, err)
	}
	if ps.Spec.Data != sc.Payload || ps.Spec.DataBase64 != "" {
		p.add("%s: data %q, the manifest's payload is %q", where, ps.Spec.Data, sc.Payload)
	}
	// The adapter names the tick by the "name" extension, else by the
	// PingSource's name (the last segment of the event source).
	if ov := ps.Spec.CEOverrides; ov != nil {
		if n, ok := ov.Extensions["name"]; ok && n != sc.Name {
			p.add("%s: ceOverrides extension name %q would rename the tick", where, n)
		}
	}
	checkRef(p, where+": sink", s, ps.Spec.Sink)
}

func checkRef(p *problems, where string, s app.Spec, r KRef) {
	if r.URI != "" || r.Ref == nil || r.Ref.APIVersion != "serving.knative.dev/v1" || r.Ref.Kind != "Service" || r.Ref.Name != s.Name {
		p.add("%s must be the Knative Service %s", where, s.Name)
	}
}

func checkTrigger(p *problems, where string, s app.Spec, t KTrigger) {
	if t.Spec.Broker == "" {
		p.add("%s: broker is required", where)
	}
	var prefixType, exactSource string
	for _, f := range t.Spec.Filters {
		if v, ok := f.Prefix["type"]; ok {
			prefixType = v
		}
		if v, ok := f.Exact["source"]; ok {
			exactSource = v
		}
	}
	if t.Spec.Filter != nil || prefixType != KnativeObjectTypePrefix || exactSource != KnativeObjectSource {
		p.add("%s: filters must pass source %s and type prefix %s (and no other filter form)", where, KnativeObjectSource, KnativeObjectTypePrefix)
	}
	got := strings.Split(t.Metadata.Annotations[KnativeObjectsAnnotation], ",")
	same(p, where, "object filters", objectSet(s.Objects), got)
	checkRef(p, where+": subscriber", s, t.Spec.Subscriber)
}

func checkJobs(p *problems, jobs []KJob) {
	if len(jobs) != 1 {
		p.add("migrate job: want exactly one Job, have %d", len(jobs))
		return
	}
	j := jobs[0]
	cs := j.Spec.Template.Spec.Containers
	if len(cs) != 1 || cs[0].Image != KnativeMigrateImage || !slices.Equal(cs[0].Args, []string{"migrate"}) {
		p.add("job %s: must run %s with args [migrate]", j.Metadata.Name, KnativeMigrateImage)
		return
	}
	if r := j.Spec.Template.Spec.RestartPolicy; r != "OnFailure" && r != "Never" {
		p.add("job %s: restartPolicy %q", j.Metadata.Name, r)
	}
	checkEnv(p, "job "+j.Metadata.Name, cs[0])
	checkSecurity(p, "job "+j.Metadata.Name, cs[0].SecurityContext)
}

func checkCanary(p *problems, s app.Spec, c *KService) {
	where := KnativeCanaryFile
	if c.Metadata.Name != s.Name {
		p.add("%s: service %q, want %s", where, c.Metadata.Name, s.Name)
		return
	}
	checkKService(p, where, s, *c)
	rev := c.Spec.Template.Metadata.Name
	if !strings.HasPrefix(rev, s.Name+"-") {
		p.add("%s: template name %q must start with %s-", where, rev, s.Name)
	}
	total, tags, toNew := 0, map[string]bool{}, false
	for _, t := range c.Spec.Traffic {
		if t.Percent != nil {
			total += *t.Percent
		}
		if t.Tag != "" {
			tags[t.Tag] = true
		}
		if t.RevisionName == rev {
			toNew = true
		}
	}
	if len(c.Spec.Traffic) != 2 || len(tags) != 2 || total != 100 || !toNew {
		p.add("%s: traffic must split 100 percent between two tagged revisions, the new one %s included", where, rev)
	}
}
