# The image of the migrate Job (migrate-job.yaml): the logifn CLI, which runs
# `logifn migrate` with the settings of the functions.
#   docker build -f infra/knative/migrate.Dockerfile -t logifn/logifn .
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
ARG TARGETARCH=amd64
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w" -o /out/logifn ./cmd/logifn

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/logifn /logifn
USER nonroot:nonroot
ENTRYPOINT ["/logifn"]
