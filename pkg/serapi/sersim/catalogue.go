// The fixed catalogue of sending applications that generated records draw on.

package sersim

// application is one SaaS or in-house system that relays mail through SER.
type application struct {
	name     string
	users    []string // SMTP application users configured for it
	envelope []string // candidate envelope senders (addresses or bare domains)
	header   []string // candidate header From values
	perHour  int64    // typical messages per hour per user
	avgSize  int64    // typical message size in bytes
}

// catalogue is the fixed set of applications; its order is part of the
// deterministic output, so append only.
var catalogue = []application{
	{"Salesforce", []string{"sf-prod-notifications", "sf-marketing-cloud", "sf-service-cases"},
		[]string{"bounces@example.com", "noreply@example.com", "cases@support.example.com"},
		[]string{"example.com", "support.example.com"}, 1200, 48_000},
	{"Workday", []string{"wd-hr-notifications", "wd-recruiting"},
		[]string{"workday@example.com", "hr.example.com"},
		[]string{"hr@example.com", "example.com"}, 150, 36_000},
	{"ServiceNow", []string{"snow-itsm-prod", "snow-incident-alerts"},
		[]string{"servicenow@it.example.com", "it.example.com"},
		[]string{"it.example.com", "servicedesk@example.com"}, 400, 22_000},
	{"Jira", []string{"jira-cloud", "jira-service-management"},
		[]string{"jira@example.org", "jira-bounces@example.org"},
		[]string{"jira@example.org"}, 600, 18_000},
	{"Zendesk", []string{"zd-support", "zd-billing-support"},
		[]string{"support@example.com", "mail.support.example.com"},
		[]string{"support@example.com", "example.com"}, 350, 25_000},
	{"SAP Concur", []string{"concur-expense"},
		[]string{"concur@example.com", "travel@example.com"},
		[]string{"example.com"}, 80, 120_000},
	{"HubSpot", []string{"hubspot-marketing", "hubspot-sales"},
		[]string{"bounce.news.example.net", "marketing@news.example.net"},
		[]string{"news.example.net", "hello@example.net"}, 2500, 64_000},
	{"Marketo", []string{"mkto-campaigns", "mkto-transactional"},
		[]string{"mkto-bounces@mail.example.net", "mail.example.net"},
		[]string{"events@example.net", "example.net"}, 1800, 72_000},
	{"DocuSign", []string{"docusign-envelopes"},
		[]string{"dse@example.com", "docusign@example.com"},
		[]string{"contracts@example.com"}, 90, 210_000},
	{"Coupa", []string{"coupa-procurement", "coupa-invoicing"},
		[]string{"procurement@example.com", "coupa.example.com"},
		[]string{"procurement@example.com"}, 120, 95_000},
	{"Okta", []string{"okta-mfa", "okta-account-recovery"},
		[]string{"noreply@id.example.com", "id.example.com"},
		[]string{"id.example.com"}, 700, 12_000},
	{"billing-app", []string{"billing-invoices", "billing-dunning", "billing-receipts"},
		[]string{"invoices@billing.example.com", "billing.example.com", "receipts@billing.example.com"},
		[]string{"billing@example.com", "billing.example.com"}, 900, 140_000},
}

// sender is one (application, user) pair: the identity of a record.
type sender struct {
	app  *application
	user string
}

// senders flattens the catalogue into its (application, user) pairs.
var senders = func() []sender {
	var out []sender
	for i := range catalogue {
		for _, u := range catalogue[i].users {
			out = append(out, sender{&catalogue[i], u})
		}
	}
	return out
}()
