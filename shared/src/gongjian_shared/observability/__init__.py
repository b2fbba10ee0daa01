"""What an operator sees of a running service: Prometheus metrics, structured logs, trace context.

`context.py` holds what a log line and an event carry from the request or event being handled; `metrics.py`
the one registry every service registers into; `logs.py` the JSON (or, in development, readable) log lines;
`tracing.py` the W3C trace context and the optional OpenTelemetry instrumentation.
"""
