// Package config owns serfwd's configuration: the typed structs of SPEC §3,
// their defaults (Default, DefaultInput, DefaultHEC, DefaultSyslog,
// DefaultFile), Load, which reads a YAML file strictly (unknown keys are
// errors), expands ${VAR} from the environment in values (never in comments
// or keys; $$ is a literal $), reads *_file secrets and resolves an input's
// empty sink list to every sink, and Validate, which checks a loaded Config
// without touching the network or the disk. Every problem is reported as a
// Problem with a field path such as "inputs[0].window", and no message ever
// holds a secret's value. Relative paths are relative to the working
// directory, as for any command-line tool.
package config
