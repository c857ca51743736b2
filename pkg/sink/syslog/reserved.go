// reserved.go lists the attribute names a SIEM gives a meaning of its own,
// so that no unknown field of a SER record can pose as one of them (SPEC §5:
// such a field travels as extra_<name>, keys.go's rule): a record field
// "src" or "act" must not fill QRadar's Source IP or ArcSight's Device
// Action.

package syslog

import "strings"

// leefPredefined are LEEF's predefined event attributes, as IBM's QRadar
// DSM guide lists them ("Predefined LEEF event attributes",
// https://www.ibm.com/docs/en/dsm?topic=overview-predefined-leef-event-attributes);
// QRadar normalizes several of them into its own columns. identSecondlp is
// spelt as the guide spells it; identSecondIp, what it means, is reserved
// too.
var leefPredefined = setOf(`
	cat devTime devTimeFormat proto sev src dst srcPort dstPort
	srcPreNAT dstPreNAT srcPostNAT dstPostNAT usrName srcMAC dstMAC
	srcPreNATPort dstPreNATPort srcPostNATPort dstPostNATPort
	identSrc identHostName identNetBios identGrpName identMAC vSrc vSrcName
	accountName srcBytes dstBytes srcPackets dstPackets totalPackets
	role realm policy resource url groupID domain isLoginEvent isLogoutEvent
	identSecondlp identSecondIp calLanguage AttributeLimits calCountryOrRegion`)

// cefDictionary is the ArcSight CEF extension dictionary: every key name
// and its full name ("ArcSight Common Event Format (CEF) Implementation
// Standard", version 25, "ArcSight Extension Dictionary" and "Extension
// Dictionary for Agents"). CEF consumers map either form to their fields.
var cefDictionary = setOf(`
	act deviceAction app applicationProtocol
	c6a1 c6a1Label c6a2 c6a2Label c6a3 c6a3Label c6a4 c6a4Label
	deviceCustomIPv6Address1 deviceCustomIPv6Address1Label deviceCustomIPv6Address2 deviceCustomIPv6Address2Label
	deviceCustomIPv6Address3 deviceCustomIPv6Address3Label deviceCustomIPv6Address4 deviceCustomIPv6Address4Label
	cat deviceEventCategory
	cfp1 cfp1Label cfp2 cfp2Label cfp3 cfp3Label cfp4 cfp4Label
	deviceCustomFloatingPoint1 deviceCustomFloatingPoint1Label deviceCustomFloatingPoint2 deviceCustomFloatingPoint2Label
	deviceCustomFloatingPoint3 deviceCustomFloatingPoint3Label deviceCustomFloatingPoint4 deviceCustomFloatingPoint4Label
	cn1 cn1Label cn2 cn2Label cn3 cn3Label
	deviceCustomNumber1 deviceCustomNumber1Label deviceCustomNumber2 deviceCustomNumber2Label
	deviceCustomNumber3 deviceCustomNumber3Label
	cnt baseEventCount
	cs1 cs1Label cs2 cs2Label cs3 cs3Label cs4 cs4Label cs5 cs5Label cs6 cs6Label
	deviceCustomString1 deviceCustomString1Label deviceCustomString2 deviceCustomString2Label
	deviceCustomString3 deviceCustomString3Label deviceCustomString4 deviceCustomString4Label
	deviceCustomString5 deviceCustomString5Label deviceCustomString6 deviceCustomString6Label
	destinationDnsDomain destinationServiceName destinationTranslatedAddress destinationTranslatedPort
	deviceCustomDate1 deviceCustomDate1Label deviceCustomDate2 deviceCustomDate2Label
	deviceDirection deviceDnsDomain deviceExternalId deviceFacility deviceInboundInterface
	deviceNtDomain deviceOutboundInterface devicePayloadId deviceProcessName deviceTranslatedAddress
	dhost destinationHostName dmac destinationMacAddress dntdom destinationNtDomain
	dpid destinationProcessId dpriv destinationUserPrivileges dproc destinationProcessName
	dpt destinationPort dst destinationAddress dtz deviceTimeZone duid destinationUserId
	duser destinationUserName dvc deviceAddress dvchost deviceHostName dvcmac deviceMacAddress
	dvcpid deviceProcessId end endTime externalId
	fileCreateTime fileHash fileId fileModificationTime filePath filePermission fileType
	flexDate1 flexDate1Label flexString1 flexString1Label flexString2 flexString2Label
	fname filename fsize fileSize in bytesIn msg message
	oldFileCreateTime oldFileHash oldFileId oldFileModificationTime oldFileName oldFilePath
	oldFilePermission oldFileSize oldFileType out bytesOut outcome eventOutcome
	proto transportProtocol reason Reason request requestUrl requestClientApplication
	requestContext requestCookies requestMethod rt deviceReceiptTime
	shost sourceHostName smac sourceMacAddress sntdom sourceNtDomain sourceDnsDomain
	sourceServiceName sourceTranslatedAddress sourceTranslatedPort spid sourceProcessId
	spriv sourceUserPrivileges sproc sourceProcessName spt sourcePort src sourceAddress
	start startTime suid sourceUserId suser sourceUserName type
	agentDnsDomain agentNtDomain agentTranslatedAddress agentTranslatedZoneExternalID
	agentTranslatedZoneURI agentZoneExternalID agentZoneURI agt agentAddress ahost agentHostName
	aid agentId amac agentMacAddress art agentReceiptTime at agentType atz agentTimeZone
	av agentVersion customerExternalID customerURI
	destinationTranslatedZoneExternalID destinationTranslatedZoneURI destinationZoneExternalID
	destinationZoneURI deviceTranslatedZoneExternalID deviceTranslatedZoneURI
	deviceZoneExternalID deviceZoneURI dlat destinationGeoLatitude dlong destinationGeoLongitude
	eventId rawEvent slat sourceGeoLatitude slong sourceGeoLongitude
	sourceTranslatedZoneExternalID sourceTranslatedZoneURI sourceZoneExternalID sourceZoneURI
	catdt categoryDeviceType`)

// setOf makes a set of the space-separated names in s.
func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(s) {
		m[n] = true
	}
	return m
}
