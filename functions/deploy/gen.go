package deploy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/schedule"
)

// Settings every deployed function shares.
const (
	FCRuntime      = "custom.debian10"
	FCPort         = 9000
	FCPrefix       = "logifn-"
	SAMRuntime     = "provided.al2023"
	SAMArch        = "arm64"
	UploadBucketID = "UploadBucket"
	ScheduleGroup  = "TickGroup"
	asyncRetries   = 2
	asyncMaxAge    = 6 * 3600
)

// OSSEvents are the OSS events that fire an object trigger.
var OSSEvents = []string{"oss:ObjectCreated:PutObject", "oss:ObjectCreated:PostObject", "oss:ObjectCreated:CompleteMultipartUpload"}

// LogicalID is a function's id in template.yaml: "shipment-create" ->
// "ShipmentCreateFunction".
func LogicalID(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String() + "Function"
}

// IsEvent reports whether a function is invoked asynchronously (by
// objects or schedules).
func IsEvent(s app.Spec) bool { return len(s.Objects) > 0 || len(s.Schedules) > 0 }

// GatewayPath is a route's path as API Gateway writes it: net/http's
// end-of-path anchor {$} dropped (API Gateway paths match exactly) and a
// rest-of-path wildcard {name...} written {name+}.
func GatewayPath(path string) string {
	path = strings.TrimSuffix(path, "{$}")
	if i := strings.LastIndex(path, "...}"); i >= 0 && i == len(path)-4 {
		path = path[:i] + "+}"
	}
	return path
}

// RoutesText is how an HTTP trigger's description lists the routes.
func RoutesText(rs []app.Route) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Method + " " + r.Path
	}
	return strings.Join(parts, ", ")
}

// methods lists the distinct methods of rs, sorted.
func methods(rs []app.Route) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		if !seen[r.Method] {
			seen[r.Method] = true
			out = append(out, r.Method)
		}
	}
	sort.Strings(out)
	return out
}

// ObjectTriggerName names an object trigger: "oss-images-jpg".
func ObjectTriggerName(o app.ObjectTrigger) string {
	var b strings.Builder
	b.WriteString("oss")
	for _, r := range strings.ToLower(o.Prefix + " " + o.Suffix) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func q(s string) string { return strconv.Quote(s) }

// GenerateS writes s.yaml for specs.
func GenerateS(specs []app.Spec) ([]byte, error) {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("# Alibaba Cloud Function Compute 3.0 via Serverless Devs: `make build && s deploy`.")
	w("# One resource per function of the manifest (functions/registry); the drift")
	w("# tests in functions/deploy check routes, object filters, schedules, memory")
	w("# and timeout against it. Settings come from the environment of `s deploy`.")
	w("edition: 3.0.0")
	w("name: logifn")
	w("access: default")
	w("")
	w("vars:")
	w("  region: ${env('LOGIFN_FC_REGION', 'cn-hangzhou')}")
	w("  prefix: %s", strings.TrimSuffix(FCPrefix, "-"))
	w("  role: ${env('LOGIFN_FC_ROLE')}")
	w("  blobBucket: ${env('LOGIFN_BLOB_BUCKET')}")
	w("  environment: &environment")
	w("    LOGIFN_DB_DRIVER: mysql")
	w("    LOGIFN_DB_DSN: ${env('LOGIFN_DB_DSN')}")
	w("    LOGIFN_JWT_SECRET: ${env('LOGIFN_JWT_SECRET')}")
	w("    LOGIFN_LOG_FORMAT: json")
	w("    LOGIFN_BLOB_DRIVER: oss")
	w("    LOGIFN_BLOB_BUCKET: ${env('LOGIFN_BLOB_BUCKET')}")
	w("    LOGIFN_BLOB_ENDPOINT: ${env('LOGIFN_BLOB_ENDPOINT')}")
	w("    LOGIFN_INVOKE_BACKEND: fc")
	w("  vpcConfig: &vpcConfig")
	w("    vpcId: ${env('LOGIFN_FC_VPC_ID')}")
	w("    securityGroupId: ${env('LOGIFN_FC_SECURITY_GROUP_ID')}")
	w("    vSwitchIds:")
	w("      - ${env('LOGIFN_FC_VSWITCH_ID')}")
	w("  logConfig: &logConfig")
	w("    project: ${env('LOGIFN_FC_LOG_PROJECT')}")
	w("    logstore: ${env('LOGIFN_FC_LOG_STORE')}")
	w("    enableRequestMetrics: true")
	w("    enableInstanceMetrics: true")
	w("    logBeginRule: None")
	w("  asyncInvokeConfig: &asyncInvokeConfig")
	w("    maxAsyncRetryAttempts: %d", asyncRetries)
	w("    maxAsyncEventAgeInSeconds: %d", asyncMaxAge)
	w("    destinationConfig:")
	w("      onFailure:")
	w("        destination: ${env('LOGIFN_FC_FAILURE_DESTINATION')}")
	w("")
	w("resources:")
	for _, s := range specs {
		w("  %s:", s.Name)
		w("    component: fc3")
		w("    props:")
		w("      region: ${vars.region}")
		w("      functionName: ${vars.prefix}-%s", s.Name)
		w("      description: %s", q(s.Summary))
		w("      runtime: %s", FCRuntime)
		w("      code: ./dist/%s", s.Name)
		w("      handler: bootstrap")
		w("      memorySize: %d", s.MemoryMB)
		w("      timeout: %d", s.TimeoutSeconds)
		w("      role: ${vars.role}")
		w("      customRuntimeConfig:")
		w("        command:")
		w("          - ./bootstrap")
		w("        port: %d", FCPort)
		w("      environmentVariables: *environment")
		w("      vpcConfig: *vpcConfig")
		w("      logConfig: *logConfig")
		if IsEvent(s) {
			w("      asyncInvokeConfig: *asyncInvokeConfig")
		}
		w("      triggers:")
		if len(s.Routes) > 0 {
			w("        - triggerName: http")
			w("          triggerType: http")
			w("          description: %s", q(RoutesText(s.Routes)))
			w("          triggerConfig:")
			w("            authType: anonymous")
			w("            disableURLInternet: false")
			w("            methods: [%s]", strings.Join(methods(s.Routes), ", "))
		}
		for _, o := range s.Objects {
			w("        - triggerName: %s", ObjectTriggerName(o))
			w("          triggerType: oss")
			w("          sourceArn: acs:oss:${vars.region}:${config('AccountID')}:${vars.blobBucket}")
			w("          invocationRole: acs:ram::${config('AccountID')}:role/aliyunosseventnotificationrole")
			w("          triggerConfig:")
			w("            events:")
			for _, e := range OSSEvents {
				w("              - %s", e)
			}
			w("            filter:")
			w("              key:")
			w("                prefix: %s", q(o.Prefix))
			w("                suffix: %s", q(o.Suffix))
		}
		for _, sc := range s.Schedules {
			c, err := schedule.Parse(sc.Cron, sc.TimeZone)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Name, err)
			}
			w("        - triggerName: %s", sc.Name)
			w("          triggerType: timer")
			w("          triggerConfig:")
			w("            cronExpression: %s", q(c.FC()))
			w("            enable: true")
			w("            payload: %s", q(sc.Payload))
		}
	}
	return []byte(b.String()), nil
}

// GenerateTemplate writes template.yaml for specs.
func GenerateTemplate(specs []app.Spec) ([]byte, error) {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("# AWS Lambda via SAM: `sam build && sam deploy --guided`.")
	w("# One function per function of the manifest (functions/registry); the drift")
	w("# tests in functions/deploy check routes, object filters, schedules, memory")
	w("# and timeout against it. Each function is built by `make build-<LogicalId>`.")
	w("AWSTemplateFormatVersion: \"2010-09-09\"")
	w("Transform: AWS::Serverless-2016-10-31")
	w("Description: logifn, a logistics ERP as serverless functions")
	w("")
	w("Parameters:")
	w("  DBDSN:")
	w("    Type: String")
	w("    NoEcho: true")
	w("    Description: MySQL DSN (go-sql-driver form), such as user:pass@tcp(host:3306)/logifn?parseTime=true")
	w("  JWTSecret:")
	w("    Type: String")
	w("    NoEcho: true")
	w("    Description: the HMAC secret tokens are signed with (32 bytes or more)")
	w("  UploadBucketName:")
	w("    Type: String")
	w("    Description: the name of the uploads bucket this stack creates (globally unique, lower case)")
	w("")
	w("Globals:")
	w("  Function:")
	w("    Runtime: %s", SAMRuntime)
	w("    Architectures: [%s]", SAMArch)
	w("    Handler: bootstrap")
	w("    Environment:")
	w("      Variables:")
	w("        LOGIFN_DB_DRIVER: mysql")
	w("        LOGIFN_DB_DSN: !Ref DBDSN")
	w("        LOGIFN_JWT_SECRET: !Ref JWTSecret")
	w("        LOGIFN_LOG_FORMAT: json")
	w("        LOGIFN_BLOB_DRIVER: s3")
	w("        LOGIFN_BLOB_BUCKET: !Ref UploadBucketName")
	w("        LOGIFN_INVOKE_BACKEND: lambda")
	w("")
	w("Resources:")
	w("  %s:", UploadBucketID)
	w("    Type: AWS::S3::Bucket")
	w("    Properties:")
	w("      BucketName: !Ref UploadBucketName")
	w("  %s:", ScheduleGroup)
	w("    Type: AWS::Scheduler::ScheduleGroup")
	w("    Properties:")
	w("      Name: !Sub \"${AWS::StackName}-ticks\"")
	for _, s := range specs {
		id := LogicalID(s.Name)
		w("  %s:", id)
		w("    Type: AWS::Serverless::Function")
		w("    Metadata:")
		w("      BuildMethod: makefile")
		w("    Properties:")
		w("      FunctionName: !Sub \"${AWS::StackName}-%s\"", s.Name)
		w("      Description: %s", q(s.Summary))
		w("      CodeUri: .")
		w("      MemorySize: %d", s.MemoryMB)
		w("      Timeout: %d", s.TimeoutSeconds)
		// Each role gets what its function uses: the bucket, the kick of
		// webhook-dispatch after writes (an asynchronous invocation), and
		// its own invocation for event functions.
		if s.Bucket || s.Writes() || IsEvent(s) {
			w("      Policies:")
		}
		if s.Bucket {
			w("        - S3CrudPolicy:")
			w("            BucketName: !Ref UploadBucketName")
		}
		if s.Writes() {
			w("        - LambdaInvokePolicy:")
			w("            FunctionName: !Sub \"${AWS::StackName}-%s\"", app.WebhookDispatch)
		}
		if IsEvent(s) {
			w("        - LambdaInvokePolicy:")
			w("            FunctionName: !Sub \"${AWS::StackName}-%s\"", s.Name)
			w("      EventInvokeConfig:")
			w("        MaximumRetryAttempts: %d", asyncRetries)
			w("        MaximumEventAgeInSeconds: %d", asyncMaxAge)
		}
		w("      Events:")
		for i, r := range s.Routes {
			w("        Http%d:", i+1)
			w("          Type: HttpApi")
			w("          Properties:")
			w("            Method: %s", r.Method)
			w("            Path: %s", GatewayPath(r.Path))
		}
		for i, o := range s.Objects {
			w("        Upload%d:", i+1)
			w("          Type: S3")
			w("          Properties:")
			w("            Bucket: !Ref %s", UploadBucketID)
			w("            Events: [\"s3:ObjectCreated:*\"]")
			w("            Filter:")
			w("              S3Key:")
			w("                Rules:")
			if o.Prefix != "" {
				w("                  - {Name: prefix, Value: %s}", q(o.Prefix))
			}
			if o.Suffix != "" {
				w("                  - {Name: suffix, Value: %s}", q(o.Suffix))
			}
		}
		for i, sc := range s.Schedules {
			c, err := schedule.Parse(sc.Cron, sc.TimeZone)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Name, err)
			}
			in, err := schedule.SAMInput(sc.Payload)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Name, err)
			}
			sam := c.SAM()
			w("        Tick%d:", i+1)
			w("          Type: ScheduleV2")
			w("          Properties:")
			w("            Name: %s", sc.Name)
			w("            GroupName: !Ref %s", ScheduleGroup)
			w("            ScheduleExpression: %s", q(sam.Expression))
			w("            ScheduleExpressionTimezone: %s", sam.Timezone)
			w("            Input: %s", q(in))
		}
	}
	w("")
	w("Outputs:")
	w("  HttpApiUrl:")
	w("    Description: the base URL of the HTTP API")
	w("    Value: !Sub \"https://${ServerlessHttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}\"")
	return []byte(b.String()), nil
}
