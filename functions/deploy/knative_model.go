package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// ---- infra/knative (Knative Serving and Eventing, kustomize) ----
//
// The types below hold the fields logifn's Knative files use; decoding is
// strict, so a field they do not know is an error. The nested module
// infra/knative/validate decodes the same files into Knative's own types.

// Kustomization is kustomization.yaml.
type Kustomization struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Resources  []string `yaml:"resources"`
	Images     []struct {
		Name    string `yaml:"name"`
		NewName string `yaml:"newName"`
		NewTag  string `yaml:"newTag"`
		Digest  string `yaml:"digest"`
	} `yaml:"images"`
}

// KMeta is an object's metadata.
type KMeta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// KObject is the head every document shares.
type KObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
}

// KConfigMap is a ConfigMap.
type KConfigMap struct {
	KObject  `yaml:",inline"`
	Metadata KMeta             `yaml:"metadata"`
	Data     map[string]string `yaml:"data"`
}

// KService is a Knative Service.
type KService struct {
	KObject  `yaml:",inline"`
	Metadata KMeta `yaml:"metadata"`
	Spec     struct {
		Template struct {
			Metadata KMeta         `yaml:"metadata"`
			Spec     KRevisionSpec `yaml:"spec"`
		} `yaml:"template"`
		Traffic []KTraffic `yaml:"traffic"`
	} `yaml:"spec"`
}

// KRevisionSpec is a revision template's spec.
type KRevisionSpec struct {
	ContainerConcurrency *int         `yaml:"containerConcurrency"`
	TimeoutSeconds       *int         `yaml:"timeoutSeconds"`
	ServiceAccountName   string       `yaml:"serviceAccountName"`
	Containers           []KContainer `yaml:"containers"`
}

// KTraffic is one traffic target.
type KTraffic struct {
	RevisionName   string `yaml:"revisionName"`
	LatestRevision *bool  `yaml:"latestRevision"`
	Tag            string `yaml:"tag"`
	Percent        *int   `yaml:"percent"`
}

// KContainer is a container of a Service or a Job.
type KContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Env []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			SecretKeyRef *struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	Ports []struct {
		ContainerPort int `yaml:"containerPort"`
	} `yaml:"ports"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	ReadinessProbe  *KProbe           `yaml:"readinessProbe"`
	LivenessProbe   *KProbe           `yaml:"livenessProbe"`
	SecurityContext *KSecurityContext `yaml:"securityContext"`
}

// KProbe is an HTTP probe.
type KProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
	} `yaml:"httpGet"`
	InitialDelaySeconds int `yaml:"initialDelaySeconds"`
	PeriodSeconds       int `yaml:"periodSeconds"`
	FailureThreshold    int `yaml:"failureThreshold"`
}

// KSecurityContext is a container's security context.
type KSecurityContext struct {
	RunAsNonRoot             *bool `yaml:"runAsNonRoot"`
	RunAsUser                *int  `yaml:"runAsUser"`
	ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
	AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
	Capabilities             *struct {
		Drop []string `yaml:"drop"`
		Add  []string `yaml:"add"`
	} `yaml:"capabilities"`
	SeccompProfile *struct {
		Type string `yaml:"type"`
	} `yaml:"seccompProfile"`
}

// KRef is a sink or subscriber reference.
type KRef struct {
	Ref *struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Name       string `yaml:"name"`
		Namespace  string `yaml:"namespace"`
	} `yaml:"ref"`
	URI string `yaml:"uri"`
}

// KPingSource is a PingSource.
type KPingSource struct {
	KObject  `yaml:",inline"`
	Metadata KMeta `yaml:"metadata"`
	Spec     struct {
		Schedule    string `yaml:"schedule"`
		Timezone    string `yaml:"timezone"`
		ContentType string `yaml:"contentType"`
		Data        string `yaml:"data"`
		DataBase64  string `yaml:"dataBase64"`
		Sink        KRef   `yaml:"sink"`
		CEOverrides *struct {
			Extensions map[string]string `yaml:"extensions"`
		} `yaml:"ceOverrides"`
	} `yaml:"spec"`
}

// KTrigger is a Broker Trigger.
type KTrigger struct {
	KObject  `yaml:",inline"`
	Metadata KMeta `yaml:"metadata"`
	Spec     struct {
		Broker string `yaml:"broker"`
		Filter *struct {
			Attributes map[string]string `yaml:"attributes"`
		} `yaml:"filter"`
		Filters    []KFilter `yaml:"filters"`
		Subscriber KRef      `yaml:"subscriber"`
	} `yaml:"spec"`
}

// KFilter is one Subscriptions API filter; logifn uses exact and prefix.
type KFilter struct {
	Exact  map[string]string `yaml:"exact"`
	Prefix map[string]string `yaml:"prefix"`
	Suffix map[string]string `yaml:"suffix"`
	CESQL  string            `yaml:"cesql"`
}

// KJob is a batch/v1 Job.
type KJob struct {
	KObject  `yaml:",inline"`
	Metadata KMeta `yaml:"metadata"`
	Spec     struct {
		BackoffLimit            *int `yaml:"backoffLimit"`
		TTLSecondsAfterFinished *int `yaml:"ttlSecondsAfterFinished"`
		Template                struct {
			Metadata KMeta `yaml:"metadata"`
			Spec     struct {
				RestartPolicy      string       `yaml:"restartPolicy"`
				ServiceAccountName string       `yaml:"serviceAccountName"`
				Containers         []KContainer `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// Knative is infra/knative decoded: every object of the files the
// kustomization lists, by kind, and the canary example.
type Knative struct {
	Kustomization Kustomization
	ConfigMaps    []KConfigMap
	Services      []KService
	PingSources   []KPingSource
	Triggers      []KTrigger
	Jobs          []KJob
	Canary        *KService
}

// DecodeKnative reads infra/knative strictly: kustomization.yaml, each file
// it lists and the canary example, all read through read (a name relative
// to infra/knative).
func DecodeKnative(read func(name string) ([]byte, error)) (*Knative, error) {
	var k Knative
	b, err := read("kustomization.yaml")
	if err != nil {
		return nil, err
	}
	if err := strict(bytes.NewReader(b), &k.Kustomization); err != nil {
		return nil, fmt.Errorf("kustomization.yaml: %w", err)
	}
	for _, name := range k.Kustomization.Resources {
		b, err := read(name)
		if err != nil {
			return nil, err
		}
		if err := k.decodeFile(name, b); err != nil {
			return nil, err
		}
	}
	if b, err = read(KnativeCanaryFile); err != nil {
		return nil, err
	}
	var c KService
	if err := strict(bytes.NewReader(b), &c); err != nil {
		return nil, fmt.Errorf("%s: %w", KnativeCanaryFile, err)
	}
	k.Canary = &c
	return &k, nil
}

// decodeFile decodes every document of one file by its kind.
func (k *Knative) decodeFile(name string, b []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for i := 1; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s document %d: %w", name, i, err)
		}
		var head KObject
		if err := n.Decode(&head); err != nil {
			return fmt.Errorf("%s document %d: %w", name, i, err)
		}
		var into any
		switch head.APIVersion + " " + head.Kind {
		case "v1 ConfigMap":
			k.ConfigMaps = append(k.ConfigMaps, KConfigMap{})
			into = &k.ConfigMaps[len(k.ConfigMaps)-1]
		case "serving.knative.dev/v1 Service":
			k.Services = append(k.Services, KService{})
			into = &k.Services[len(k.Services)-1]
		case "sources.knative.dev/v1 PingSource":
			k.PingSources = append(k.PingSources, KPingSource{})
			into = &k.PingSources[len(k.PingSources)-1]
		case "eventing.knative.dev/v1 Trigger":
			k.Triggers = append(k.Triggers, KTrigger{})
			into = &k.Triggers[len(k.Triggers)-1]
		case "batch/v1 Job":
			k.Jobs = append(k.Jobs, KJob{})
			into = &k.Jobs[len(k.Jobs)-1]
		default:
			return fmt.Errorf("%s document %d: %s %s is not used by logifn", name, i, head.APIVersion, head.Kind)
		}
		if err := strictNode(&n, into); err != nil {
			return fmt.Errorf("%s document %d (%s): %w", name, i, head.Kind, err)
		}
	}
}
