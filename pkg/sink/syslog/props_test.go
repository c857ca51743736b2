// props_test.go checks what SPEC §5 promises of a LEEF or CEF payload,
// reading the payload back with the small parsers of helpers_test.go and
// knowing only the SPEC and the documented key rule: the leading attributes
// (devTime, cat, sev, usrName; rt), every key of the event exactly once and
// in order, SPEC §4 keys under their own names (CEF: their documented
// mapping) with their values, every other key under a name the rule allows,
// and no name twice. It shares no code with the encoders: the lists below
// are typed from SPEC §4 and the README.

package syslog

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// spec4 are SPEC §4's keys, both event types.
var spec4 = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(`eventType eventId revision input windowStart windowEnd
		applicationName applicationUserName fromEnvelope fromHeader success failure tempFailure
		partialSuccess inProgress total recipientsTotal messageSizeTotal deliveredSizeTotal
		dsn2xx dsn3xx dsn4xx dsn5xx licenseStart licenseEnd annualThroughput records`) {
		m[k] = true
	}
	return m
}()

// names is the set of the space-separated names in s.
func names(s string) map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(s) {
		m[n] = true
	}
	return m
}

// leefOwn are the names no extra may take in LEEF: the predefined event
// attributes of IBM's QRadar DSM guide ("Predefined LEEF event
// attributes"), the payload's own devTime, cat, sev and usrName among them.
var leefOwn = names(`cat devTime devTimeFormat proto sev src dst srcPort dstPort srcPreNAT
	dstPreNAT srcPostNAT dstPostNAT usrName srcMAC dstMAC srcPreNATPort dstPreNATPort
	srcPostNATPort dstPostNATPort identSrc identHostName identNetBios identGrpName identMAC
	vSrc vSrcName accountName srcBytes dstBytes srcPackets dstPackets totalPackets role realm
	policy resource url groupID domain isLoginEvent isLogoutEvent identSecondlp identSecondIp
	calLanguage AttributeLimits calCountryOrRegion`)

// cefDict are the CEF extension dictionary's names as key=full name
// pairs (ArcSight CEF implementation standard, version 25, with the agent
// extensions): an extra may take neither.
var cefDict = func() map[string]bool {
	m := map[string]bool{}
	for p := range names(`act=deviceAction app=applicationProtocol cat=deviceEventCategory
		c6a1=deviceCustomIPv6Address1 c6a2=deviceCustomIPv6Address2 c6a3=deviceCustomIPv6Address3 c6a4=deviceCustomIPv6Address4
		cfp1=deviceCustomFloatingPoint1 cfp2=deviceCustomFloatingPoint2 cfp3=deviceCustomFloatingPoint3 cfp4=deviceCustomFloatingPoint4
		cn1=deviceCustomNumber1 cn2=deviceCustomNumber2 cn3=deviceCustomNumber3 cnt=baseEventCount
		cs1=deviceCustomString1 cs2=deviceCustomString2 cs3=deviceCustomString3 cs4=deviceCustomString4
		cs5=deviceCustomString5 cs6=deviceCustomString6
		deviceCustomDate1=deviceCustomDate1 deviceCustomDate2=deviceCustomDate2 flexDate1=flexDate1
		flexString1=flexString1 flexString2=flexString2
		destinationDnsDomain=destinationDnsDomain destinationServiceName=destinationServiceName
		destinationTranslatedAddress=destinationTranslatedAddress destinationTranslatedPort=destinationTranslatedPort
		deviceDirection=deviceDirection deviceDnsDomain=deviceDnsDomain deviceExternalId=deviceExternalId
		deviceFacility=deviceFacility deviceInboundInterface=deviceInboundInterface deviceNtDomain=deviceNtDomain
		deviceOutboundInterface=deviceOutboundInterface devicePayloadId=devicePayloadId
		deviceProcessName=deviceProcessName deviceTranslatedAddress=deviceTranslatedAddress
		dhost=destinationHostName dmac=destinationMacAddress dntdom=destinationNtDomain dpid=destinationProcessId
		dpriv=destinationUserPrivileges dproc=destinationProcessName dpt=destinationPort dst=destinationAddress
		dtz=deviceTimeZone duid=destinationUserId duser=destinationUserName dvc=deviceAddress
		dvchost=deviceHostName dvcmac=deviceMacAddress dvcpid=deviceProcessId end=endTime externalId=externalId
		fileCreateTime=fileCreateTime fileHash=fileHash fileId=fileId fileModificationTime=fileModificationTime
		filePath=filePath filePermission=filePermission fileType=fileType fname=filename fsize=fileSize
		in=bytesIn msg=message oldFileCreateTime=oldFileCreateTime oldFileHash=oldFileHash oldFileId=oldFileId
		oldFileModificationTime=oldFileModificationTime oldFileName=oldFileName oldFilePath=oldFilePath
		oldFilePermission=oldFilePermission oldFileSize=oldFileSize oldFileType=oldFileType out=bytesOut
		outcome=eventOutcome proto=transportProtocol reason=Reason request=requestUrl
		requestClientApplication=requestClientApplication requestContext=requestContext
		requestCookies=requestCookies requestMethod=requestMethod rt=deviceReceiptTime
		shost=sourceHostName smac=sourceMacAddress sntdom=sourceNtDomain sourceDnsDomain=sourceDnsDomain
		sourceServiceName=sourceServiceName sourceTranslatedAddress=sourceTranslatedAddress
		sourceTranslatedPort=sourceTranslatedPort spid=sourceProcessId spriv=sourceUserPrivileges
		sproc=sourceProcessName spt=sourcePort src=sourceAddress start=startTime suid=sourceUserId
		suser=sourceUserName type=type agentDnsDomain=agentDnsDomain agentNtDomain=agentNtDomain
		agentTranslatedAddress=agentTranslatedAddress agentTranslatedZoneExternalID=agentTranslatedZoneExternalID
		agentTranslatedZoneURI=agentTranslatedZoneURI agentZoneExternalID=agentZoneExternalID
		agentZoneURI=agentZoneURI agt=agentAddress ahost=agentHostName aid=agentId amac=agentMacAddress
		art=agentReceiptTime at=agentType atz=agentTimeZone av=agentVersion
		customerExternalID=customerExternalID customerURI=customerURI
		destinationTranslatedZoneExternalID=destinationTranslatedZoneExternalID
		destinationTranslatedZoneURI=destinationTranslatedZoneURI destinationZoneExternalID=destinationZoneExternalID
		destinationZoneURI=destinationZoneURI deviceTranslatedZoneExternalID=deviceTranslatedZoneExternalID
		deviceTranslatedZoneURI=deviceTranslatedZoneURI deviceZoneExternalID=deviceZoneExternalID
		deviceZoneURI=deviceZoneURI dlat=destinationGeoLatitude dlong=destinationGeoLongitude eventId=eventId
		rawEvent=rawEvent slat=sourceGeoLatitude slong=sourceGeoLongitude
		sourceTranslatedZoneExternalID=sourceTranslatedZoneExternalID sourceTranslatedZoneURI=sourceTranslatedZoneURI
		sourceZoneExternalID=sourceZoneExternalID sourceZoneURI=sourceZoneURI catdt=categoryDeviceType`) {
		key, full, _ := strings.Cut(p, "=")
		m[key], m[full] = true, true
	}
	// The custom fields' labels.
	for _, k := range strings.Fields("c6a1 c6a2 c6a3 c6a4 cfp1 cfp2 cfp3 cfp4 cn1 cn2 cn3 cs1 cs2 cs3 cs4 cs5 cs6 " +
		"deviceCustomIPv6Address1 deviceCustomIPv6Address2 deviceCustomIPv6Address3 deviceCustomIPv6Address4 " +
		"deviceCustomFloatingPoint1 deviceCustomFloatingPoint2 deviceCustomFloatingPoint3 deviceCustomFloatingPoint4 " +
		"deviceCustomNumber1 deviceCustomNumber2 deviceCustomNumber3 deviceCustomString1 deviceCustomString2 " +
		"deviceCustomString3 deviceCustomString4 deviceCustomString5 deviceCustomString6 " +
		"deviceCustomDate1 deviceCustomDate2 flexDate1 flexString1 flexString2") {
		m[k+"Label"] = true
	}
	return m
}()

// cefDoc is the README's CEF mapping: §4 key → CEF key and label.
var cefDoc = map[string][2]string{
	"eventId": {"externalId"}, "eventType": {"cat"}, "windowStart": {"start"}, "windowEnd": {"end"},
	"applicationName": {"app"}, "applicationUserName": {"suser"},
	"input": {"cs1", "input"}, "fromEnvelope": {"cs2", "fromEnvelope"}, "fromHeader": {"cs3", "fromHeader"},
	"licenseStart": {"cs4", "licenseStart"}, "licenseEnd": {"cs5", "licenseEnd"}, "revision": {"cs6", "revision"},
	"success": {"cn1", "success"}, "failure": {"cn2", "failure"}, "tempFailure": {"cn3", "tempFailure"},
	"messageSizeTotal": {"in"}, "deliveredSizeTotal": {"out"}, "total": {"cnt"},
}

// cefOwn are the names no extra may take in CEF: those the payload or the
// mapping can use, the extension dictionary's, and SPEC §4's (labels name
// them).
var cefOwn = func() map[string]bool {
	m := map[string]bool{"rt": true}
	for k := range cefDict {
		m[k] = true
	}
	for k := range spec4 {
		m[k] = true
	}
	for _, t := range cefDoc {
		m[t[0]] = true
		if t[1] != "" {
			m[t[0]+"Label"] = true
		}
	}
	return m
}()

// wantSeverity is SPEC §5's sev in exact arithmetic: 1 when failure is 0,
// else 1 + round(9 × failure ÷ total) (halves up), at most 10.
func wantSeverity(e *event.Event) string {
	f, t := e.IntValue("failure"), e.IntValue("total")
	if f <= 0 {
		return "1"
	}
	if t <= 0 {
		return "10"
	}
	// round(9f/t) = floor((18f + t) / 2t)
	num := new(big.Int).Add(new(big.Int).Mul(big.NewInt(18), big.NewInt(f)), big.NewInt(t))
	q := new(big.Int).Quo(num, new(big.Int).Mul(big.NewInt(2), big.NewInt(t)))
	return strconv.FormatInt(min(1+q.Int64(), 10), 10)
}

// textOf is a field's value as text, lists joined with ','.
func textOf(f event.Field) string { return f.Value() }

// without removes what SPEC §5 says a value loses, and turns each byte of
// invalid UTF-8 into U+FFFD.
func without(s string, lose func(r rune) bool) string {
	return strings.Map(func(r rune) rune {
		if lose(r) {
			return -1
		}
		return r
	}, s)
}

func leefValueOf(f event.Field) string {
	return without(textOf(f), func(r rune) bool { return r == '^' || r < 0x20 || r == 0x7f })
}

func cefValueOf(f event.Field) string {
	return without(textOf(f), func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\r') || r == 0x7f })
}

// nameAllowed checks an extra's payload name against the documented rule:
// name = P + R, P one of "", "extra_", "extra2_", "extra3_", …, R the key
// with each character outside [A-Za-z0-9_.] replaced by one '_' ("_" for an
// empty key), and every name the rule tries before it taken.
func nameAllowed(key, name string, taken func(string) bool) error {
	r := []rune(key) // a byte of invalid UTF-8 is one rune here
	if len(r) == 0 {
		r = []rune{'_'}
	}
	if len(name) < len(r) {
		return fmt.Errorf("key %q travels as %q: too short", key, name)
	}
	p, rest := name[:len(name)-len(r)], name[len(name)-len(r):]
	n := prefixNumber(p)
	if n < 0 {
		return fmt.Errorf("key %q travels as %q: prefix %q", key, name, p)
	}
	for i, c := range r {
		allowed := c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.')
		if (allowed && rest[i] != byte(c)) || (!allowed && rest[i] != '_') {
			return fmt.Errorf("key %q travels as %q: character %d", key, name, i)
		}
	}
	for k := range n { // the names tried before
		before := rest
		switch k {
		case 0:
		case 1:
			before = "extra_" + rest
		default:
			before = "extra" + strconv.Itoa(k) + "_" + rest
		}
		if !taken(before) {
			return fmt.Errorf("key %q travels as %q although %q is free", key, name, before)
		}
	}
	return nil
}

// prefixNumber is 0 for "", 1 for "extra_", k for "extrak_" (k ≥ 2), else -1.
func prefixNumber(p string) int {
	switch {
	case p == "":
		return 0
	case p == "extra_":
		return 1
	case !strings.HasPrefix(p, "extra") || !strings.HasSuffix(p, "_"):
		return -1
	}
	k, err := strconv.Atoi(p[len("extra") : len(p)-1])
	if err != nil || k < 2 || p != "extra"+strconv.Itoa(k)+"_" {
		return -1
	}
	return k
}

// plain reports whether a key needs no rewriting under the documented rule.
func plain(key string) bool {
	return key != "" && strings.Trim(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") == ""
}

// checkLEEFPayload checks a LEEF payload read back from the wire against
// the event it came from.
func checkLEEFPayload(e *event.Event, payload string) error {
	header, attrs, err := parseLEEF(payload)
	if err != nil {
		return err
	}
	if header[1] != "Proofpoint" || header[2] != "SER" || header[4] != without(e.Type(), func(r rune) bool { return r == '|' || r == '\\' || r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("LEEF header %q", header)
	}
	lead := []kv{{"devTime", strconv.FormatInt(leefTime(e), 10)}, {"cat", leefValueOf(event.Field{Kind: event.String, Str: e.Type()})}, {"sev", wantSeverity(e)}}
	if u, ok := e.Get("applicationUserName"); ok && e.Type() == event.TypeApplicationUser {
		lead = append(lead, kv{"usrName", leefValueOf(u)})
	}
	if len(attrs) != len(lead)+len(e.Fields) {
		return fmt.Errorf("%d attributes for %d keys: %q", len(attrs), len(e.Fields), attrs)
	}
	for i, a := range lead {
		if attrs[i] != a {
			return fmt.Errorf("attribute %d is %q, want %q", i, attrs[i], a)
		}
	}
	return checkKeys(e, attrs[len(lead):], attrs, leefOwn, func(k string) string { return k }, leefValueOf)
}

// leefTime is windowStart in epoch ms (the tests' formatter clock otherwise).
func leefTime(e *event.Event) int64 {
	if ts := e.WindowStart(); !ts.IsZero() {
		return ts.UnixMilli()
	}
	return testNow.UnixMilli()
}

// checkKeys checks the attributes that carry the event's fields, in order:
// unique names over all, §4 keys (first occurrence) under specName with
// their values, the rest under allowed names with their values.
func checkKeys(e *event.Event, got, all []kv, own map[string]bool, specName func(string) string, value func(event.Field) string) error {
	used := map[string]int{}
	for _, a := range all {
		used[a.k]++
		if used[a.k] > 1 {
			return fmt.Errorf("name %q appears twice: %q", a.k, all)
		}
	}
	taken := func(n string) bool { return own[n] || used[n] > 0 }
	met := map[string]bool{}
	for i, f := range e.Fields {
		a := got[i]
		if a.v != value(f) {
			return fmt.Errorf("key %q: value %q, want %q", f.Key, a.v, value(f))
		}
		if spec4[f.Key] && !met[f.Key] {
			met[f.Key] = true
			if a.k != specName(f.Key) {
				return fmt.Errorf("SPEC §4 key %q travels as %q", f.Key, a.k)
			}
			continue
		}
		if err := nameAllowed(f.Key, a.k, taken); err != nil {
			return err
		}
		if own[a.k] { // a SIEM would read it as its own attribute
			return fmt.Errorf("key %q travels under the reserved name %q", f.Key, a.k)
		}
		// A key that arrived as it may travel keeps its name unless the
		// payload, a §4 key or an equal key before it holds that name.
		if plain(f.Key) && !own[f.Key] && a.k != f.Key && !spec4[f.Key] && !earlier(e, i, f.Key) {
			return fmt.Errorf("key %q travels as %q although it needs no rewriting", f.Key, a.k)
		}
	}
	return nil
}

func earlier(e *event.Event, i int, key string) bool {
	for _, f := range e.Fields[:i] {
		if f.Key == key {
			return true
		}
	}
	return false
}

// checkCEFPayload checks a CEF payload read back from the wire against the
// event it came from.
func checkCEFPayload(e *event.Event, payload string) error {
	header, pairs, err := parseCEF(payload)
	if err != nil {
		return err
	}
	if header[1] != "Proofpoint" || header[2] != "SER" || header[4] != without(e.Type(), func(r rune) bool { return r < 0x20 || r == 0x7f }) || header[6] != wantSeverity(e) {
		return fmt.Errorf("CEF header %q", header)
	}
	if len(pairs) == 0 || pairs[0] != (kv{"rt", strconv.FormatInt(leefTime(e), 10)}) {
		return fmt.Errorf("CEF extension does not start with rt: %q", pairs)
	}
	// Fold each label into the pair it names, as a CEF consumer does.
	var fields []kv
	for i := 1; i < len(pairs); i++ {
		p := pairs[i]
		if strings.HasSuffix(p.k, "Label") && cefOwn[p.k] {
			if i+1 == len(pairs) || pairs[i+1].k+"Label" != p.k {
				return fmt.Errorf("label %q not followed by its field", p.k)
			}
			continue
		}
		fields = append(fields, p)
	}
	if len(fields) != len(e.Fields) {
		return fmt.Errorf("%d CEF fields for %d keys: %q", len(fields), len(e.Fields), pairs)
	}
	for i, f := range e.Fields { // mapped §4 keys: labels and millisecond times
		t, ok := cefDoc[f.Key]
		if !ok || !spec4[f.Key] {
			continue
		}
		if t[1] != "" && !hasPair(pairs, kv{t[0] + "Label", t[1]}) {
			return fmt.Errorf("no %sLabel=%s", t[0], t[1])
		}
		if f.Key == "windowStart" || f.Key == "windowEnd" {
			if ts, err := timeMillis(f.Str); err == nil {
				e = withValue(e, i, ts)
			}
		}
	}
	specName := func(k string) string {
		if t, ok := cefDoc[k]; ok {
			return t[0]
		}
		return k
	}
	return checkKeys(e, fields, pairs, cefOwn, specName, cefValueOf)
}

func hasPair(pairs []kv, p kv) bool {
	for _, q := range pairs {
		if q == p {
			return true
		}
	}
	return false
}

func timeMillis(s string) (string, error) {
	ts, err := time.Parse("2006-01-02T15:04:05.000Z", s)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(ts.UnixMilli(), 10), nil
}

// withValue is a copy of e with field i's value replaced by a string.
func withValue(e *event.Event, i int, v string) *event.Event {
	c := event.Event{Fields: append([]event.Field(nil), e.Fields...)}
	c.Fields[i] = event.Field{Key: c.Fields[i].Key, Kind: event.String, Str: v}
	return &c
}
