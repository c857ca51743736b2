// Decoding the two messages a receiver answers with, in protobuf and in
// OTLP's JSON, without linking gRPC (which the Collector's plogotlp and
// genproto's rpc status would bring along): ExportLogsServiceResponse
// {partial_success = 1 {rejected_log_records = 1, error_message = 2}} and
// google.rpc.Status {code = 1, message = 2, details = 3}.

package otlp

import (
	"encoding/json"
	"errors"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
)

// partialSuccess is what an ExportLogsServiceResponse says.
type partialSuccess struct {
	rejected int64
	message  string
}

// decodeResponseProto reads an ExportLogsServiceResponse.
func decodeResponseProto(b []byte) (partialSuccess, error) {
	var ps partialSuccess
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		if num != 1 || typ != protowire.BytesType {
			return nil
		}
		return eachField(v, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
			switch {
			case num == 1 && typ == protowire.VarintType:
				ps.rejected = int64(n) // 2^63 and more read as negative: accepted refuses those
			case num == 2 && typ == protowire.BytesType:
				ps.message = string(v)
			}
			return nil
		})
	})
	return ps, err
}

// decodeStatusProto reads the message of a google.rpc.Status.
func decodeStatusProto(b []byte) (string, error) {
	var msg string
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if num == 2 && typ == protowire.BytesType {
			msg = string(v)
		}
		return nil
	})
	return msg, err
}

var errWire = errors.New("not a protobuf message")

// eachField calls fn for every field of the message b: its number, wire
// type, bytes (length-delimited) or value (varint).
func eachField(b []byte, fn func(protowire.Number, protowire.Type, []byte, uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errWire
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errWire
		}
		b = b[n:]
		if err := fn(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

// decodeResponseJSON reads an ExportLogsServiceResponse in OTLP's JSON,
// where an int64 may be written as a number or as a string.
func decodeResponseJSON(b []byte) (partialSuccess, error) {
	var r struct {
		PartialSuccess struct {
			RejectedLogRecords json.RawMessage `json:"rejectedLogRecords"`
			ErrorMessage       string          `json:"errorMessage"`
		} `json:"partialSuccess"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return partialSuccess{}, err
	}
	ps := partialSuccess{message: r.PartialSuccess.ErrorMessage}
	if raw := r.PartialSuccess.RejectedLogRecords; len(raw) > 0 {
		s, err := strconv.Unquote(string(raw))
		if err != nil {
			s = string(raw)
		}
		if ps.rejected, err = strconv.ParseInt(s, 10, 64); err != nil {
			return partialSuccess{}, errors.New("rejectedLogRecords is not an integer")
		}
	}
	return ps, nil
}

// decodeStatusJSON reads the message of a google.rpc.Status in JSON.
func decodeStatusJSON(b []byte) (string, error) {
	var st struct {
		Message string `json:"message"`
	}
	err := json.Unmarshal(b, &st)
	return st.Message, err
}
