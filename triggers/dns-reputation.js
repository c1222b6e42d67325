//Configure the following trigger settings:
//Name: DNSReputation
//Debugging: Enabled
//Events: DNS_REQUEST, DNS_RESPONSE

// The DNSReputation example of ExtraHop's Open Data Context guide, with two corrections so that it
// runs: the published name-shortening line does not parse, so the domain is now the last two labels
// of the query name, lowercased; and DNS.errorNum is read only on responses, because reading it on
// a DNS_REQUEST throws.

if ((event === 'DNS_RESPONSE' && DNS.errorNum != 0) || DNS.qname == null
    || DNS.qname.endsWith("in-addr.arpa") || DNS.qname.endsWith("local")
    || DNS.qname.indexOf('.') == -1) {
    // error, no question, reverse lookup, or lookup of a local name
    return;
}

var canonicalname = DNS.qname.toLowerCase().split('.').slice(-2).join('.');

// Look for this DNS name in the session table
var score = Session.lookup(canonicalname);
if (score === null) {
    // Ask the reputation service, which writes the score into the session table over memcached
    Remote.HTTP("dnsrep").post({path: "/dnsreputation", payload: canonicalname});
} else {
    debug(canonicalname + ':' + score);
    if (parseFloat(score) > 75) {
        // Create an application in the ExtraHop system and add custom metrics
        Application('DNSReputation').metricAddDetailCount('Bad DNS reputation',
            canonicalname + ':' + score, 1);
    }
}
