"""Lead enrichment: the address's deliverability (syntax, DNS, disposable, role and free-mail
domains) and the company behind it (its site's name, description, OpenGraph, JSON-LD
Organization, social links, language), with an optional model-written summary and opener.
`EnrichLeadWorkflow` does the work; every DNS query and fetch is one of its activities."""
