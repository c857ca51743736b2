// Package config owns serfwd's configuration: the typed structs of SPEC §3
// for the top level and inputs, their defaults (Default, DefaultInput), the
// value types every part shares (Secret, Size, FileMode, RateLimit, TLS),
// Load, which reads a YAML file strictly (unknown keys are errors, with the
// nearest known key), expands ${VAR} from the environment in values (never
// in comments or keys; $$ is a literal $), reads *_file secrets and resolves
// an input's empty sink list to every sink, and Validate, which checks a
// loaded Config without touching the network or the disk; LoadAndValidate
// does both in one pass.
//
// Sinks are decoded through a table of kinds handed to Load
// (WithSinkKinds): config reads a sink's `type`, then decodes the same
// mapping into that kind's config struct over its defaults, and validates
// it with the kind's own Validate. It never names a kind. The checks that
// Validate methods share (CheckEnum, CheckURL, …, Problemf, Within) live
// here. Every secret is a Secret wherever it sits (in a kind's settings,
// nested blocks and maps too), so redaction finds them all by type.
//
// Every problem is reported as a Problem with a field path such as
// "inputs[0].window", and no message ever holds a secret's value. Relative
// paths are relative to the working directory, as for any command-line
// tool.
package config
