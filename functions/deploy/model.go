// Package deploy holds the typed shape of logifn's deploy files (s.yaml
// for Serverless Devs / Function Compute 3.0, template.yaml for AWS SAM),
// writes them from the manifest and checks them against it. The files are
// committed and may be edited by hand; the drift checks compare meaning
// (routes, object filters, schedules, sizing), not bytes.
package deploy

import (
	"bytes"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// strict decodes YAML into v, refusing fields v does not know.
func strict(r io.Reader, v any) error {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	return dec.Decode(v)
}

// strictNode decodes a node strictly: yaml.Node.Decode ignores KnownFields,
// so the node is written out and read back.
func strictNode(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	return strict(bytes.NewReader(b), v)
}

// ---- s.yaml (Serverless Devs, component fc3) ----

// SFile is s.yaml.
type SFile struct {
	Edition   string               `yaml:"edition"`
	Name      string               `yaml:"name"`
	Access    string               `yaml:"access"`
	Vars      SVars                `yaml:"vars"`
	Resources map[string]SResource `yaml:"resources"`
}

// SVars are the settings shared by every function.
type SVars struct {
	Region            string            `yaml:"region"`
	Prefix            string            `yaml:"prefix"`
	Role              string            `yaml:"role"`
	BlobBucket        string            `yaml:"blobBucket"`
	Environment       map[string]string `yaml:"environment"`
	VPCConfig         FCVPC             `yaml:"vpcConfig"`
	LogConfig         FCLog             `yaml:"logConfig"`
	AsyncInvokeConfig FCAsync           `yaml:"asyncInvokeConfig"`
}

// SResource is one fc3 function.
type SResource struct {
	Component string  `yaml:"component"`
	Props     FCProps `yaml:"props"`
}

// FCProps are a function's properties.
type FCProps struct {
	Region               string            `yaml:"region"`
	FunctionName         string            `yaml:"functionName"`
	Description          string            `yaml:"description"`
	Runtime              string            `yaml:"runtime"`
	Code                 string            `yaml:"code"`
	Handler              string            `yaml:"handler"`
	MemorySize           int               `yaml:"memorySize"`
	Timeout              int               `yaml:"timeout"`
	InstanceConcurrency  int               `yaml:"instanceConcurrency"`
	Role                 string            `yaml:"role"`
	CustomRuntimeConfig  FCCustomRuntime   `yaml:"customRuntimeConfig"`
	EnvironmentVariables map[string]string `yaml:"environmentVariables"`
	VPCConfig            *FCVPC            `yaml:"vpcConfig"`
	LogConfig            *FCLog            `yaml:"logConfig"`
	AsyncInvokeConfig    *FCAsync          `yaml:"asyncInvokeConfig"`
	Triggers             []FCTrigger       `yaml:"triggers"`
}

// FCCustomRuntime starts the bootstrap binary.
type FCCustomRuntime struct {
	Command []string `yaml:"command"`
	Port    int      `yaml:"port"`
}

// FCVPC is a function's network.
type FCVPC struct {
	VPCID           string   `yaml:"vpcId"`
	SecurityGroupID string   `yaml:"securityGroupId"`
	VSwitchIDs      []string `yaml:"vSwitchIds"`
}

// FCLog is where a function logs.
type FCLog struct {
	Project              string `yaml:"project"`
	Logstore             string `yaml:"logstore"`
	EnableRequestMetrics bool   `yaml:"enableRequestMetrics"`
	EnableInstanceMetric bool   `yaml:"enableInstanceMetrics"`
	LogBeginRule         string `yaml:"logBeginRule"`
}

// FCAsync is the retry policy of asynchronous (event) invocations.
type FCAsync struct {
	MaxAsyncRetryAttempts     int `yaml:"maxAsyncRetryAttempts"`
	MaxAsyncEventAgeInSeconds int `yaml:"maxAsyncEventAgeInSeconds"`
	DestinationConfig         struct {
		OnFailure struct {
			Destination string `yaml:"destination"`
		} `yaml:"onFailure"`
	} `yaml:"destinationConfig"`
}

// FCTrigger is one trigger; TriggerConfig holds the fields of every type
// the project uses, and the check refuses those of another type.
type FCTrigger struct {
	TriggerName    string          `yaml:"triggerName"`
	TriggerType    string          `yaml:"triggerType"`
	Description    string          `yaml:"description"`
	Qualifier      string          `yaml:"qualifier"`
	InvocationRole string          `yaml:"invocationRole"`
	SourceArn      string          `yaml:"sourceArn"`
	TriggerConfig  FCTriggerConfig `yaml:"triggerConfig"`
}

// FCTriggerConfig is the union of the http, oss and timer trigger configs.
type FCTriggerConfig struct {
	AuthType           string    `yaml:"authType"`
	DisableURLInternet *bool     `yaml:"disableURLInternet"`
	Methods            []string  `yaml:"methods"`
	Events             []string  `yaml:"events"`
	Filter             *FCFilter `yaml:"filter"`
	CronExpression     string    `yaml:"cronExpression"`
	Enable             *bool     `yaml:"enable"`
	Payload            *string   `yaml:"payload"`
}

// FCFilter is an OSS trigger's key filter.
type FCFilter struct {
	Key struct {
		Prefix string `yaml:"prefix"`
		Suffix string `yaml:"suffix"`
	} `yaml:"key"`
}

// DecodeS reads s.yaml strictly.
func DecodeS(r io.Reader) (*SFile, error) {
	var f SFile
	if err := strict(r, &f); err != nil {
		return nil, fmt.Errorf("s.yaml: %w", err)
	}
	return &f, nil
}

// ---- template.yaml (AWS SAM) ----

// CFN is a CloudFormation value: a plain scalar, a tagged scalar such as
// !Ref Name or !Sub "...", or any other node kept as it is.
type CFN struct {
	Tag   string
	Value string
	Node  yaml.Node
}

// UnmarshalYAML keeps the tag and value of n.
func (c *CFN) UnmarshalYAML(n *yaml.Node) error {
	c.Tag, c.Value, c.Node = n.Tag, n.Value, *n
	return nil
}

// String is the value, prefixed with its tag when it has a CloudFormation
// one: "plain", "!Ref UploadBucket".
func (c CFN) String() string {
	if c.Tag == "" || c.Tag[0] != '!' || (len(c.Tag) > 1 && c.Tag[1] == '!') {
		return c.Value
	}
	return c.Tag + " " + c.Value
}

// Template is template.yaml; each resource's Properties are decoded by
// type, strictly, into Functions and the other resources.
type Template struct {
	AWSTemplateFormatVersion string                  `yaml:"AWSTemplateFormatVersion"`
	Transform                string                  `yaml:"Transform"`
	Description              string                  `yaml:"Description"`
	Parameters               map[string]SAMParameter `yaml:"Parameters"`
	Globals                  struct {
		Function SAMGlobals `yaml:"Function"`
	} `yaml:"Globals"`
	Resources map[string]SAMResource `yaml:"Resources"`
	Outputs   map[string]struct {
		Description string `yaml:"Description"`
		Value       CFN    `yaml:"Value"`
	} `yaml:"Outputs"`

	Functions map[string]SAMFunction `yaml:"-"`
}

// SAMParameter is a template parameter.
type SAMParameter struct {
	Type        string `yaml:"Type"`
	Description string `yaml:"Description"`
	NoEcho      bool   `yaml:"NoEcho"`
	Default     *CFN   `yaml:"Default"`
}

// SAMGlobals are the Globals of every function.
type SAMGlobals struct {
	Runtime       string   `yaml:"Runtime"`
	Architectures []string `yaml:"Architectures"`
	Handler       string   `yaml:"Handler"`
	Environment   struct {
		Variables map[string]CFN `yaml:"Variables"`
	} `yaml:"Environment"`
}

// SAMResource is any resource, its properties still undecoded.
type SAMResource struct {
	Type       string    `yaml:"Type"`
	Metadata   yaml.Node `yaml:"Metadata"`
	Properties yaml.Node `yaml:"Properties"`
}

// SAMFunction is an AWS::Serverless::Function.
type SAMFunction struct {
	FunctionName      CFN                 `yaml:"FunctionName"`
	Description       string              `yaml:"Description"`
	CodeUri           string              `yaml:"CodeUri"`
	MemorySize        int                 `yaml:"MemorySize"`
	Timeout           int                 `yaml:"Timeout"`
	Policies          []yaml.Node         `yaml:"Policies"`
	EventInvokeConfig *SAMEventInvoke     `yaml:"EventInvokeConfig"`
	Events            map[string]SAMEvent `yaml:"Events"`

	BuildMethod string `yaml:"-"` // from Metadata
}

// SAMPolicy is one entry of a function's Policies: a SAM policy template
// and the resource it is bound to.
type SAMPolicy struct {
	S3CrudPolicy *struct {
		BucketName CFN `yaml:"BucketName"`
	} `yaml:"S3CrudPolicy"`
	LambdaInvokePolicy *struct {
		FunctionName CFN `yaml:"FunctionName"`
	} `yaml:"LambdaInvokePolicy"`
}

// String names the policy and its resource: "S3CrudPolicy !Ref
// UploadBucketName".
func (p SAMPolicy) String() string {
	switch {
	case p.S3CrudPolicy != nil && p.LambdaInvokePolicy == nil:
		return "S3CrudPolicy " + p.S3CrudPolicy.BucketName.String()
	case p.LambdaInvokePolicy != nil && p.S3CrudPolicy == nil:
		return "LambdaInvokePolicy " + p.LambdaInvokePolicy.FunctionName.String()
	}
	return "one policy template per entry"
}

// SAMEventInvoke is the retry policy of asynchronous invocations.
type SAMEventInvoke struct {
	MaximumRetryAttempts     int `yaml:"MaximumRetryAttempts"`
	MaximumEventAgeInSeconds int `yaml:"MaximumEventAgeInSeconds"`
}

// SAMEvent is one event source of a function.
type SAMEvent struct {
	Type       string    `yaml:"Type"`
	Properties yaml.Node `yaml:"Properties"`
}

// SAMHttpApi is an HttpApi event.
type SAMHttpApi struct {
	Method string `yaml:"Method"`
	Path   string `yaml:"Path"`
}

// SAMS3 is an S3 event.
type SAMS3 struct {
	Bucket CFN      `yaml:"Bucket"`
	Events []string `yaml:"Events"`
	Filter struct {
		S3Key struct {
			Rules []struct {
				Name  string `yaml:"Name"`
				Value string `yaml:"Value"`
			} `yaml:"Rules"`
		} `yaml:"S3Key"`
	} `yaml:"Filter"`
}

// SAMScheduleV2 is a ScheduleV2 (EventBridge Scheduler) event.
type SAMScheduleV2 struct {
	Name                       string `yaml:"Name"`
	GroupName                  CFN    `yaml:"GroupName"`
	ScheduleExpression         string `yaml:"ScheduleExpression"`
	ScheduleExpressionTimezone string `yaml:"ScheduleExpressionTimezone"`
	Input                      string `yaml:"Input"`
	State                      string `yaml:"State"`
	RetryPolicy                *struct {
		MaximumRetryAttempts     int `yaml:"MaximumRetryAttempts"`
		MaximumEventAgeInSeconds int `yaml:"MaximumEventAgeInSeconds"`
	} `yaml:"RetryPolicy"`
}

// DecodeTemplate reads template.yaml strictly, the properties of every
// AWS::Serverless::Function included.
func DecodeTemplate(r io.Reader) (*Template, error) {
	var t Template
	if err := strict(r, &t); err != nil {
		return nil, fmt.Errorf("template.yaml: %w", err)
	}
	t.Functions = map[string]SAMFunction{}
	for id, res := range t.Resources {
		if res.Type != "AWS::Serverless::Function" {
			continue
		}
		var fn SAMFunction
		if err := strictNode(&res.Properties, &fn); err != nil {
			return nil, fmt.Errorf("template.yaml: %s: %w", id, err)
		}
		var md struct {
			BuildMethod string `yaml:"BuildMethod"`
		}
		if res.Metadata.Kind != 0 {
			if err := strictNode(&res.Metadata, &md); err != nil {
				return nil, fmt.Errorf("template.yaml: %s Metadata: %w", id, err)
			}
		}
		fn.BuildMethod = md.BuildMethod
		t.Functions[id] = fn
	}
	return &t, nil
}
