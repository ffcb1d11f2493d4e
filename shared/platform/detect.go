package platform

// Kind names a platform a function can run on.
type Kind string

// The platforms Run knows.
const (
	KindFC      Kind = "fc"      // Alibaba Function Compute, custom runtime
	KindKnative Kind = "knative" // Knative Serving, events as CloudEvents
	KindLambda  Kind = "lambda"  // AWS Lambda, Runtime API
	KindHTTP    Kind = "http"    // a plain HTTP server, for local runs
)

// Detect picks the platform from the environment read through getenv:
// AWS_LAMBDA_RUNTIME_API means Lambda, K_SERVICE means Knative, any of
// FC_CUSTOM_LISTEN_PORT, FC_SERVER_PORT or FC_FUNCTION_NAME means Function
// Compute, and anything else a plain HTTP server.
func Detect(getenv func(string) string) Kind {
	switch {
	case getenv("AWS_LAMBDA_RUNTIME_API") != "":
		return KindLambda
	case getenv("K_SERVICE") != "":
		return KindKnative
	case getenv("FC_CUSTOM_LISTEN_PORT") != "", getenv("FC_SERVER_PORT") != "", getenv("FC_FUNCTION_NAME") != "":
		return KindFC
	default:
		return KindHTTP
	}
}
