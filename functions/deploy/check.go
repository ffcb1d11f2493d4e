package deploy

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/schedule"
)

// problems collects what a check finds.
type problems []string

func (p *problems) add(format string, a ...any) { *p = append(*p, fmt.Sprintf(format, a...)) }

func routeSet(rs []app.Route) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Method + " " + r.Path
	}
	sort.Strings(out)
	return out
}

func objectSet(os []app.ObjectTrigger) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Prefix + "*" + o.Suffix
	}
	sort.Strings(out)
	return out
}

func sorted(ss []string) []string {
	ss = slices.Clone(ss)
	sort.Strings(ss)
	return ss
}

func same(p *problems, where, what string, want, got []string) {
	want, got = sorted(want), sorted(got)
	if !slices.Equal(want, got) {
		p.add("%s: %s are %q, the manifest has %q", where, what, got, want)
	}
}

// CheckS reports every way s.yaml disagrees with the manifest: a function
// missing or extra, its code, runtime, sizing, routes, object filters,
// schedules and async settings.
func CheckS(specs []app.Spec, f *SFile) []string {
	var p problems
	if f.Edition != "3.0.0" {
		p.add("s.yaml: edition %q, want 3.0.0", f.Edition)
	}
	if f.Vars.Environment["LOGIFN_DB_DRIVER"] != "mysql" {
		p.add("s.yaml: vars.environment.LOGIFN_DB_DRIVER must be mysql")
	}
	for _, k := range []string{"LOGIFN_DB_DSN", "LOGIFN_JWT_SECRET"} {
		if v := f.Vars.Environment[k]; !strings.HasPrefix(v, "${env(") {
			p.add("s.yaml: vars.environment.%s must come from ${env(...)}, not be written in the file", k)
		}
	}
	want := map[string]app.Spec{}
	for _, s := range specs {
		want[s.Name] = s
		if _, ok := f.Resources[s.Name]; !ok {
			p.add("s.yaml: function %s is missing", s.Name)
		}
	}
	for name, res := range f.Resources {
		s, ok := want[name]
		if !ok {
			p.add("s.yaml: resource %s is no function of the manifest", name)
			continue
		}
		checkFC(&p, "s.yaml: "+name, s, res, f.Vars)
	}
	sort.Strings(p)
	return p
}

func checkFC(p *problems, where string, s app.Spec, res SResource, vars SVars) {
	pr := res.Props
	if res.Component != "fc3" {
		p.add("%s: component %q, want fc3", where, res.Component)
	}
	if pr.FunctionName != "${vars.prefix}-"+s.Name {
		p.add("%s: functionName %q, want ${vars.prefix}-%s", where, pr.FunctionName, s.Name)
	}
	if pr.Runtime != FCRuntime {
		p.add("%s: runtime %q, want %s", where, pr.Runtime, FCRuntime)
	}
	if pr.Code != "./dist/"+s.Name {
		p.add("%s: code %q, want ./dist/%s", where, pr.Code, s.Name)
	}
	if !slices.Equal(pr.CustomRuntimeConfig.Command, []string{"./bootstrap"}) || pr.CustomRuntimeConfig.Port != FCPort {
		p.add("%s: customRuntimeConfig must run ./bootstrap on port %d", where, FCPort)
	}
	if pr.MemorySize != s.MemoryMB {
		p.add("%s: memorySize %d, the manifest has %d", where, pr.MemorySize, s.MemoryMB)
	}
	if pr.Timeout != s.TimeoutSeconds {
		p.add("%s: timeout %d, the manifest has %d", where, pr.Timeout, s.TimeoutSeconds)
	}
	if pr.EnvironmentVariables["LOGIFN_DB_DRIVER"] != "mysql" {
		p.add("%s: environmentVariables must set LOGIFN_DB_DRIVER=mysql", where)
	}
	if pr.VPCConfig == nil || pr.LogConfig == nil {
		p.add("%s: vpcConfig and logConfig are required (through vars)", where)
	}
	if IsEvent(s) != (pr.AsyncInvokeConfig != nil) {
		p.add("%s: asyncInvokeConfig belongs to event functions only (event function: %v)", where, IsEvent(s))
	} else if a := pr.AsyncInvokeConfig; a != nil && (a.MaxAsyncEventAgeInSeconds < s.TimeoutSeconds || a.DestinationConfig.OnFailure.Destination == "") {
		p.add("%s: asyncInvokeConfig needs an event age of at least the timeout and an onFailure destination", where)
	}

	var routes, objects []string
	var sawHTTP bool
	names := map[string]bool{}
	schedules := map[string]FCTrigger{}
	for _, t := range pr.Triggers {
		tw := where + " trigger " + t.TriggerName
		if names[t.TriggerName] {
			p.add("%s: trigger name used twice", tw)
		}
		names[t.TriggerName] = true
		c := t.TriggerConfig
		switch t.TriggerType {
		case "http":
			if sawHTTP {
				p.add("%s: a function takes one HTTP trigger", tw)
			}
			sawHTTP = true
			if c.Events != nil || c.Filter != nil || c.CronExpression != "" || c.Enable != nil || c.Payload != nil {
				p.add("%s: an http trigger takes authType, disableURLInternet and methods only", tw)
			}
			// The description lists the routes the trigger serves; the
			// methods must be exactly theirs.
			var ms []string
			for _, r := range strings.Split(t.Description, ",") {
				if r = strings.TrimSpace(r); r != "" {
					routes = append(routes, r)
					m, _, _ := strings.Cut(r, " ")
					if !slices.Contains(ms, m) {
						ms = append(ms, m)
					}
				}
			}
			same(p, tw, "methods", ms, c.Methods)
		case "oss":
			if c.Methods != nil || c.AuthType != "" || c.CronExpression != "" || c.Enable != nil || c.Payload != nil {
				p.add("%s: an oss trigger takes events and filter only", tw)
			}
			same(p, tw, "events", OSSEvents, c.Events)
			if c.Filter == nil {
				p.add("%s: filter.key.prefix/suffix is required", tw)
				continue
			}
			objects = append(objects, c.Filter.Key.Prefix+"*"+c.Filter.Key.Suffix)
			if !strings.Contains(t.SourceArn, "${vars.blobBucket}") {
				p.add("%s: sourceArn must name the upload bucket ${vars.blobBucket}", tw)
			}
		case "timer":
			if c.Methods != nil || c.AuthType != "" || c.Events != nil || c.Filter != nil {
				p.add("%s: a timer trigger takes cronExpression, enable and payload only", tw)
			}
			schedules[t.TriggerName] = t
		default:
			p.add("%s: trigger type %q is not used by logifn", tw, t.TriggerType)
		}
	}
	same(p, where, "routes", routeSet(s.Routes), routes)
	same(p, where, "object filters", objectSet(s.Objects), objects)
	for _, sc := range s.Schedules {
		t, ok := schedules[sc.Name]
		if !ok {
			p.add("%s: schedule %s has no timer trigger of that name", where, sc.Name)
			continue
		}
		delete(schedules, sc.Name)
		c, err := schedule.Parse(sc.Cron, sc.TimeZone)
		if err != nil {
			p.add("%s: manifest schedule %s: %v", where, sc.Name, err)
			continue
		}
		if err := c.CheckFC(t.TriggerConfig.CronExpression); err != nil {
			p.add("%s: timer %s: %v", where, sc.Name, err)
		}
		if t.TriggerConfig.Enable == nil || !*t.TriggerConfig.Enable {
			p.add("%s: timer %s must be enabled", where, sc.Name)
		}
		if got := t.TriggerConfig.Payload; (got == nil && sc.Payload != "") || (got != nil && *got != sc.Payload) {
			p.add("%s: timer %s: payload differs from the manifest's %q", where, sc.Name, sc.Payload)
		}
	}
	for name := range schedules {
		p.add("%s: timer trigger %s is no schedule of the manifest", where, name)
	}
}

// CheckTemplate reports every way template.yaml disagrees with the
// manifest, and names a function whose build-<LogicalId> target the
// Makefile lacks.
func CheckTemplate(specs []app.Spec, t *Template, makefile string) []string {
	var p problems
	if t.Transform != "AWS::Serverless-2016-10-31" {
		p.add("template.yaml: Transform %q", t.Transform)
	}
	g := t.Globals.Function
	if g.Runtime != SAMRuntime || !slices.Equal(g.Architectures, []string{SAMArch}) || g.Handler != "bootstrap" {
		p.add("template.yaml: Globals.Function must be %s on [%s] with Handler bootstrap", SAMRuntime, SAMArch)
	}
	for _, name := range []string{"DBDSN", "JWTSecret"} {
		if par, ok := t.Parameters[name]; !ok || !par.NoEcho {
			p.add("template.yaml: parameter %s must exist with NoEcho", name)
		}
	}
	if r, ok := t.Resources[UploadBucketID]; !ok || r.Type != "AWS::S3::Bucket" {
		p.add("template.yaml: resource %s must be an AWS::S3::Bucket", UploadBucketID)
	}
	want := map[string]app.Spec{}
	for _, s := range specs {
		id := LogicalID(s.Name)
		want[id] = s
		if _, ok := t.Functions[id]; !ok {
			p.add("template.yaml: function %s (%s) is missing", id, s.Name)
		}
	}
	for id, fn := range t.Functions {
		s, ok := want[id]
		if !ok {
			p.add("template.yaml: function %s is no function of the manifest", id)
			continue
		}
		checkSAM(&p, "template.yaml: "+id, s, fn)
		if !regexp.MustCompile(`(?m)^build-` + id + `:.*\b` + regexp.QuoteMeta(s.Name) + `\b`).MatchString(makefile) {
			p.add("Makefile: no build-%s target building %s", id, s.Name)
		}
	}
	sort.Strings(p)
	return p
}

func checkSAM(p *problems, where string, s app.Spec, fn SAMFunction) {
	if fn.BuildMethod != "makefile" {
		p.add("%s: Metadata.BuildMethod %q, want makefile", where, fn.BuildMethod)
	}
	if fn.CodeUri != "." {
		p.add("%s: CodeUri %q, want .", where, fn.CodeUri)
	}
	if fn.MemorySize != s.MemoryMB {
		p.add("%s: MemorySize %d, the manifest has %d", where, fn.MemorySize, s.MemoryMB)
	}
	if fn.Timeout != s.TimeoutSeconds {
		p.add("%s: Timeout %d, the manifest has %d", where, fn.Timeout, s.TimeoutSeconds)
	}
	checkPolicies(p, where, s, fn.Policies)
	var routes, objects []string
	schedules := map[string]SAMScheduleV2{}
	for name, ev := range fn.Events {
		ew := where + " event " + name
		switch ev.Type {
		case "HttpApi":
			var h SAMHttpApi
			if err := strictNode(&ev.Properties, &h); err != nil {
				p.add("%s: %v", ew, err)
				continue
			}
			routes = append(routes, h.Method+" "+h.Path)
		case "S3":
			var e SAMS3
			if err := strictNode(&ev.Properties, &e); err != nil {
				p.add("%s: %v", ew, err)
				continue
			}
			if e.Bucket.String() != "!Ref "+UploadBucketID {
				p.add("%s: Bucket %q, want !Ref %s", ew, e.Bucket.String(), UploadBucketID)
			}
			var prefix, suffix string
			for _, r := range e.Filter.S3Key.Rules {
				switch strings.ToLower(r.Name) {
				case "prefix":
					prefix = r.Value
				case "suffix":
					suffix = r.Value
				default:
					p.add("%s: filter rule %q", ew, r.Name)
				}
			}
			objects = append(objects, prefix+"*"+suffix)
		case "ScheduleV2":
			var e SAMScheduleV2
			if err := strictNode(&ev.Properties, &e); err != nil {
				p.add("%s: %v", ew, err)
				continue
			}
			if _, dup := schedules[e.Name]; dup {
				p.add("%s: schedule name %s used twice", ew, e.Name)
			}
			schedules[e.Name] = e
		default:
			p.add("%s: event type %q is not used by logifn", ew, ev.Type)
		}
	}
	gateway := make([]app.Route, len(s.Routes))
	for i, r := range s.Routes {
		gateway[i] = app.Route{Method: r.Method, Path: GatewayPath(r.Path)}
	}
	same(p, where, "routes", routeSet(gateway), routes)
	same(p, where, "object filters", objectSet(s.Objects), objects)
	for _, sc := range s.Schedules {
		e, ok := schedules[sc.Name]
		if !ok {
			p.add("%s: schedule %s has no ScheduleV2 event of that Name", where, sc.Name)
			continue
		}
		delete(schedules, sc.Name)
		c, err := schedule.Parse(sc.Cron, sc.TimeZone)
		if err != nil {
			p.add("%s: manifest schedule %s: %v", where, sc.Name, err)
			continue
		}
		if err := c.CheckSAM(e.ScheduleExpression, e.ScheduleExpressionTimezone); err != nil {
			p.add("%s: schedule %s: %v", where, sc.Name, err)
		}
		if in, err := schedule.SAMInput(sc.Payload); err != nil || in != e.Input {
			p.add("%s: schedule %s: Input %q, want %q", where, sc.Name, e.Input, in)
		}
	}
	for name := range schedules {
		p.add("%s: ScheduleV2 %s is no schedule of the manifest", where, name)
	}
	if IsEvent(s) != (fn.EventInvokeConfig != nil) {
		p.add("%s: EventInvokeConfig belongs to event functions only (event function: %v)", where, IsEvent(s))
	}
}

// checkPolicies wants a function's role to hold exactly what it uses: the
// bucket when its spec says Bucket, the invocation of webhook-dispatch when
// it writes, and its own invocation when events trigger it.
func checkPolicies(p *problems, where string, s app.Spec, nodes []yaml.Node) {
	var want, got []string
	if s.Bucket {
		want = append(want, "S3CrudPolicy !Ref UploadBucketName")
	}
	if s.Writes() {
		want = append(want, `LambdaInvokePolicy !Sub ${AWS::StackName}-`+app.WebhookDispatch)
	}
	if IsEvent(s) {
		want = append(want, `LambdaInvokePolicy !Sub ${AWS::StackName}-`+s.Name)
	}
	for i := range nodes {
		var pol SAMPolicy
		if err := strictNode(&nodes[i], &pol); err != nil {
			p.add("%s: policy %d: %v", where, i+1, err)
			continue
		}
		got = append(got, pol.String())
	}
	same(p, where, "policies", want, got)
}
